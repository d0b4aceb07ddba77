// zarrita.js does not decode a float fill value in the v3 spec's hex form: "0x7ff8000000000001" (a NaN
// with a payload) is taken as the number 0x7ff8000000000001, and never-written chunks read as 9.2e18.
//
// Expected: never-written elements read back with the bits 0x7ff8000000000001.
// Interop: zarrita-hex-fill (zarrgauge/interop/known_bugs.py; make interop, tests/conformance/test_engines.py)
//
//     node interop-zarrita-hex-fill.mjs [NODE_MODULES]
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
	"data_type": "float64", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
	"chunk_key_encoding": {"name": "default"}, "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
	"fill_value": "0x7ff8000000000001"}`));
const { data } = await zarr.get(await zarr.open.v3(store, { kind: "array" }), null);
const bits = new BigUint64Array(data.buffer, data.byteOffset, 1)[0];
if (bits !== 0x7ff8000000000001n) {
	console.log(`affected: the fill value "0x7ff8000000000001" reads back as ${data[0]} (bits 0x${bits.toString(16)})`);
	process.exit(1);
}
console.log("fixed: the hex fill value 0x7ff8000000000001 reads back with its bits");
process.exit(0);
