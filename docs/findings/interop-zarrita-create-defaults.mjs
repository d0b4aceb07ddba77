// zarrita.js's create() given only a shape, a dtype and a chunk shape writes "fill_value": null and
// "codecs": [] to zarr.json. The v3 spec requires a fill value (null is not one for these data types) and
// exactly one array-to-bytes codec, so zarr-python, zarrs and tensorstore refuse the array; for int64 and
// uint64 the first partial write fails outright ("Cannot convert null to a BigInt").
//
// Expected: a zarr.json every v3 reader opens: a fill value (the data type's zero, as zarr-python and
// tensorstore default to) and a bytes codec.
// Interop: zarrita-create-defaults (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-create-defaults.mjs [NODE_MODULES]
//
// NODE_MODULES: the node_modules holding zarrita (scripts/findings passes VENV/node/node_modules); without
// it, "zarrita" is imported as usual. Exit 1 affected, 0 fixed, 2 (one line "needs zarrita: ...") if absent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

async function load(name) {
	try {
		if (!process.argv[2]) return await import(name);
		const folder = join(process.argv[2], name);
		const entry = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")).exports["."].import;
		return await import(pathToFileURL(join(folder, entry)).href);
	} catch (error) {
		console.log(`needs ${name}: ${error.message}`);
		process.exit(2);
	}
}

const zarr = await load("zarrita");
const store = new Map();
await zarr.create(store, { shape: [4], chunkShape: [2], dtype: "float64" });
const written = JSON.parse(new TextDecoder().decode(store.get("/zarr.json")));
const serializers = written.codecs.filter((codec) => codec.name === "bytes" || codec.name === "sharding_indexed");
if (written.fill_value === null || serializers.length !== 1) {
	console.log(`affected: create() without options writes fill_value ${JSON.stringify(written.fill_value)} and ` +
		`codecs ${JSON.stringify(written.codecs)}, which the v3 spec forbids`);
	process.exit(1);
}
console.log(`fixed: create() without options writes fill_value ${written.fill_value} and a bytes codec`);
process.exit(0);
