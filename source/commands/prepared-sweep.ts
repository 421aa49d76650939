/**
 * What a strategy's sweep command prepares, in a module of its own so that the scalping sweep
 * (sweep.ts) and the tick-taker's (sweep-hft.ts) share it without importing each other.
 */
import type {GridAxis} from '../research/grid.js';
import type {PoolData} from '../research/pool.js';
import type {SweepBase, SweepConfig} from '../research/sweep.js';

/** What a strategy's sweep prepares before anything runs: the jobs' settings, data and texts. */
export interface PreparedSweep {
	readonly config: SweepConfig<SweepBase>;
	/** Data loaded here, handed to every worker thread (shared memory). */
	readonly poolData: PoolData;
	/** Fields of the JSON report before the grid and the results. */
	readonly meta: Record<string, unknown>;
	/** The text report's header lines (title, data, money). */
	readonly header: readonly string[];
	/** "sma 20 · take-profit 0.01 · ...": every parameter at its value when not swept. */
	readonly defaults: string;
}

/** Called by a prepare step once its grid is valid, just before it reads the data (the sweep starts its threads there). */
export type BeforeLoad = (axes: readonly GridAxis[]) => void;
