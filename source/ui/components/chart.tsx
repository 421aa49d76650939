/**
 * Price chart of recent closes (asciichart's line glyphs) with the SMA as a dotted line (`·`),
 * or a one-line sparkline when a panel has room for a single chart line. The two series have
 * different glyphs, so they stay apart without colour (NO_COLOR); with colour the price is
 * cyan and the SMA yellow, as the panel's legend says.
 *
 * asciichart throws or draws garbage on NaN and empty input and sizes itself from the data, so
 * the series are cleaned and downsampled to the panel width first, and the output is padded
 * or cut to exactly `lines` lines of at most `width` columns.
 */
import {createRequire} from 'node:module';
import {memo} from 'react';
import {RawBlock} from './line.js';

interface Asciichart {
	plot(
		series: number[] | number[][],
		config?: {
			height?: number;
			offset?: number;
			min?: number;
			max?: number;
			padding?: string;
			colors?: string[];
			format?: (value: number, index: number) => string;
		},
	): string;
	readonly cyan: string;
	readonly yellow: string;
}

// asciichart is CommonJS without type declarations: load it through require and type it here.
const asciichart = createRequire(import.meta.url)('asciichart') as Asciichart;

export interface CleanSeries {
	readonly closes: number[];
	readonly sma: number[];
}

/**
 * Finite closes (a bad value repeats the previous good one; leading bad values are dropped),
 * and an SMA aligned to them where a missing SMA value (warm-up NaN) takes the close, so it
 * hides under the price line. Null when fewer than two closes remain.
 */
export function cleanSeries(closes: readonly number[], sma: readonly number[]): CleanSeries | null {
	const outCloses: number[] = [];
	const outSma: number[] = [];
	// SMA is aligned with closes by their ends.
	const smaShift = sma.length - closes.length;
	let previous: number | null = null;
	for (let index = 0; index < closes.length; index++) {
		const raw = closes[index];
		const close: number | null = typeof raw === 'number' && Number.isFinite(raw) ? raw : previous;
		if (close === null) continue;
		previous = close;
		const average = sma[index + smaShift];
		outCloses.push(close);
		outSma.push(typeof average === 'number' && Number.isFinite(average) ? average : close);
	}
	return outCloses.length >= 2 ? {closes: outCloses, sma: outSma} : null;
}

/** The last value of each of `points` equal buckets (a bar-like resample), or the input. */
export function downsample(values: readonly number[], points: number): number[] {
	if (points <= 0) return [];
	if (values.length <= points) return [...values];
	const out: number[] = [];
	for (let bucket = 0; bucket < points; bucket++) {
		const end = Math.floor(((bucket + 1) * values.length) / points) - 1;
		out.push(values[end] ?? values[values.length - 1] ?? 0);
	}
	return out;
}

function padLines(lines: string[], count: number, width: number): string[] {
	const blank = ' '.repeat(Math.max(0, width));
	const out = lines.slice(0, count);
	// A flat series plots as one line: centre it.
	const before = Math.floor((count - out.length) / 2);
	const padded = [...Array.from({length: before}, () => blank), ...out];
	while (padded.length < count) padded.push(blank);
	return padded;
}

function centered(text: string, lines: number, width: number): string[] {
	const line = text.length > width ? text.slice(0, Math.max(0, width)) : text;
	return padLines([line.padEnd(width)], lines, width);
}

