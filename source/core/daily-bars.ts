/**
 * Daily bars as the rebalancer and its backtest see them, in a
 * columnar layout: one series per symbol, typed arrays indexed by the symbol's own bar number,
 * each bar pointing at a trading day of the whole data set. Prices are exact micro-dollars.
 * The replay adapter (adapters/replay/daily-csv.ts) builds these; nothing here does I/O.
 */
import type {Micros, MicrosColumn} from './money.js';

export interface DailySeries {
	readonly symbol: string;
	/** Number of bars. */
	readonly length: number;
	/** Index into `DailyDataSet.dates` of each bar, strictly ascending. */
	readonly day: Int32Array;
	/** Micro-dollars. */
	readonly open: MicrosColumn;
	readonly high: MicrosColumn;
	readonly low: MicrosColumn;
	readonly close: MicrosColumn;
	readonly volume: Float64Array;
}

export interface DailyDataSet {
	/** Every date present in the data (YYYY-MM-DD), ascending: the trading days. */
	readonly dates: readonly string[];
	/** Every symbol with at least one bar, ascending. */
	readonly symbols: readonly string[];
	readonly series: ReadonlyMap<string, DailySeries>;
	/** Rows skipped because a field was empty. */
	readonly skippedRows: number;
	/** Rows skipped because the same (symbol, date) came earlier. */
	readonly duplicateRows: number;
	/** The files read, in reading order. */
	readonly files: readonly string[];
}

/** One daily bar as a plain object (venues, tests, the console). */
export interface DailyBar {
	readonly symbol: string;
	readonly date: string;
	readonly open: Micros;
	readonly high: Micros;
	readonly low: Micros;
	readonly close: Micros;
	readonly volume: number;
}

/** Position of the bar of `series` on trading day `dayIndex`, or -1 (binary search). */
export function barIndexOnDay(series: DailySeries, dayIndex: number): number {
	let lo = 0;
	let hi = series.length - 1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const d = series.day[mid]!;
		if (d === dayIndex) return mid;
		if (d < dayIndex) lo = mid + 1;
		else hi = mid - 1;
	}
	return -1;
}

/** Number of bars of `series` strictly before trading day `dayIndex`. */
export function barsBeforeDay(series: DailySeries, dayIndex: number): number {
	let lo = 0;
	let hi = series.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (series.day[mid]! < dayIndex) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/** The bar at position `index` of `series` as a plain object. */
export function barAt(data: DailyDataSet, series: DailySeries, index: number): DailyBar {
	return {
		symbol: series.symbol,
		date: data.dates[series.day[index]!]!,
		open: series.open[index]!,
		high: series.high[index]!,
		low: series.low[index]!,
		close: series.close[index]!,
		volume: series.volume[index]!,
	};
}
