// zarrita.js's get() and set() raise "Input contains an empty iterator." for an empty slice whose start
// lies on a chunk boundary (or past its stop, across chunks): numpy reads such a slice as an empty array
// and writes nothing. The same slice starting inside a chunk works.
//
// Expected: get(array, [slice(3, 3)]) on a 6-element array in chunks of 3 returns shape [0], as
// get(array, [slice(2, 2)]) does, and set() of it writes nothing.
// Engine bug: zarrita-empty-slice (zarrgauge/conformance/engine_bugs.py; tests/conformance/test_engine_indexing.py)
//
//     node engine-zarrita-empty-slice.mjs [NODE_MODULES]
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
const array = await zarr.create(new Map(), { shape: [6], chunkShape: [3], dtype: "float64", fillValue: 0 });
if ((await zarr.get(array, [zarr.slice(2, 2)])).shape.join() !== "0") throw new Error("slice(2, 2) is not empty");
try {
	const got = await zarr.get(array, [zarr.slice(3, 3)]);
	await zarr.set(array, [zarr.slice(3, 3)], 1);
	if (got.shape.join() !== "0") {
		console.log(`affected: get(array, [slice(3, 3)]) has shape [${got.shape}], not [0]`);
		process.exit(1);
	}
} catch (error) {
	console.log(`affected: an empty slice starting on a chunk boundary raises ${error.name}: ${error.message}`);
	process.exit(1);
}
console.log("fixed: an empty slice starting on a chunk boundary reads an empty array and writes nothing");
process.exit(0);
