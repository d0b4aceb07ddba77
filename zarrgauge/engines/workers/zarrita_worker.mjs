// The zarrita.js engine's worker (zarrgauge/engines/zarrita.py): zarrita and @zarrita/storage's
// FileSystemStore under node.
//
//     node zarrita_worker.mjs NODE_MODULES TASKS_JSON
//
// NODE_MODULES is where scripts/install-engine-zarrita put the packages (VENV/node/node_modules):
// this file lives in the source tree, and ESM ignores NODE_PATH, so the packages are imported by
// absolute file URL, resolved through their package.json "exports". The protocol is
// zarrgauge/engines/outofprocess.py's: one JSON answer line per task, in order, on stdout; values
// as raw little-endian C-order bytes (bool one byte each, int64/uint64 as BigInt arrays here).

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { importPackage } from "./node_packages.mjs";

// Every integer literal too big for a double is kept exact, as a BigInt (uint64's maximum as a
// fill value): JSON.parse would round it.
function parseTasks(text) {
	const marked = text.replace(/("(?:[^"\\]|\\.)*")|(?<![\d.eE+-])(-?\d{16,})(?![.eE\d])/g,
		(match, string, integer) => (string !== undefined ? string : `{"$bigint":"${integer}"}`));
	return JSON.parse(marked, (_key, value) =>
		value && typeof value === "object" && typeof value.$bigint === "string" ? BigInt(value.$bigint) : value);
}

function typedArrayClass(zarr, dtype) {
	const classes = {
		bool: zarr.BoolArray, int8: Int8Array, int16: Int16Array, int32: Int32Array, int64: BigInt64Array,
		uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, uint64: BigUint64Array,
		float16: globalThis.Float16Array, float32: Float32Array, float64: Float64Array,
	};
	const found = classes[dtype];
	if (!found) throw new Error(`no typed array for ${dtype} in node ${process.versions.node}`);
	return found;
}

function cStrides(shape) {
	const strides = new Array(shape.length);
	let step = 1;
	for (let axis = shape.length - 1; axis >= 0; axis--) {
		strides[axis] = step;
		step *= shape[axis];
	}
	return strides;
}

const size = (shape) => shape.reduce((a, b) => a * b, 1);

// A fill value as zarrita's create() takes it: its JSON form ("NaN", "0x7ff8..."), except that an
// int64/uint64 one is a BigInt (its Scalar type) when a double cannot hold it exactly.
function fillValue(value, dtype) {
	if ((dtype === "int64" || dtype === "uint64") && typeof value === "bigint" && Number.isSafeInteger(Number(value))) {
		return Number(value);
	}
	return value;
}

// The array as the zarr.json document says, or (task.defaults) from its shape, dtype and chunks alone.
async function create(zarr, FileSystemStore, task) {
	const meta = task.metadata;
	if (meta.zarr_format !== 3) {
		throw new Error(`zarrita.js cannot create a zarr v${meta.zarr_format} array: zarr.create() writes v3 only`);
	}
	const keys = meta.chunk_key_encoding ?? { name: "default" };
	if (keys.name !== "default") {
		throw new Error(`zarr.create() takes no chunk key encoding ${keys.name}`);
	}
	if (meta.chunk_grid?.name !== "regular") {
		throw new Error(`zarr.create() takes no chunk grid ${meta.chunk_grid?.name}`);
	}
	const store = new FileSystemStore(task.path);
	const required = { shape: meta.shape, dtype: meta.data_type, chunkShape: meta.chunk_grid.configuration.chunk_shape };
	if (task.defaults) return zarr.create(store, required);
	return zarr.create(store, {
		...required,
		codecs: meta.codecs,
		fillValue: fillValue(meta.fill_value, meta.data_type),
		chunkSeparator: keys.configuration?.separator,
		dimensionNames: meta.dimension_names,
		attributes: meta.attributes,
	});
}

