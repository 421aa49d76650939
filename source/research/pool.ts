/**
 * Runs sweep jobs on worker threads through tinypool, one thread per core by default, and
 * reports each result as it arrives. The worker module sits next to this file: `worker.ts` run
 * through the tsx loader when the project runs from source (dev, tests), `worker.js` from dist
 * in production. Jobs are handed out one at a time, so a slow job never holds back the rest.
 *
 * A pool can be started before the data its jobs need is loaded (`startPool`): the threads
 * start (a Node environment and the modules they import, ~0.1 s each) while the command reads
 * its data, instead of after. The data therefore goes with each task, not with the threads'
 * start: shared columns cost a few hundred microseconds per task to pass (no bytes are copied),
 * and a thread keeps the first copy it gets.
 */
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {Tinypool} from 'tinypool';
import type {DataRef, JobResult, SweepJob, TickDataRef} from './job.js';
import type {ReplaySession} from '../backtest/bar-runner.js';
import type {TickTape} from '../adapters/replay/tick-tape.js';

export interface StartOptions {
	/** Worker threads (default: one per core). */
	readonly threads?: number;
	/**
	 * Node flags for built threads (default: the process's, as Worker does). A bench running
	 * under `--import tsx` passes [] to start its threads as `scalp-tui sweep` does.
	 */
	readonly nodeFlags?: readonly string[];
}

export interface RunOptions {
	/** Called for every result in completion order (progress, streaming output). */
	readonly onResult?: (result: JobResult, done: number, total: number) => void;
	/** Data the jobs name, already loaded: it goes with every task (see PoolData). */
	readonly data?: PoolData;
}

export interface PoolOptions extends StartOptions, RunOptions {}

/** What a thread is given per job: the job, and the loaded data it names (if any). */
export interface PoolTask {
	readonly job: SweepJob;
	readonly data: PoolData | null;
}

/** Threads started once, reused by every run (a walk-forward's phases too), destroyed by the caller. */
export interface SweepPool {
	readonly threads: number;
	/** Run every job; results come back sorted by job order (whatever the completion order). */
	run(jobs: readonly SweepJob[], options?: RunOptions): Promise<JobResult[]>;
	destroy(): Promise<void>;
}

/**
 * Sessions the command already loaded, for jobs naming `ref`. Columns backed by a
 * SharedArrayBuffer cross to the threads without a copy (structured clone shares the memory),
 * so N threads read one copy of the bars instead of each parsing and holding its own.
 */
export type PoolData =
	| {readonly ref: DataRef; readonly sessions: readonly ReplaySession[]; readonly symbols: readonly string[]}
	/** Tick data for tick-taker jobs: the tape in one SharedArrayBuffer (research/tick-days.ts shareTape). */
	| {readonly ref: TickDataRef; readonly tape: TickTape};

/**
 * The worker module for tinypool. Built (dist): `worker.js` beside this file. From source
 * (dev, tests): Node 20 does not apply `--import` loader hooks inside worker threads, so the
 * worker gets a tiny bootstrap module (a data: URL) that loads `worker.ts` through tsx's
 * `tsImport` API, resolved from this file (not from the working directory).
 */
export function workerEntry(moduleUrl: string = import.meta.url): string {
	if (!moduleUrl.endsWith('.ts')) return fileURLToPath(new URL('./worker.js', moduleUrl));
	const workerUrl = new URL('./worker.ts', moduleUrl).href;
	const tsxApi = import.meta.resolve('tsx/esm/api');
	const code = `import {tsImport} from ${JSON.stringify(tsxApi)};\nconst m = await tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(workerUrl)});\nexport default m.default;\n`;
	return `data:text/javascript,${encodeURIComponent(code)}`;
}

/**
 * A thread's young generation (V8's default here: 48 MB, semi-spaces growing to 16 MB). A
 * backtest's garbage dies young, so a smaller nursery collects about as cheaply, and it spares
 * the fresh pages the growth touches: ~6,000 page faults per thread on the bench sweep (~15 us
 * each on this VM, paid again by every thread), per job 116-153 instead of 272-299 on one
 * thread and 189-214 instead of 496-539 with two.
 */
const THREAD_YOUNG_GENERATION_MB = 12;

export function defaultThreads(): number {
	return Math.max(1, availableParallelism());
}

/** Start the threads now (minThreads: tinypool spawns them at once); run jobs on them later. */
export function startPool(options: StartOptions = {}): SweepPool {
	const threads = Math.max(1, options.threads ?? defaultThreads());
	const entry = workerEntry();
	const pool = new Tinypool({
		filename: entry,
		minThreads: threads,
		maxThreads: threads,
		// Workers keep their loaded data between jobs: never recycled mid-sweep.
		isolateWorkers: false,
		idleTimeout: 1000,
		// From source a thread loads tsx itself (workerEntry); inheriting `--import tsx` would have
		// it resolved again in the thread from the working directory, where it may not be installed.
		// Built threads inherit the process's flags unless told (StartOptions.nodeFlags).
		...(entry.startsWith('data:') ? {execArgv: []} : options.nodeFlags ? {execArgv: [...options.nodeFlags]} : {}),
		resourceLimits: {maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB},
	});
	return {
		threads,
		run: async (jobs, runOptions = {}) => {
			const data = runOptions.data ?? null;
			const results = new Array<JobResult>(jobs.length);
			let done = 0;
			await Promise.all(
				jobs.map(async (job, index) => {
					const task: PoolTask = {job, data};
					const result = (await pool.run(task)) as JobResult;
					results[index] = result;
					done += 1;
					runOptions.onResult?.(result, done, jobs.length);
				}),
			);
			return results;
		},
		destroy: () => pool.destroy(),
	};
}

/** Start a pool for these jobs (no more threads than jobs), run them, stop it. */
export async function runJobs(jobs: readonly SweepJob[], options: PoolOptions = {}): Promise<JobResult[]> {
	if (jobs.length === 0) return [];
	const pool = startPool({...options, threads: Math.min(options.threads ?? defaultThreads(), jobs.length)});
	try {
		return await pool.run(jobs, options);
	} finally {
		await pool.destroy();
	}
}
