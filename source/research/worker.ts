/**
 * The sweep's worker-thread entry (tinypool): one task in (a job and the loaded data it names,
 * see pool.ts), its result out, as plain objects. The first copy of the data a thread gets is
 * kept for every later job on it (later copies of the same shared columns are dropped).
 */
import type {JobResult} from './job.js';
import {preloadData, preloadTape, runJob} from './run-job.js';
import type {PoolTask} from './pool.js';

export default function sweepWorker(task: PoolTask): Promise<JobResult> {
	const data = task.data;
	if (data && 'tape' in data) preloadTape(data.ref, data.tape);
	else if (data) preloadData(data.ref, {sessions: data.sessions, symbols: data.symbols});
	return runJob(task.job);
}
