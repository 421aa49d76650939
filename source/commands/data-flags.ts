/**
 * The flags that pick cached market data, shared by `data`, `backtest`, the SIM console and
 * `emulate`: `--from/--to` (or one `--date`), `--timeframe`, `--feed`, `--adjustment`,
 * `--cache-dir`. Every problem is one UsageError line.
 */
import {UsageError} from '../core/errors.js';
import {isIsoDate} from '../core/trading-days.js';
import {cacheDirFrom} from '../adapters/cache/cache-dir.js';
import {ADJUSTMENTS, DEFAULT_KIND, FEEDS, TIMEFRAMES, type SeriesKind} from '../adapters/cache/key.js';

export interface DataFlags {
	readonly from?: string;
	readonly to?: string;
	readonly date?: string;
	readonly timeframe?: string;
	readonly feed?: string;
	readonly adjustment?: string;
	readonly cacheDir?: string;
}

function dateFlag(name: string, value: string): string {
	const text = value.trim();
	if (!isIsoDate(text)) throw new UsageError(`--${name} must be a date like 2024-03-04, got "${value}"`);
	return text;
}

/** The date range asked for, or null when none of --from/--to/--date was given. */
export function dateRange(flags: DataFlags): {from: string; to: string} | null {
	if (flags.date !== undefined) {
		if (flags.from !== undefined || flags.to !== undefined) throw new UsageError('--date is one day: use it without --from/--to');
		const date = dateFlag('date', flags.date);
		return {from: date, to: date};
	}
	if (flags.from === undefined && flags.to === undefined) return null;
	if (flags.from === undefined) throw new UsageError('--to needs --from (or use --date for one day)');
	const from = dateFlag('from', flags.from);
	const to = flags.to === undefined ? from : dateFlag('to', flags.to);
	if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
	return {from, to};
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
	if (value === undefined) return fallback;
	const found = allowed.find(a => a.toLowerCase() === value.trim().toLowerCase());
	if (!found) throw new UsageError(`--${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]}, got "${value}"`);
	return found;
}

export function seriesKind(flags: DataFlags): SeriesKind {
	return {
		timeframe: oneOf('timeframe', flags.timeframe, TIMEFRAMES, DEFAULT_KIND.timeframe),
		feed: oneOf('feed', flags.feed, FEEDS, DEFAULT_KIND.feed),
		adjustment: oneOf('adjustment', flags.adjustment, ADJUSTMENTS, DEFAULT_KIND.adjustment),
	};
}

export function cacheDir(flags: DataFlags): {dir: string; explicit: boolean} {
	if (flags.cacheDir !== undefined && flags.cacheDir.trim() === '') throw new UsageError('--cache-dir needs a folder');
	return {dir: cacheDirFrom(flags.cacheDir), explicit: flags.cacheDir !== undefined};
}
