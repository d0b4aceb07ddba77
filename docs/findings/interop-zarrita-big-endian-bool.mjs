// zarrita.js byte-swaps bool arrays declared big-endian in groups of four bytes, though a bool is one
// byte and the byte order changes nothing: reading a zarr v2 array of dtype ">b1" (a byte order the v2
// spec allows; numpy reads it as "|b1"), a chunk [1, 0, 0, 0] reads [false, false, false, true]. Writing
// a v3 array whose bytes codec says endian "big" (allowed: "does not depend on endian") swaps them too.
//
// Expected: [true, false, false, false], as zarr-python, zarr 2, zarrs and tensorstore read it.
// Interop: zarrita-big-endian-bool (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-big-endian-bool.mjs [NODE_MODULES]
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
const zarray = { zarr_format: 2, shape: [4], chunks: [4], dtype: ">b1", compressor: null, fill_value: false,
	order: "C", filters: null };
store.set("/.zarray", new TextEncoder().encode(JSON.stringify(zarray)));
store.set("/0", new Uint8Array([1, 0, 0, 0]));
const read = Array.from((await zarr.get(await zarr.open.v2(store, { kind: "array" }))).data);
if (read.join() !== "true,false,false,false") {
	console.log(`affected: a v2 '>b1' chunk of bytes [1, 0, 0, 0] reads [${read}]`);
	process.exit(1);
}
console.log("fixed: a v2 '>b1' chunk of bytes [1, 0, 0, 0] reads [true, false, false, false]");
process.exit(0);
