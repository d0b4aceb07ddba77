// The zarrita.js engine's probe worker (zarrgauge/engines/probe_runs.py): zarrita's get() and set() with
// @zarrita/storage's FileSystemStore under node.
//
//     node zarrita_probe_worker.mjs NODE_MODULES PROBES_JSON
//
// One JSON line per probe on stdout: its steps' answers. A selection is one item per axis: an integer or
// {"slice": [start, stop, step]} (zarr.slice), the only items get() and set() take; values travel as raw
// little-endian float64 in C order, and a read's answer gives the shape it wrote.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importPackage } from "./node_packages.mjs";

function selectionOf(zarr, step) {
	return step.selection.map((item) => {
		if (typeof item === "number") return item;
		if (item && Array.isArray(item.slice)) return zarr.slice(...item.slice);
		throw new Error(`zarrita.js takes no ${JSON.stringify(item)} in a selection`);
	});
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

// The values of get()'s answer in C order: it answers in the array's own order (v2's order F gives
// Fortran strides), which the exchange does not carry.
function cOrder({ data, shape, stride }) {
	const out = new Float64Array(data.length);
	const index = new Array(shape.length).fill(0);
	for (let i = 0; i < out.length; i++) {
		out[i] = data[index.reduce((offset, at, axis) => offset + at * stride[axis], 0)];
		for (let axis = shape.length - 1; axis >= 0 && ++index[axis] === shape[axis]; axis--) index[axis] = 0;
	}
	return out;
}

async function read(zarr, array, step) {
	const got = await zarr.get(array, selectionOf(zarr, step));
	const values = typeof got === "number" ? Float64Array.of(got) : cOrder(got);
	writeFileSync(step.out, new Uint8Array(values.buffer));
	return { status: "done", shape: typeof got === "number" ? [] : got.shape };
}

async function write(zarr, array, step) {
	let value = step.scalar;
	if (step.values !== undefined) {
		const data = new Float64Array(new Uint8Array(readFileSync(step.values)).buffer);
		value = { data, shape: step.shape, stride: cStrides(step.shape) };
	}
	await zarr.set(array, selectionOf(zarr, step), value);
	return { status: "done" };
}

async function answer(zarr, array, step) {
	try {
		return await (step.op === "read" ? read : write)(zarr, array, step);
	} catch (error) {
		return { status: "error", message: `${error.name}: ${error.message}` };
	}
}

async function main() {
	const [nodeModules, probesFile] = process.argv.slice(2);
	const zarr = await importPackage(nodeModules, "zarrita");
	const { default: FileSystemStore } = await importPackage(nodeModules, "@zarrita/storage", "./fs");
	for (const probe of JSON.parse(readFileSync(probesFile, "utf8"))) {
		let line;
		try {
			// The format by its metadata file: zarr.open() tries both, and names only the last one's failure.
			const open = existsSync(join(probe.path, "zarr.json")) ? zarr.open.v3 : zarr.open.v2;
			const array = await open(new FileSystemStore(probe.path), { kind: "array" });
			line = [];
			for (const step of probe.steps) line.push(await answer(zarr, array, step));
		} catch (error) {
			line = probe.steps.map(() => ({ status: "error", message: `${error.name}: ${error.message}` }));
		}
		process.stdout.write(`${JSON.stringify(line)}\n`);
	}
}

await main();
