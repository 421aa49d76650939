/**
 * Sweep grids: each parameter flag takes a list of values and ranges
 * (`--sma 10..40:5 --take-profit 0.01,0.02,0.05 --eod 15:00..15:55:5m`). Values are parsed by
 * the same per-flag parsers as the plain commands, into integer units, so enumeration is exact
 * (no float steps) and a grid point is the very value a plain backtest with that flag gets.
 */
import {UsageError} from '../core/errors.js';
import {PARAM_FLAGS, type ParamFlag} from '../strategy-flags.js';

export type ParamKey = ParamFlag['key'];

export interface GridAxis {
	readonly flag: ParamFlag;
	/** Ascending, distinct, in the flag's integer unit. */
	readonly values: readonly number[];
}

/** A grid point: one value per axis, in axis order. */
export type GridPoint = Readonly<Partial<Record<ParamKey, number>>>;

/** Most points a sweep may have (beyond this, narrow the grid or use a distributed runner). */
export const MAX_GRID_POINTS = 100_000;

/** `a..b:step` (the step comes after the last colon; --eod values contain colons). */
const RANGE = /^(.+?)\.\.(.+)$/;

function parseItem(flag: ParamFlag, item: string, out: number[]): void {
	const range = RANGE.exec(item);
	if (!range) {
		out.push(flag.parse(item));
		return;
	}
	const [, fromText, rest] = range as unknown as [string, string, string];
	const colon = rest.lastIndexOf(':');
	// "15:55" alone has a colon too: a range needs a step after the end value.
	const hasStep = colon > 0 && (flag.key !== 'eod' || rest.indexOf(':') !== colon);
	if (!hasStep) throw new UsageError(`--${flag.flag} range "${item}" needs a step: FROM..TO:STEP`);
	const from = flag.parse(fromText);
	const to = flag.parse(rest.slice(0, colon));
	const step = flag.parseStep(rest.slice(colon + 1));
	if (!(step > 0)) throw new UsageError(`--${flag.flag} range "${item}": the step must be greater than 0`);
	if (from > to) throw new UsageError(`--${flag.flag} range "${item}" runs backwards (${flag.format(from)} > ${flag.format(to)})`);
	if ((to - from) / step + 1 > MAX_GRID_POINTS) throw new UsageError(`--${flag.flag} range "${item}" has too many values`);
	for (let v = from; v <= to; v += step) out.push(v);
}

/** One axis from the flag's text (`10..40:5`, `0.01,0.02`, or several flags given repeatedly). */
export function parseAxis(flag: ParamFlag, texts: readonly string[]): GridAxis {
	const values: number[] = [];
	for (const text of texts) {
		const items = String(text)
			.split(',')
			.map(s => s.trim());
		if (items.some(s => s === '')) throw new UsageError(`--${flag.flag} has an empty value in "${text}"`);
		for (const item of items) parseItem(flag, item, values);
	}
	const sorted = [...new Set(values)].sort((a, b) => a - b);
	return {flag, values: sorted};
}

/** The grid's axes in the fixed flag order (the order of PARAM_FLAGS), from raw flag texts. */
export function parseGrid(texts: Partial<Record<ParamKey, string | readonly string[]>>): GridAxis[] {
	const axes: GridAxis[] = [];
	for (const flag of PARAM_FLAGS) {
		const raw = texts[flag.key];
		if (raw === undefined) continue;
		axes.push(parseAxis(flag, typeof raw === 'string' ? [raw] : raw));
	}
	const size = gridSize(axes);
	if (size > MAX_GRID_POINTS) throw new UsageError(`the grid has ${size} points; at most ${MAX_GRID_POINTS}`);
	return axes;
}

/** How many points the grid has (the product of its axes' lengths). */
export function gridSize(axes: readonly GridAxis[]): number {
	return axes.reduce((n, a) => n * a.values.length, 1);
}

/**
 * Every point, the last axis varying fastest. The index of a point in this list is its
 * identity: results are ranked with it as the final tie-break, so the table never depends on
 * which worker finished first.
 */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
	let points: Record<string, number>[] = [{}];
	for (const axis of axes) {
		const next: Record<string, number>[] = [];
		for (const p of points) for (const v of axis.values) next.push({...p, [axis.flag.key]: v});
		points = next;
	}
	return points;
}

/** "sma 25 · take-profit 0.02" (only the swept axes). */
export function describePoint(point: GridPoint, axes: readonly GridAxis[]): string {
	return axes.map(a => `${a.flag.flag} ${a.flag.format(point[a.flag.key]!)}`).join(' · ');
}
