/**
 * Files the program reads or appends to at start (journal, operator state, log file, .env)
 * must be regular files: a FIFO would block the open or the first write for ever (a signal
 * cannot interrupt a blocked synchronous call), and a device like /dev/full fails every write.
 * `stat` never blocks, so the check comes before any open. /dev/null is allowed.
 */
import {accessSync, constants, realpathSync, statSync} from 'node:fs';
import {dirname} from 'node:path';
import {UsageError} from './core/errors.js';

/** False when nothing is at `path`; true for a regular file; a UsageError (exit 2) for anything else. */
export function checkRegularFile(path: string, what: string): boolean {
	let kind: string;
	try {
		const stat = statSync(path);
		if (stat.isFile()) return true;
		// /dev/null never blocks and never fails: a fine place to throw a journal away.
		if (stat.isCharacterDevice() && realpathSync(path) === '/dev/null') return true;
		kind = stat.isDirectory()
			? 'a directory'
			: stat.isFIFO()
				? 'a FIFO'
				: stat.isCharacterDevice() || stat.isBlockDevice()
					? 'a device'
					: stat.isSocket()
						? 'a socket'
						: 'not a regular file';
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return false;
		throw new UsageError(`cannot use ${path} as ${what}: ${code ?? (error as Error).message}`);
	}
	throw new UsageError(`cannot use ${path} as ${what}: it is ${kind}, not a regular file`);
}

/** A file the program will append to: regular (or absent, in a folder it may write to). */
export function checkAppendable(path: string, what: string): void {
	try {
		if (checkRegularFile(path, what)) accessSync(path, constants.W_OK);
		else accessSync(dirname(path), constants.W_OK);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === undefined) throw error;
		throw new UsageError(`cannot write ${what} ${path}: ${code}`);
	}
}
