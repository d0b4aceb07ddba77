// zarrita.js cannot read a zarr v2 int64 or uint64 array whose fill_value is null (the v2 spec's
// "undefined", and what tensorstore writes by default) wherever a chunk is missing: it converts the null
// fill value to a BigInt and throws "Cannot convert null to a BigInt". Float and smaller integer types read.
//
// Expected: missing chunks read as some value of the type (zarr-python, zarr 2, zarrs and tensorstore give 0).
// Interop: zarrita-null-big-int-fill (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-null-big-int-fill.mjs [NODE_MODULES]
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
const zarray = { zarr_format: 2, shape: [4], chunks: [2], dtype: "<i8", compressor: null, fill_value: null,
	order: "C", filters: null };
store.set("/.zarray", new TextEncoder().encode(JSON.stringify(zarray)));
store.set("/0", new Uint8Array(new BigInt64Array([5n, 6n]).buffer)); // chunk 1 never written
const array = await zarr.open.v2(store, { kind: "array" });
try {
	const values = await zarr.get(array);
	console.log(`fixed: a v2 int64 array with a null fill value reads [${Array.from(values.data)}]`);
	process.exit(0);
} catch (error) {
	console.log(`affected: a v2 int64 array with a null fill value and a missing chunk fails to read: ${error}`);
	process.exit(1);
}
