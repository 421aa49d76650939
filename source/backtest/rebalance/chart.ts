/**
 * asciichart wrapper: always passes a height, downsamples to the width, and never hands the
 * library an empty series or a non-finite value (it throws or draws garbage on those).
 */
import {createRequire} from 'node:module';

interface AsciiChart {
	plot(series: number[] | number[][], config?: Record<string, unknown>): string;
	readonly reset: string;
	readonly [color: string]: unknown;
}

const require = createRequire(import.meta.url);
let chartLib: AsciiChart | null = null;
function lib(): AsciiChart {
	chartLib ??= require('asciichart') as AsciiChart;
	return chartLib;
}

/** Evenly spaced picks of at most `points` values, always keeping the first and the last. */
export function downsample(values: readonly number[], points: number): number[] {
	const n = values.length;
	const m = Math.max(2, Math.floor(points));
	if (n <= m) return [...values];
	const out: number[] = [];
	for (let i = 0; i < m; i++) out.push(values[Math.round((i * (n - 1)) / (m - 1))]!);
	return out;
}

/**
 * Stretch a short series towards `points` values by linear interpolation (a whole number of
 * steps between the original points, so every original value is kept), for a readable plot.
 */
export function stretch(values: readonly number[], points: number): number[] {
	const n = values.length;
	if (n < 2) return [...values];
	const k = Math.floor((Math.floor(points) - 1) / (n - 1));
	if (k <= 1) return [...values];
	const out: number[] = [];
	for (let i = 0; i < n - 1; i++) {
		const a = values[i]!;
		const b = values[i + 1]!;
		for (let j = 0; j < k; j++) out.push(a + ((b - a) * j) / k);
	}
	out.push(values[n - 1]!);
	return out;
}

/** Replace non-finite values by the previous finite one (the next one at the start). */
export function fillGaps(values: ReadonlyArray<number | null>): number[] | null {
	const firstFinite = values.find(v => v !== null && Number.isFinite(v));
	if (firstFinite === undefined || firstFinite === null) return null;
	let prev = firstFinite;
	return values.map(v => {
		if (v !== null && Number.isFinite(v)) prev = v;
		return prev;
	});
}

export interface LineChartOptions {
	/** Rows of the plot area (required by the design notes: never let asciichart pick). */
	readonly height: number;
	/** Total width in columns, labels included. */
	readonly width: number;
	/** ANSI color names per series (asciichart's palette, e.g. 'green'); none = no escapes. */
	readonly colors?: readonly string[];
	/** Shared scale (to draw several charts comparably). */
	readonly min?: number;
	readonly max?: number;
	/** Label formatter (default: 2 decimals). */
	readonly format?: (x: number) => string;
}

const LABEL_WIDTH = 10;

/** Plot one or more series on one chart; returns '' when there is nothing finite to draw. */
export function lineChart(series: ReadonlyArray<readonly number[]>, options: LineChartOptions): string {
	const clean = series.map(s => s.filter(v => Number.isFinite(v))).filter(s => s.length > 0);
	if (clean.length === 0) return '';
	const points = Math.max(2, options.width - LABEL_WIDTH - 3);
	const sampled = clean.map(s => (s.length > points ? downsample(s, points) : stretch(s, points)));
	const chart = lib();
	const format = options.format ?? ((x: number) => x.toFixed(2));
	const config: Record<string, unknown> = {
		height: Math.max(1, Math.floor(options.height)),
		format: (x: number) => format(x).padStart(LABEL_WIDTH).slice(-LABEL_WIDTH),
	};
	if (options.min !== undefined && Number.isFinite(options.min)) config.min = options.min;
	if (options.max !== undefined && Number.isFinite(options.max)) config.max = options.max;
	if (options.colors && options.colors.length > 0) config.colors = options.colors.map(c => chart[c] ?? undefined);
	return chart.plot(sampled, config);
}

/** Wrap text in an asciichart color (for legends), or leave it plain. */
export function colorize(text: string, color: string | undefined): string {
	if (!color) return text;
	const chart = lib();
	const code = chart[color];
	return typeof code === 'string' ? `${code}${text}${chart.reset}` : text;
}
