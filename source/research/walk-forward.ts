/**
 * Walk-forward analysis by trading day: rolling windows of `inSample` days followed by
 * `outOfSample` days, moved forward by the out-of-sample length. In each window every grid
 * point is run on the in-sample days only, the best is chosen there, and only that choice is
 * run on the out-of-sample days; the report shows out-of-sample figures only, and how stable
 * the choice was from window to window.
 *
 * The choice is made by `chooseOnInSample`, which sees nothing but in-sample results: the
 * out-of-sample jobs are built only after every choice is fixed.
 */
import {UsageError} from '../core/errors.js';
import type {GridAxis, GridPoint} from './grid.js';
import type {JobMetrics, JobResult} from './job.js';
import {best} from './rank.js';
import {dollarsToMicros, microsToNumber} from '../core/money.js';

export interface WalkForwardSpec {
	readonly inSample: number;
	readonly outOfSample: number;
}

export interface Window {
	readonly index: number;
	readonly inSample: readonly string[];
	readonly outOfSample: readonly string[];
}

/** `--walk-forward IS:OOS` in trading days, e.g. `10:5`. */
export function parseWalkForward(text: string): WalkForwardSpec {
	const m = /^(\d+):(\d+)$/.exec(text.trim());
	if (!m) throw new UsageError(`--walk-forward needs IN:OUT trading days, e.g. 10:5, got "${text}"`);
	const spec = {inSample: Number(m[1]), outOfSample: Number(m[2])};
	if (spec.inSample < 1 || spec.outOfSample < 1) throw new UsageError(`--walk-forward days must be at least 1, got "${text}"`);
	return spec;
}

/**
 * Windows over the ascending trading days. The last out-of-sample stretch may be shorter
 * (the data ends); a window with no out-of-sample day is not made.
 */
export function makeWindows(days: readonly string[], spec: WalkForwardSpec): Window[] {
	const windows: Window[] = [];
	for (let start = 0; start + spec.inSample < days.length; start += spec.outOfSample) {
		const isEnd = start + spec.inSample;
		windows.push({
			index: windows.length,
			inSample: days.slice(start, isEnd),
			outOfSample: days.slice(isEnd, Math.min(isEnd + spec.outOfSample, days.length)),
		});
	}
	if (windows.length === 0) {
		throw new UsageError(`--walk-forward ${spec.inSample}:${spec.outOfSample} needs more than ${spec.inSample} trading days; the data has ${days.length}`);
	}
	return windows;
}

/** The in-sample choice of one window: the best point among that window's in-sample results. */
export function chooseOnInSample(inSampleResults: readonly JobResult[]): JobResult {
	return best(inSampleResults);
}

export interface WindowOutcome {
	readonly window: Window;
	readonly chosen: number;
	readonly inSample: JobMetrics;
	readonly outOfSample: JobMetrics;
}

export interface Stability {
	/** Per swept parameter: the value chosen most often, in how many windows, and the values seen. */
	readonly params: {readonly flag: string; readonly mode: string; readonly count: number; readonly values: readonly string[]}[];
	/** The parameter set chosen most often and in how many windows. */
	readonly sameSet: number;
	/** Windows whose choice differs from the previous window's. */
	readonly changes: number;
	readonly windows: number;
}

export function stability(outcomes: readonly WindowOutcome[], points: readonly GridPoint[], axes: readonly GridAxis[]): Stability {
	const counts = new Map<number, number>();
	for (const o of outcomes) counts.set(o.chosen, (counts.get(o.chosen) ?? 0) + 1);
	const params = axes.map(axis => {
		const byValue = new Map<number, number>();
		for (const o of outcomes) {
			const v = points[o.chosen]![axis.flag.key]!;
			byValue.set(v, (byValue.get(v) ?? 0) + 1);
		}
		// Most frequent, the smaller value on a tie (deterministic).
		const [mode, count] = [...byValue.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
		return {flag: axis.flag.flag, mode: axis.flag.format(mode), count, values: [...byValue.keys()].sort((a, b) => a - b).map(v => axis.flag.format(v))};
	});
	let changes = 0;
	for (let i = 1; i < outcomes.length; i++) if (outcomes[i]!.chosen !== outcomes[i - 1]!.chosen) changes += 1;
	return {params, sameSet: Math.max(0, ...counts.values()), changes, windows: outcomes.length};
}

/** Out-of-sample totals over all windows (each window starts from the same cash). */
export function combineOutOfSample(outcomes: readonly WindowOutcome[]): JobMetrics {
	let pnl = 0;
	let realized = 0;
	let roundTrips = 0;
	let wins = 0;
	let maxDrawdown = 0;
	let maxDrawdownPct = 0;
	let bars = 0;
	let sessions = 0;
	let held = 0;
	for (const {outOfSample: m} of outcomes) {
		pnl += m.pnl;
		realized += m.realizedPnl;
		roundTrips += m.roundTrips;
		wins += m.wins;
		maxDrawdown = Math.max(maxDrawdown, m.maxDrawdown);
		maxDrawdownPct = Math.max(maxDrawdownPct, m.maxDrawdownPct);
		bars += m.bars;
		sessions += m.sessions;
		held += m.timeInMarket * m.bars;
	}
	const round = (v: number) => microsToNumber(dollarsToMicros(v));
	return {
		pnl: round(pnl),
		realizedPnl: round(realized),
		roundTrips,
		wins,
		winRate: roundTrips > 0 ? wins / roundTrips : null,
		maxDrawdown,
		maxDrawdownPct,
		timeInMarket: bars > 0 ? held / bars : 0,
		bars,
		sessions,
	};
}
