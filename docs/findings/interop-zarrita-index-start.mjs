// zarrita.js's sharding codec ignores index_location: it always reads the shard index from the end of
// the shard, so a shard whose index is at the start (index_location "start") reads wrong or not at all.
//
// Expected: the shard reads back as written, [1, 2, 3, 4], with its index at the start as at the end.
// Interop: zarrita-index-start (zarrgauge/interop/known_bugs.py; make interop)
//
//     node interop-zarrita-index-start.mjs [NODE_MODULES]
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

// A store in memory with the getRange that sharding needs.
class MemoryStore extends Map {
	async getRange(key, range) {
		const bytes = this.get(key);
		if ("suffixLength" in range) return bytes?.slice(bytes.length - range.suffixLength);
		return bytes?.slice(range.offset, range.offset + range.length);
	}
}

// One shard: two inner chunks of two uint8 each, [1, 2] and [3, 4], and its index, the (offset, nbytes) of
// each chunk as uint64 little-endian, before the chunks or after them.
async function read(indexLocation) {
	const store = new MemoryStore();
	store.set("/zarr.json", new TextEncoder().encode(JSON.stringify({
		zarr_format: 3, node_type: "array", shape: [4], data_type: "uint8", fill_value: 0,
		chunk_grid: { name: "regular", configuration: { chunk_shape: [4] } }, chunk_key_encoding: { name: "default" },
		codecs: [{ name: "sharding_indexed", configuration: {
			chunk_shape: [2], codecs: [{ name: "bytes" }],
			index_codecs: [{ name: "bytes", configuration: { endian: "little" } }], index_location: indexLocation,
		} }],
	})));
	const [chunksAt, indexAt] = indexLocation === "start" ? [32, 0] : [0, 4];
	const shard = new Uint8Array(36);
	shard.set([1, 2, 3, 4], chunksAt);
	shard.set(new Uint8Array(new BigUint64Array([BigInt(chunksAt), 2n, BigInt(chunksAt + 2), 2n]).buffer), indexAt);
	store.set("/c/0", shard);
	return Array.from((await zarr.get(await zarr.open.v3(store, { kind: "array" }), null)).data);
}

if ((await read("end")).join() !== "1,2,3,4") throw new Error("the shard with its index at the end reads wrong");
let values;
try {
	values = await read("start");
} catch (error) {
	console.log(`affected: a shard with index_location "start" fails to read: ${error.name}: ${error.message}`);
	process.exit(1);
}
if (values.join() !== "1,2,3,4") {
	console.log(`affected: a shard with index_location "start" reads [${values}], not [1,2,3,4]`);
	process.exit(1);
}
console.log('fixed: a shard with index_location "start" reads back as written');
process.exit(0);
