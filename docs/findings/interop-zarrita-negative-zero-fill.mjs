// zarrita.js's create() writes a -0.0 fill value to zarr.json as 0: JSON.stringify(-0) is "0", so
// every reader, zarrita included, reads never-written chunks as +0.0.
//
// Expected: "fill_value": -0.0 (any JSON number with its sign) in zarr.json.
// Interop: zarrita-negative-zero-fill (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-negative-zero-fill.mjs [NODE_MODULES]
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
await zarr.create(store, { shape: [2], chunkShape: [2], dtype: "float64", fillValue: -0 });
const written = JSON.parse(new TextDecoder().decode(store.get("/zarr.json"))).fill_value;
if (!Object.is(written, -0)) {
	console.log(`affected: create() writes the float64 fill value -0 to zarr.json as ${JSON.stringify(written)}`);
	process.exit(1);
}
console.log("fixed: create() writes the float64 fill value -0 with its sign");
process.exit(0);
