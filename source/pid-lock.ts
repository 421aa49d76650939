/**
 * One live owner per resource: `<path>` holds the owner's pid, created exclusively. A lock whose
 * pid is no longer running (killed with -9) is stale and taken over. The journal (one writer per
 * journal file) and the bar cache (one `data fetch`/`data rm` at a time) both use it.
 */
import {closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';

export interface PidLock {
	readonly path: string;
	release(): void;
}

export interface PidLockErrors {
	/** The lock is held by a live process. */
	busy(pid: number): Error;
	/** The lock file cannot be created (permissions, missing directory, ...). */
	failed(code: string): Error;
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
 * A process killed with -9 stays a zombie until its parent reaps it (a terminal multiplexer or a
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

/** Take the lock at `path` (its directory is created), or throw the caller's error. */
export function acquirePidLock(path: string, details: Record<string, unknown>, errors: PidLockErrors, options: {makeDir?: boolean} = {}): PidLock {
	if (options.makeDir) mkdirSync(dirname(path), {recursive: true});
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, `${JSON.stringify({pid: process.pid, ...details})}\n`);
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
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== 'EEXIST') throw errors.failed(code ?? String(error));
			const pid = holder(path);
			if (pid !== null && pid !== process.pid && alive(pid)) throw errors.busy(pid);
			try {
				unlinkSync(path); // stale: its owner is gone
			} catch {
				// Someone else took it over first; the next attempt decides.
			}
		}
	}
	throw errors.failed(`${path} keeps reappearing`);
}
