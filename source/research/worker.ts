/** The sweep's worker-thread entry (tinypool): one job in, its result out, as plain objects. */
import type {JobResult, SweepJob} from './job.js';
import {runJob} from './run-job.js';

export default function sweepWorker(job: SweepJob): Promise<JobResult> {
	return runJob(job);
}
