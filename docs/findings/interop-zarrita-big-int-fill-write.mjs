// zarrita.js's create() cannot write an int64 or uint64 fill value that a double cannot hold:
// it passes the BigInt to JSON.stringify, which throws TypeError "Do not know how to serialize a BigInt".
//
// Expected: zarr.json gets "fill_value": 9223372036854775807, as an exact JSON integer.
// Interop: zarrita-big-int-fill-write (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-big-int-fill-write.mjs [NODE_MODULES]
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
let text;
try {
	await zarr.create(store, { shape: [2], chunkShape: [2], dtype: "int64", fillValue: 9223372036854775807n });
	text = new TextDecoder().decode(store.get("/zarr.json"));
} catch (error) {
	console.log(`affected: create() with the int64 fill value 9223372036854775807n throws ${error.name}: ${error.message}`);
	process.exit(1);
}
if (!/"fill_value":\s*9223372036854775807\b/.test(text)) {
	console.log(`affected: create() writes the int64 fill value 9223372036854775807n as ${text.match(/"fill_value":[^,}]*/)}`);
	process.exit(1);
}
console.log("fixed: create() writes the int64 fill value 9223372036854775807 exactly");
process.exit(0);
