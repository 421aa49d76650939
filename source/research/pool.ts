/**
 * Runs sweep jobs on worker threads through tinypool, one thread per core by default, and
 * reports each result as it arrives. The worker module sits next to this file: `worker.ts` run
 * through the tsx loader when the project runs from source (dev, tests), `worker.js` from dist
 * in production. Jobs are handed out one at a time, so a slow job never holds back the rest.
 */
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {Tinypool} from 'tinypool';
import type {DataRef, JobResult, SweepJob, TickDataRef} from './job.js';
import type {ReplaySession} from '../backtest/bar-runner.js';
import type {TickTape} from '../adapters/replay/tick-tape.js';

export interface PoolOptions {
	/** Worker threads (default: one per core). */
	readonly threads?: number;
	/** Called for every result in completion order (progress, streaming output). */
	readonly onResult?: (result: JobResult, done: number, total: number) => void;
	/** Data the jobs name, already loaded: every thread gets it at start (see PoolData). */
	readonly data?: PoolData;
	/** V8 young generation of each thread, MB (default: Node's). */
	readonly youngGenerationMb?: number;
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

export function defaultThreads(): number {
	return Math.max(1, availableParallelism());
}

/** Run every job; results come back sorted by job order (whatever the completion order). */
export async function runJobs(jobs: readonly SweepJob[], options: PoolOptions = {}): Promise<JobResult[]> {
	if (jobs.length === 0) return [];
	const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), jobs.length));
	const pool = new Tinypool({
		filename: workerEntry(),
		minThreads: threads,
		maxThreads: threads,
		// Workers keep their loaded data between jobs: never recycled mid-sweep.
		isolateWorkers: false,
		idleTimeout: 1000,
		...(options.data ? {workerData: {sweepData: options.data}} : {}),
		...(options.youngGenerationMb ? {resourceLimits: {maxYoungGenerationSizeMb: options.youngGenerationMb}} : {}),
	});
	const results = new Array<JobResult>(jobs.length);
	let done = 0;
	try {
		await Promise.all(
			jobs.map(async (job, index) => {
				const result = (await pool.run(job)) as JobResult;
				results[index] = result;
				done += 1;
				options.onResult?.(result, done, jobs.length);
			}),
		);
	} finally {
		await pool.destroy();
	}
	return results;
}
