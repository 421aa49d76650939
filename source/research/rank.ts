/**
 * Ranking of sweep results, total and deterministic: higher P&L first, then the smaller
 * drawdown, then more round trips, then the grid point's index (its place in the fixed grid
 * order). No two points tie, so the table never depends on completion order or core count.
 */
import type {JobMetrics} from './job.js';

export interface Scored {
	readonly point: number;
	readonly metrics: JobMetrics;
}

export function compareScored(a: Scored, b: Scored): number {
	return b.metrics.pnl - a.metrics.pnl || a.metrics.maxDrawdown - b.metrics.maxDrawdown || b.metrics.roundTrips - a.metrics.roundTrips || a.point - b.point;
}

export function rank<T extends Scored>(results: readonly T[]): T[] {
	return [...results].sort(compareScored);
}

/** The best of a set (first after ranking). */
export function best<T extends Scored>(results: readonly T[]): T {
	if (results.length === 0) throw new RangeError('no results to choose from');
	return results.reduce((a, b) => (compareScored(a, b) <= 0 ? a : b));
}
