// zarrita.js's set() never checks that its value's shape fits the selection: 4 values written into a
// 5-element slice change 4 elements and leave the fifth, 6 values change 5 and drop the last one, where
// numpy raises ValueError ("could not broadcast") and writes nothing.
//
// Expected: set(array, [slice(0, 5)], value of shape [4] or [6]) raises, and the array keeps its values.
// Engine bug: zarrita-unchecked-write-shape (zarrgauge/conformance/engine_bugs.py; tests/conformance/test_engine_indexing.py)
//
//     node engine-zarrita-unchecked-write-shape.mjs [NODE_MODULES]
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
const problems = [];
for (const count of [4, 6]) {
	const array = await zarr.create(new Map(), { shape: [8], chunkShape: [8], dtype: "float64", fillValue: 0 });
	const value = { data: new Float64Array(count).fill(1), shape: [count], stride: [1] };
	try {
		await zarr.set(array, [zarr.slice(0, 5)], value);
	} catch {
		continue; // refused, as numpy does
	}
	const stored = Array.from((await zarr.get(array, null)).data);
	problems.push(`${count} values into slice(0, 5) were written, the array now [${stored}]`);
}
if (problems.length) {
	console.log(`affected: ${problems.join("; ")}`);
	process.exit(1);
}
console.log("fixed: set() refuses a value whose shape does not fit the selection");
process.exit(0);
