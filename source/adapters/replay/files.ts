import {readdirSync, readFileSync, statSync} from 'node:fs';
import {basename, join} from 'node:path';
import {DataError} from '../../core/errors.js';

/** Expand `--data` paths (files or folders, top level only) into sorted file paths. */
export function expandDataPaths(paths: readonly string[], accept: (name: string) => boolean): string[] {
	const files: string[] = [];
	for (const path of paths) {
		let stats;
		try {
			stats = statSync(path);
		} catch {
			throw new DataError(`data path does not exist: ${path}`);
		}
		if (stats.isDirectory()) {
			for (const name of readdirSync(path).sort()) {
				const full = join(path, name);
				if (accept(name) && statSync(full).isFile()) files.push(full);
			}
		} else if (stats.isFile()) {
			files.push(path);
		} else {
			throw new DataError(`data path is not a file or folder: ${path}`);
		}
	}
	return files;
}

/** Symbol from a file name: up to the first `_` or `.`, upper-cased (`TSLA.csv`, `TSLA_2019-02-11.csv`). */
export function symbolFromFileName(path: string): string {
	const name = basename(path);
	const cut = name.search(/[_.]/);
	return (cut < 0 ? name : name.slice(0, cut)).toUpperCase();
}

/** A data file's text, or a DataError naming the file. */
export function readDataFile(file: string): string {
	try {
		return readFileSync(file, 'utf8');
	} catch (error) {
		throw new DataError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	}
}
