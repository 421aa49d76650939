/**
 * Linux-only helpers for the sweep bench: CPU time per thread of this process, and moving every
 * thread of it onto one core (util-linux `taskset`) to time a sweep on one core for real. A
 * one-worker sweep is not a one-core run: V8's compiler and GC threads and the main thread's
 * cache load use the other core meanwhile. Both return null where unavailable (not Linux, no
 * taskset), and the bench then leaves those figures out.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';

/** CPU ms so far of each thread of this process, by thread id. */
export function threadTimes(): Map<number, number> | null {
	if (!existsSync('/proc/self/task')) return null;
	const times = new Map<number, number>();
	for (const tid of readdirSync('/proc/self/task')) {
		try {
			// Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 Hz).
			const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
			times.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * 10);
		} catch {
			// The thread ended between the listing and the read.
		}
	}
	return times;
}

export interface ThreadCpu {
	/** CPU seconds of the threads started since `before` (the pool's workers), busiest first. */
	readonly workers: number[];
	/** This process's main thread (the cache load, dispatch). */
	readonly main: number;
	/** Every other thread that existed before: V8's compiler and GC helper threads, libuv's pool. */
	readonly helpers: number;
}

/** Where the CPU went between two `threadTimes()` readings (both taken while the pool ran). */
export function threadCpu(before: Map<number, number>, after: Map<number, number>): ThreadCpu {
	const workers: number[] = [];
	let main = 0;
	let helpers = 0;
	for (const [tid, ms] of after) {
		const spent = (ms - (before.get(tid) ?? 0)) / 1000;
		if (tid === process.pid) main = spent;
		else if (before.has(tid)) helpers += spent;
		else workers.push(spent);
	}
	return {workers: workers.sort((a, b) => b - a), main, helpers};
}

/** This process's CPU affinity list (e.g. "0,1" or "0-3"), null when taskset cannot tell. */
export function affinity(): string | null {
	const shown = spawnSync('taskset', ['-p', '-c', String(process.pid)], {encoding: 'utf8'});
	if (shown.status !== 0) return null;
	return /list:\s*(\S+)/.exec(shown.stdout)?.[1] ?? null;
}

/**
 * Every thread of this process (and the threads it starts later, which inherit it) may run only
 * on these CPUs. Returns false when taskset failed.
 */
export function pinTo(cpus: string): boolean {
	return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], {stdio: 'ignore'}).status === 0;
}
