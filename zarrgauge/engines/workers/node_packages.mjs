// Importing a package installed in a node_modules folder given at run time (VENV/node/node_modules, where
// scripts/install-engine-zarrita puts zarrita): ESM ignores NODE_PATH, so a worker that lives in the source
// tree imports the package by absolute file URL, resolved through its package.json "exports".

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function exportTarget(entry) {
	if (typeof entry === "string") return entry;
	if (entry && typeof entry === "object") {
		for (const condition of ["import", "node", "default"]) {
			const target = exportTarget(entry[condition]);
			if (target) return target;
		}
	}
	return undefined;
}

export async function importPackage(nodeModules, name, subpath = ".") {
	const folder = join(nodeModules, ...name.split("/"));
	const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
	let exported = manifest.exports ?? {};
	if (typeof exported === "string" || !Object.keys(exported).some((key) => key.startsWith("."))) {
		exported = { ".": exported }; // the package's only entry point, maybe with conditions
	}
	const fallback = subpath === "." ? manifest.module ?? manifest.main : undefined;
	const target = exportTarget(exported[subpath]) ?? fallback;
	if (!target) throw new Error(`${name} exports no ${subpath} for import`);
	return import(pathToFileURL(join(folder, target)).href);
}
