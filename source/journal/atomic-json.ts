import {randomBytes} from 'node:crypto';
import {closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';

/**
 * Replace `path` with `value` as JSON so that a crash leaves the old file or the new one, never
 * half of one: write a temp file beside it, fsync it, then rename it over the old one.
 */
export function writeJsonAtomic(path: string, value: unknown, indent?: number): void {
	mkdirSync(dirname(path), {recursive: true});
	const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	try {
		const fd = openSync(temp, 'w', 0o644);
		try {
			const buffer = Buffer.from(`${JSON.stringify(value, null, indent)}\n`, 'utf8');
			let offset = 0;
			while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temp, path);
	} catch (error) {
		try {
			unlinkSync(temp);
		} catch {
			// the temp file may never have been created
		}
		throw error;
	}
}
