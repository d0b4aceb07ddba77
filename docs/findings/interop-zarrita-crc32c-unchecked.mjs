// zarrita.js never checks a crc32c checksum: its crc32c codec drops the last 4 bytes of the chunk
// unread, so a corrupted chunk reads back silently.
//
// Expected: reading a chunk whose crc32c does not match its bytes throws.
// Interop: zarrita-crc32c-unchecked (zarrgauge/interop/known_bugs.py; make interop, tests/conformance/test_engines.py)
//
//     node interop-zarrita-crc32c-unchecked.mjs [NODE_MODULES]
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

function crc32c(bytes) {
	let crc = ~0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc >>> 0;
}

const store = new Map(); // zarrita reads any store with get(key)
store.set("/zarr.json", new TextEncoder().encode(JSON.stringify({
	zarr_format: 3, node_type: "array", shape: [4], data_type: "uint8", fill_value: 0,
	chunk_grid: { name: "regular", configuration: { chunk_shape: [4] } }, chunk_key_encoding: { name: "default" },
	codecs: [{ name: "bytes" }, { name: "crc32c" }],
})));
const chunk = new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]);
new DataView(chunk.buffer).setUint32(4, crc32c(chunk.subarray(0, 4)), true); // little-endian, after the data
store.set("/c/0", chunk);
const array = await zarr.open.v3(store, { kind: "array" });
if (Array.from((await zarr.get(array, null)).data).join() !== "1,2,3,4") throw new Error("the sound chunk reads wrong");
chunk[0] = 9; // the checksum no longer matches
let values;
try {
	values = (await zarr.get(array, null)).data;
} catch (error) {
	console.log(`fixed: a chunk whose crc32c does not match throws ${error.name}: ${error.message}`);
	process.exit(0);
}
console.log(`affected: a chunk whose crc32c does not match reads back silently as [${values}]`);
process.exit(1);
