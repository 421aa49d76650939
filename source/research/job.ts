/**
 * The unit of work of a sweep: one backtest of one parameter set over a set of trading days:
 * the scalper on minute bars, or the tick-taker on tick data (`strategy: 'hft'`).
 * A job is a plain JSON-serialisable object naming its data by reference (CSV paths or a bar
 * cache request), never holding bars, so the same object goes to a local worker thread, onto a
 * job queue (BullMQ) or to a remote task (Ray) unchanged, and its result comes back as plain
 * JSON too (README "Beyond one machine").
 */
import type {Micros} from '../core/money.js';
import type {HftParams, ScalpParams} from '../strategies/params.js';

export const JOB_FORMAT = 1;

/** Where the bars come from: CSV files/folders, or the bar cache (issue 10). */
export type DataRef =
	| {readonly kind: 'csv'; readonly paths: readonly string[]; readonly symbols: readonly string[]}
	| {
			readonly kind: 'cache';
			readonly cacheDir: string;
			readonly symbols: readonly string[];
			readonly from: string;
			readonly to: string;
			/** The cached series' feed and adjustment (iex, raw when absent). */
			readonly feed?: 'iex' | 'sip';
			readonly adjustment?: 'raw' | 'split' | 'all';
	  };

/** Tick data (LOBSTER or Lean pairs) for the tick-taker: files/folders and the symbols read. */
export interface TickDataRef {
	readonly kind: 'ticks';
	readonly paths: readonly string[];
	readonly symbols: readonly string[];
}

/** What every job carries, whatever the strategy. */
interface JobCommon {
	readonly format: typeof JOB_FORMAT;
	/** Stable within a sweep: `p<point>` or `w<window>-<is|oos>-p<point>`. */
	readonly id: string;
	/** Index of the grid point (the final ranking tie-break). */
	readonly point: number;
	/** New York dates to replay (ascending); null = every session of the data. */
	readonly days: readonly string[] | null;
	/** The symbols the strategy trades. */
	readonly symbols: readonly string[];
	readonly cash: Micros;
}

/** A scalping job (jobs written before the tick-taker could be swept have no `strategy`). */
export interface ScalpJob extends JobCommon {
	readonly strategy?: 'scalp';
	readonly data: DataRef;
	readonly lot: Micros;
	readonly exitAfterMs: number | null;
	readonly params: ScalpParams;
}

/** A tick-taker job: the tick backtest of `symbols` with these --hft-ratio/--hft-size. */
export interface HftJob extends JobCommon {
	readonly strategy: 'hft';
	readonly data: TickDataRef;
	/** --hft-qty: most shares held per symbol. */
	readonly hftQty: number;
	readonly params: HftParams;
}

export type SweepJob = ScalpJob | HftJob;

/** What a job returns: the figures the ranking and the reports need, dollars as numbers. */
export interface JobMetrics {
	/** Final equity minus starting cash (realized + unrealized). */
	readonly pnl: number;
	readonly realizedPnl: number;
	readonly roundTrips: number;
	readonly wins: number;
	readonly winRate: number | null;
	readonly maxDrawdown: number;
	readonly maxDrawdownPct: number;
	readonly timeInMarket: number;
	readonly bars: number;
	readonly sessions: number;
}

export interface JobResult {
	readonly format: typeof JOB_FORMAT;
	readonly id: string;
	readonly point: number;
	readonly metrics: JobMetrics;
	/** Wall time of the backtest itself inside the worker (data loading excluded), ms. */
	readonly runMs: number;
	/** Wall time spent loading data for this job (0 when the worker had it cached), ms. */
	readonly loadMs: number;
}
