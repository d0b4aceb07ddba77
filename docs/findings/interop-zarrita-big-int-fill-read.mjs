// zarrita.js reads an int64 or uint64 fill value through a double: JSON.parse rounds 2**64 - 1 to 2**64,
// so a uint64 array with the maximum as its fill value reads 0 wherever nothing was written.
//
// Expected: never-written elements read back as the fill value, 18446744073709551615n.
// Interop: zarrita-big-int-fill-read (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-big-int-fill-read.mjs [NODE_MODULES]
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
const store = new Map(); // zarrita reads any store with get(key)
store.set("/zarr.json", new TextEncoder().encode(`{"zarr_format": 3, "node_type": "array", "shape": [2],
	"data_type": "uint64", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
	"chunk_key_encoding": {"name": "default"}, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
	"fill_value": 18446744073709551615}`));
const array = await zarr.open.v3(store, { kind: "array" });
const { data } = await zarr.get(array, null);
if (data[0] !== 18446744073709551615n) {
	console.log(`affected: a uint64 array with fill value 18446744073709551615 reads ${data[0]} where nothing was written`);
	process.exit(1);
}
console.log("fixed: the uint64 fill value 18446744073709551615 reads back exactly");
process.exit(0);
