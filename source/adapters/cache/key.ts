/**
 * What identifies a cached series: symbol, timeframe, feed and price adjustment. Each series
 * lives in its own folder under the cache root, so `data rm` and listing are folder walks.
 */
import {join} from 'node:path';

export const TIMEFRAMES = ['1Min', '1Day'] as const;
export const FEEDS = ['iex', 'sip'] as const;
export const ADJUSTMENTS = ['raw', 'split', 'all'] as const;

export type CacheTimeframe = (typeof TIMEFRAMES)[number];
export type CacheFeed = (typeof FEEDS)[number];
export type CacheAdjustment = (typeof ADJUSTMENTS)[number];

export interface SeriesKind {
	readonly timeframe: CacheTimeframe;
	readonly feed: CacheFeed;
	readonly adjustment: CacheAdjustment;
}

export interface SeriesKey extends SeriesKind {
	readonly symbol: string;
}

/** The defaults of `data fetch` and of every reader: minute bars, IEX (free), unadjusted. */
export const DEFAULT_KIND: SeriesKind = {timeframe: '1Min', feed: 'iex', adjustment: 'raw'};

/** Bars folder of the cache root. */
export function barsRoot(cacheDir: string): string {
	return join(cacheDir, 'bars');
}

/** `<root>/bars/<timeframe>/<feed>-<adjustment>/<SYMBOL>`; symbols like BRK.B or BRK/B stay one folder. */
export function seriesDir(cacheDir: string, key: SeriesKey): string {
	return join(barsRoot(cacheDir), key.timeframe, `${key.feed}-${key.adjustment}`, encodeSymbol(key.symbol));
}

export function encodeSymbol(symbol: string): string {
	return symbol.replace(/\//g, '_');
}

export function decodeSymbol(folder: string): string {
	return folder.replace(/_/g, '/');
}

/** "AAPL 1Min iex raw" */
export function describeKey(key: SeriesKey): string {
	return `${key.symbol} ${key.timeframe} ${key.feed} ${key.adjustment}`;
}

/** The file a bar of this timeframe goes into: one per New York month (minutes) or year (days). */
export function periodOf(timeframe: CacheTimeframe, date: string): string {
	return timeframe === '1Min' ? date.slice(0, 7) : date.slice(0, 4);
}

/** First and last date of a period ("2024-03" or "2024"). */
export function periodBounds(period: string): {from: string; to: string} {
	if (period.length === 4) return {from: `${period}-01-01`, to: `${period}-12-31`};
	const [y, m] = period.split('-').map(Number) as [number, number];
	const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
	return {from: `${period}-01`, to: `${period}-${String(last).padStart(2, '0')}`};
}
