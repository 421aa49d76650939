/**
 * One live writer per journal: `<journal>.lock` holds the writer's pid, created exclusively.
 * A lock whose pid is no longer running (the writer was killed with -9) is stale and taken over.
 */
import {openSync, readFileSync, unlinkSync, writeSync, closeSync} from 'node:fs';
import {UsageError} from '../core/errors.js';

export interface JournalLock {
	readonly path: string;
	release(): void;
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
	return !zombie(pid);
}

/**
 * A writer killed with -9 stays a zombie until its parent reaps it (a terminal multiplexer or a
 * supervisor may take a moment; a container's init may never): signal 0 still succeeds then, so
 * on Linux the process state decides.
 */
function zombie(pid: number): boolean {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		return state === 'Z' || state === 'X';
	} catch {
		return false; // no /proc (macOS): signal 0 is all we have
	}
}

function holder(path: string): number | null {
	try {
		const pid = Number(JSON.parse(readFileSync(path, 'utf8')).pid);
		return Number.isInteger(pid) && pid > 0 ? pid : null;
	} catch {
		return null; // unreadable or half-written: treat as stale
	}
}

export function lockJournal(journalPath: string, run: string): JournalLock {
	const path = `${journalPath}.lock`;
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, `${JSON.stringify({pid: process.pid, run})}\n`);
			closeSync(fd);
			let released = false;
			const release = () => {
				if (released) return;
				released = true;
				process.off('exit', release);
				try {
					if (holder(path) === process.pid) unlinkSync(path);
				} catch {
					// Already gone: nothing to release.
				}
			};
			process.on('exit', release);
			return {path, release};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
				throw new UsageError(`cannot open journal ${journalPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			const pid = holder(path);
			if (pid !== null && pid !== process.pid && alive(pid)) {
				throw new UsageError(`journal ${journalPath} is in use by another scalp-tui (pid ${pid}): stop it or pass another --journal`);
			}
			try {
				unlinkSync(path); // stale: its writer is gone
			} catch {
				// Someone else took it over first; the next attempt decides.
			}
		}
	}
	throw new UsageError(`cannot lock journal ${journalPath}: ${path} keeps reappearing`);
}
