// zarrita.js takes a selection with fewer items than the array has dimensions as an array of that many
// dimensions: on a 4x6 array in 2x3 chunks, get(array, [1]) reads the scalar of chunk key "c/0" (which no
// 2-D array has: the fill value), not row 1, and set(array, [1], 5) writes a chunk under "c/0" and leaves
// row 1 as it was. numpy (and zarr-python, zarr 2, tensorstore) fill the missing trailing axes with full
// slices; refusing the selection would do too, but not this.
//
// Expected: get(array, [1]) returns row 1 (shape [6]), and set(array, [1], 5) writes 5 into that row and
// no chunk key of another number of dimensions.
// Engine bug: zarrita-fewer-indices (zarrgauge/conformance/engine_bugs.py; tests/conformance/test_engine_indexing.py)
//
//     node engine-zarrita-fewer-indices.mjs [NODE_MODULES]
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
const array = await zarr.create(store, { shape: [4, 6], chunkShape: [2, 3], dtype: "float64", fillValue: 0 });
await zarr.set(array, null, 1);
// A refusal is a fix as good as numpy's answer: the outcome of each call, or the error it raised.
async function refusedOr(call) {
	try {
		return { value: await call() };
	} catch (error) {
		return { refused: `${error.name}: ${error.message}` };
	}
}

const problems = [];
const row = await refusedOr(() => zarr.get(array, [1]));
if (!row.refused && row.value?.shape?.join() !== "6") {
	problems.push(`get(array, [1]) returned ${JSON.stringify(row.value)}, not row 1`);
}
if (!(await refusedOr(() => zarr.set(array, [1], 5))).refused) {
	const written = Array.from((await zarr.get(array, [1, null])).data);
	if (written.some((value) => value !== 5)) problems.push(`set(array, [1], 5) left row 1 [${written}]`);
}
const stray = [...store.keys()].filter((key) => /^\/c\/\d+$/.test(key));
if (stray.length) problems.push(`set() wrote chunk key ${stray} of a 1-D array`);
if (problems.length) {
	console.log(`affected: ${problems.join("; ")}`);
	process.exit(1);
}
console.log("fixed: a selection of fewer items than dimensions selects whole trailing axes, or is refused");
process.exit(0);