async function write(zarr, FileSystemStore, task) {
	const array = await create(zarr, FileSystemStore, task);
	const shape = task.region.map(([start, stop]) => stop - start);
	const Values = typedArrayClass(zarr, task.dtype);
	const raw = readFileSync(task.values);
	const buffer = new Uint8Array(raw).buffer; // a copy, aligned for the typed array
	const data = new Values(buffer, 0, size(shape));
	if (data.length !== size(shape) || data.byteLength !== raw.byteLength) {
		throw new Error(`values file ${task.values} holds ${raw.byteLength} bytes, not ${size(shape)} ${task.dtype}`);
	}
	const selection = task.region.map(([start, stop]) => zarr.slice(start, stop));
	await zarr.set(array, selection, { data, shape, stride: cStrides(shape) });
}

// The chunk's bytes in C order, whatever its strides (a transpose codec or v2's order F give others).
function cOrderBytes(chunk) {
	const { data, shape, stride } = chunk;
	const width = data.BYTES_PER_ELEMENT;
	const count = size(shape);
	if (data.length !== count) throw new Error(`get() returned ${data.length} values for shape [${shape}]`);
	const source = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
	const wanted = cStrides(shape);
	if (shape.every((n, axis) => n <= 1 || stride[axis] === wanted[axis])) return source;
	const out = new Uint8Array(count * width);
	const index = new Array(shape.length).fill(0);
	for (let i = 0; i < count; i++) {
		let offset = 0;
		for (let axis = 0; axis < shape.length; axis++) offset += index[axis] * stride[axis];
		out.set(source.subarray(offset * width, (offset + 1) * width), i * width);
		for (let axis = shape.length - 1; axis >= 0; axis--) {
			if (++index[axis] < shape[axis]) break;
			index[axis] = 0;
		}
	}
	return out;
}

async function read(zarr, FileSystemStore, task) {
	// The format by its metadata file: zarr.open() tries both, and names only the last one's failure.
	const open = existsSync(join(task.path, "zarr.json")) ? zarr.open.v3 : zarr.open.v2;
	const array = await open(new FileSystemStore(task.path), { kind: "array" });
	if (array.dtype !== task.dtype) throw new Error(`zarrita opened a ${array.dtype} array, not ${task.dtype}`);
	if (array.shape.join() !== task.shape.join()) throw new Error(`zarrita opened shape [${array.shape}], not [${task.shape}]`);
	const chunk = await zarr.get(array, null);
	writeFileSync(task.out, cOrderBytes(chunk));
	const said = { attributes: array.attrs, dimension_names: array.dimensionNames ?? null };
	return Object.fromEntries((task.properties ?? []).map((name) => [name, said[name]]));
}

function describe(error) {
	const parts = [];
	for (let cause = error, depth = 0; cause !== undefined && depth < 4; cause = cause.cause, depth++) {
		parts.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
		if (!(cause instanceof Error)) break;
	}
	return parts.join(" <- ");
}

async function main() {
	const [nodeModules, tasksFile] = process.argv.slice(2);
	if (!nodeModules || !tasksFile) {
		process.stderr.write("usage: node zarrita_worker.mjs NODE_MODULES TASKS_JSON\n");
		process.exitCode = 2;
		return;
	}
	const zarr = await importPackage(nodeModules, "zarrita");
	const { default: FileSystemStore } = await importPackage(nodeModules, "@zarrita/storage", "./fs");
	const tasks = parseTasks(readFileSync(tasksFile, "utf8"));
	for (const task of tasks) {
		let answer = { status: "done" };
		try {
			if (task.op === "write") await write(zarr, FileSystemStore, task);
			else if (task.op === "read") answer.properties = await read(zarr, FileSystemStore, task);
			else throw new Error(`unknown op ${task.op}`);
		} catch (error) {
			answer = { status: "error", message: describe(error) };
		}
		process.stdout.write(`${JSON.stringify(answer)}\n`);
	}
}

await main();