/** Exactly `lines` lines, each `width` columns (ANSI colour codes aside). */
export function renderChartLines(closesIn: readonly number[], smaIn: readonly number[], width: number, lines: number, colors: boolean): string[] {
	if (lines <= 0 || width <= 0) return [];
	const series = cleanSeries(closesIn, smaIn);
	if (!series) return centered('waiting for closes…', lines, width);
	if (lines < 3) return padLines([renderSparkline(series.closes, width)], lines, width);
	const min = Math.min(...series.closes, ...series.sma);
	const max = Math.max(...series.closes, ...series.sma);
	const decimals = Math.max(Math.abs(min), Math.abs(max)) < 1 ? 4 : 2;
	const labelWidth = Math.max(min.toFixed(decimals).length, max.toFixed(decimals).length);
	// asciichart draws `points - 1` data columns after the label and axis, then one blank.
	const points = width - labelWidth;
	if (points < 3) return centered('', lines, width);
	const closes = downsample(series.closes, points);
	const sma = downsample(series.sma, points);
	const height = lines - 1;
	// The price alone through asciichart, on the scale of both series; the SMA is laid over it.
	const plotted = asciichart.plot(closes, {height, offset: 2, min, max, format: value => value.toFixed(decimals).padStart(labelWidth)});
	const grid = plotted.split('\n').map(row => Array.from(row.slice(0, -1)));
	overlaySma(grid, sma, {min, max, height, firstColumn: labelWidth + 1});
	const visible = labelWidth + 1 + closes.length - 1;
	const rows = grid.map(cells => {
		const text = colors ? colorRow(cells, labelWidth + 1) : cells.join('');
		// Pad short data to the full width.
		return visible < width ? text + ' '.repeat(width - visible) : text;
	});
	return padLines(rows, lines, width);
}

/** The SMA's glyph: a dot, unlike any of the price line's box-drawing glyphs. */
export const SMA_GLYPH = '·';

/**
 * Put a dot where the SMA lies in each data column that the price line leaves blank, with
 * asciichart's own scale (value -> row), so both series share one axis.
 */
function overlaySma(grid: string[][], sma: readonly number[], scale: {min: number; max: number; height: number; firstColumn: number}): void {
	const range = Math.abs(scale.max - scale.min);
	const ratio = range !== 0 ? scale.height / range : 1;
	const min2 = Math.round(scale.min * ratio);
	const rows = Math.abs(Math.round(scale.max * ratio) - min2);
	// Column x draws the step from point x to x + 1 (asciichart), so it shows point x + 1.
	for (let x = 0; x + 1 < sma.length; x++) {
		const row = grid[rows - (Math.round(sma[x + 1]! * ratio) - min2)];
		const column = scale.firstColumn + x;
		if (row && row[column] === ' ') row[column] = SMA_GLYPH;
	}
}

const CYAN = '\u001B[36m';
const YELLOW = '\u001B[33m';
const RESET = '\u001B[39m';

/** The plot area coloured in runs: price glyphs cyan, SMA dots yellow, labels and axis plain. */
function colorRow(cells: readonly string[], firstColumn: number): string {
	let out = cells.slice(0, firstColumn).join('');
	let open = '';
	for (let column = firstColumn; column < cells.length; column++) {
		const cell = cells[column]!;
		const code = cell === ' ' ? open : cell === SMA_GLYPH ? YELLOW : CYAN;
		if (code !== open) {
			out += code;
			open = code;
		}
		out += cell;
	}
	return open ? out + RESET : out;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/** One line of block characters over the last values that fit. */
export function renderSparkline(values: readonly number[], width: number): string {
	const finite = values.filter(value => Number.isFinite(value));
	if (finite.length === 0 || width <= 0) return ' '.repeat(Math.max(0, width));
	const points = downsample(finite, width);
	const min = Math.min(...points);
	const max = Math.max(...points);
	const range = max - min;
	let out = '';
	for (const value of points) {
		const level = range === 0 ? 3 : Math.round(((value - min) / range) * (BLOCKS.length - 1));
		out += BLOCKS[level] ?? BLOCKS[0];
	}
	return out.padEnd(width);
}

export interface ChartProps {
	readonly closes: readonly number[];
	readonly sma: readonly number[];
	readonly width: number;
	readonly lines: number;
	readonly colors: boolean;
}

function sameSeries(a: readonly number[], b: readonly number[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let index = 0; index < a.length; index++) {
		if (!Object.is(a[index], b[index])) return false;
	}
	return true;
}

/** Chart props are equal when the series hold the same numbers (snapshots rebuild arrays). */
export function sameChartProps(a: ChartProps, b: ChartProps): boolean {
	return a.width === b.width && a.lines === b.lines && a.colors === b.colors && sameSeries(a.closes, b.closes) && sameSeries(a.sma, b.sma);
}

function ChartView({closes, sma, width, lines, colors}: ChartProps) {
	if (lines <= 0) return null;
	return <RawBlock lines={renderChartLines(closes, sma, width, lines, colors)} width={width} />;
}

export const Chart = memo(ChartView, sameChartProps);
