/**
 * Historical bars the emulator serves besides its replay: whatever the bar cache holds (the
 * folder `data fetch` fills), so `data fetch` can be run end to end against `emulate`. Days the
 * replay itself plays are left to the replay (nothing from its future leaks out).
 */
import {readSeriesRange} from '../adapters/cache/load.js';
import {FEEDS, type CacheFeed, type SeriesKey} from '../adapters/cache/key.js';
import type {Bar} from '../core/types.js';

export interface BarArchive {
	/** Minute bars (or daily bars when `daily` and the cache has them) with start in [startMs, endMs]. */
	bars(symbol: string, feed: string, adjustment: string, daily: boolean, startMs: number, endMs: number): {bars: readonly Bar[]; daily: boolean};
}

function cacheFeed(feed: string): CacheFeed {
	// delayed_sip is SIP data, 15 minutes late.
	const f = feed === 'delayed_sip' ? 'sip' : feed;
	return (FEEDS as readonly string[]).includes(f) ? (f as CacheFeed) : 'iex';
}

export function cacheArchive(cacheDir: string): BarArchive {
	return {
		bars(symbol, feed, adjustment, daily, startMs, endMs) {
			const adj = adjustment === 'split' || adjustment === 'all' ? adjustment : 'raw';
			const base = {symbol, feed: cacheFeed(feed), adjustment: adj} as const;
			if (daily) {
				const days = readSeriesRange(cacheDir, {...base, timeframe: '1Day'} as SeriesKey, startMs, endMs);
				if (days.length > 0) return {bars: days, daily: true};
			}
			return {bars: readSeriesRange(cacheDir, {...base, timeframe: '1Min'} as SeriesKey, startMs, endMs), daily: false};
		},
	};
}
