/**
 * A sweep: every grid point as a job (plain mode), or walk-forward windows of in-sample jobs
 * followed by one out-of-sample job per window. The job runner is passed in: the local
 * worker pool in the CLI, anything that maps jobs to results elsewhere (a queue, a test).
 */
import {type Micros, micros} from '../core/money.js';
import type {HftParams, ScalpParams} from '../strategies/params.js';
import type {GridAxis, GridPoint} from './grid.js';
import {gridPoints} from './grid.js';
import {JOB_FORMAT, type DataRef, type JobMetrics, type HftJob, type JobResult, type ScalpJob, type SweepJob, type TickDataRef} from './job.js';
import {rank} from './rank.js';
import {chooseOnInSample, combineOutOfSample, makeWindows, stability, type Stability, type WalkForwardSpec, type WindowOutcome} from './walk-forward.js';

/** The settings a scalping sweep does not vary (no `strategy`: the scalper). */
export interface ScalpSweepBase {
	readonly strategy?: 'scalp';
	readonly data: DataRef;
	readonly symbols: readonly string[];
	readonly cash: Micros;
	readonly lot: Micros;
	readonly exitAfterMs: number | null;
	readonly params: ScalpParams;
}

/** The same for the tick-taker: its tick data, the symbols it trades, --cash, --hft-qty. */
export interface HftSweepBase {
	readonly strategy: 'hft';
	readonly data: TickDataRef;
	readonly symbols: readonly string[];
	readonly cash: Micros;
	readonly hftQty: number;
	readonly params: HftParams;
}

export type SweepBase = ScalpSweepBase | HftSweepBase;

export interface SweepConfig<Base extends SweepBase = ScalpSweepBase> {
	readonly axes: readonly GridAxis[];
	readonly base: Base;
	/** The trading days of the data to use, ascending. */
	readonly days: readonly string[];
	/** True when `days` is every session of the data (jobs then say days: null). */
	readonly allDays: boolean;
	readonly walkForward: WalkForwardSpec | null;
}

/** Maps jobs to results (in job order); reports each result as it finishes. */
export type JobRunner = (jobs: readonly SweepJob[], onResult: (result: JobResult) => void) => Promise<JobResult[]>;

export interface RankedPoint {
	readonly rank: number;
	readonly point: number;
	readonly values: GridPoint;
	readonly metrics: JobMetrics;
}

export interface SweepOutcome {
	readonly axes: readonly GridAxis[];
	readonly points: readonly GridPoint[];
	/** Plain mode: every point, ranked. Walk-forward: empty. */
	readonly ranked: readonly RankedPoint[];
	readonly walkForward: {
		readonly spec: WalkForwardSpec;
		readonly windows: readonly WindowOutcome[];
		readonly total: JobMetrics;
		readonly stability: Stability;
	} | null;
	readonly jobs: number;
}

/** A point's values applied over the base settings. */
export function jobSettings(base: ScalpSweepBase, point: GridPoint): {lot: Micros; params: ScalpParams} {
	// Grid values are plain integers in each flag's unit; the money ones become Micros here.
	return {
		lot: point.lot === undefined ? base.lot : micros(point.lot),
		params: {
			smaWindow: point.sma ?? base.params.smaWindow,
			takeProfit: point.takeProfit === undefined ? base.params.takeProfit : micros(point.takeProfit),
			staleBuyMs: point.staleBuy ?? base.params.staleBuyMs,
			eodMs: point.eod ?? base.params.eodMs,
		},
	};
}

/** The tick-taker's parameters at a point (--hft-ratio is swept in thousandths). */
export function hftJobParams(base: HftSweepBase, point: GridPoint): HftParams {
	return {ratio: point.hftRatio === undefined ? base.params.ratio : point.hftRatio / 1000, size: point.hftSize ?? base.params.size};
}

export function makeJob(base: HftSweepBase, id: string, pointIndex: number, point: GridPoint, days: readonly string[] | null): HftJob;
export function makeJob(base: ScalpSweepBase, id: string, pointIndex: number, point: GridPoint, days: readonly string[] | null): ScalpJob;
export function makeJob(base: SweepBase, id: string, pointIndex: number, point: GridPoint, days: readonly string[] | null): SweepJob;
export function makeJob(base: SweepBase, id: string, pointIndex: number, point: GridPoint, days: readonly string[] | null): SweepJob {
	if (base.strategy === 'hft') {
		const params = hftJobParams(base, point);
		return {
			format: JOB_FORMAT,
			strategy: 'hft',
			id,
			point: pointIndex,
			data: base.data,
			days,
			symbols: base.symbols,
			cash: base.cash,
			hftQty: base.hftQty,
			params,
		};
	}
	const {lot, params} = jobSettings(base, point);
	return {format: JOB_FORMAT, id, point: pointIndex, data: base.data, days, symbols: base.symbols, cash: base.cash, lot, exitAfterMs: base.exitAfterMs, params};
}

/** How many jobs the sweep will run (for the progress bar before phase 2 exists). */
export function plannedJobs(config: SweepConfig<SweepBase>): number {
	const points = config.axes.reduce((n, a) => n * a.values.length, 1);
	if (!config.walkForward) return points;
	const windows = makeWindows(config.days, config.walkForward).length;
	return windows * points + windows;
}

export async function runSweep(config: SweepConfig<SweepBase>, runner: JobRunner, onResult: (result: JobResult) => void = () => {}): Promise<SweepOutcome> {
	const points = gridPoints(config.axes);
	if (!config.walkForward) {
		const days = config.allDays ? null : config.days;
		const jobs = points.map((p, i) => makeJob(config.base, `p${i}`, i, p, days));
		const results = await runner(jobs, onResult);
		const ranked = rank(results).map((r, i) => ({rank: i + 1, point: r.point, values: points[r.point]!, metrics: r.metrics}));
		return {axes: config.axes, points, ranked, walkForward: null, jobs: jobs.length};
	}
	const windows = makeWindows(config.days, config.walkForward);
	// Phase 1: in-sample only.
	const inSampleJobs = windows.flatMap(w => points.map((p, i) => makeJob(config.base, `w${w.index}-is-p${i}`, i, p, w.inSample)));
	const inSample = await runner(inSampleJobs, onResult);
	const chosen = windows.map(w => chooseOnInSample(inSample.slice(w.index * points.length, (w.index + 1) * points.length)));
	// Phase 2: each window's choice on its out-of-sample days.
	const outJobs = windows.map(w =>
		makeJob(config.base, `w${w.index}-oos-p${chosen[w.index]!.point}`, chosen[w.index]!.point, points[chosen[w.index]!.point]!, w.outOfSample),
	);
	const outOfSample = await runner(outJobs, onResult);
	const outcomes: WindowOutcome[] = windows.map((w, i) => ({
		window: w,
		chosen: chosen[i]!.point,
		inSample: chosen[i]!.metrics,
		outOfSample: outOfSample[i]!.metrics,
	}));
	return {
		axes: config.axes,
		points,
		ranked: [],
		walkForward: {spec: config.walkForward, windows: outcomes, total: combineOutOfSample(outcomes), stability: stability(outcomes, points, config.axes)},
		jobs: inSampleJobs.length + outJobs.length,
	};
}
