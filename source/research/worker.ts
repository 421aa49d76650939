/**
 * The sweep's worker-thread entry (tinypool): one job in, its result out, as plain objects.
 * When the pool was given the data (shared columns), it is registered before the first job.
 */
import {workerData} from 'node:worker_threads';
import type {JobResult, SweepJob} from './job.js';
import {preloadData, preloadTape, runJob} from './run-job.js';
import type {PoolData} from './pool.js';

// tinypool's workerData is [its own data, the pool's workerData option].
const data = (Array.isArray(workerData) ? (workerData[1] as {sweepData?: PoolData} | undefined)?.sweepData : undefined) ?? null;
if (data && 'tape' in data) preloadTape(data.ref, data.tape);
else if (data) preloadData(data.ref, {sessions: data.sessions, symbols: data.symbols});

export default function sweepWorker(job: SweepJob): Promise<JobResult> {
	return runJob(job);
}
