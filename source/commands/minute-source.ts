/**
 * Where a command's minute bars come from: the cache when `--from/--to` or `--date` is given
 * (any symbol that was fetched), else CSV files (`--data`, default the bundled sample). Either
 * way the result carries a summary naming the data for reports and headers.
 */
import {DataError, UsageError} from '../core/errors.js';
import {existingPaths} from '../config.js';
import {loadMinuteData, toSessions, type BarSession} from '../adapters/replay/minute-csv.js';
import {loadBars} from '../adapters/cache/load.js';
import {covers} from '../adapters/cache/ranges.js';
import {listSeries, readManifest} from '../adapters/cache/store.js';
import {summarizeSessions, type DataSummary} from '../backtest/data-summary.js';
import type {Bar} from '../core/types.js';
import type {ReplaySession} from '../backtest/bar-runner.js';
import {bundledMinuteData} from '../paths.js';
import {cacheDir, dateRange, seriesKind, type DataFlags} from './data-flags.js';

export interface MinuteSourceFlags extends DataFlags {
	readonly data?: readonly string[];
}

export interface MinuteSource {
	/** What a replay takes: the cache's columns (built on first use), or the CSV's sessions of Bar objects. */
	readonly replay: readonly ReplaySession[];
	/**
	 * The same sessions for one replay that takes them in order: from the cache each is built
	 * when taken, in room the next one reuses (see LoadedBars.streamColumns).
	 */
	stream(): Iterable<ReplaySession>;
	/** Symbols loaded, sorted. */
	readonly symbols: readonly string[];
	/** Sessions as Bar objects (built on first use from the cache). */
	readonly sessions: BarSession[];
	/** Bars per symbol (built on first use from the cache). */
	readonly bars: Map<string, Bar[]>;
	readonly summary: DataSummary;
	/** Date range asked for (cache), or null (files). */
	readonly range: {from: string; to: string} | null;
	/** The CSV files or folders read (files), or null (cache). */
	readonly paths: readonly string[] | null;
}

/** True when the flags ask for cached data. */
export function wantsCache(flags: MinuteSourceFlags): boolean {
	return flags.from !== undefined || flags.to !== undefined || flags.date !== undefined;
}

/**
 * Load minute bars for `symbols` (all available when empty and `allWhenNone`). CSV files are
 * read only for the symbols asked for; the cache needs each symbol to cover the whole range.
 */
export function loadMinuteSource(symbols: readonly string[], flags: MinuteSourceFlags, where: string, options: {shared?: boolean} = {}): MinuteSource {
	const range = dateRange(flags);
	if (!range) {
		for (const name of ['feed', 'adjustment', 'timeframe', 'cacheDir'] as const) {
			if (flags[name] !== undefined) throw new UsageError(`--${name === 'cacheDir' ? 'cache-dir' : name} picks cached data: give --from/--to or --date too`);
		}
		const bundled = !(flags.data && flags.data.length > 0);
		const paths = bundled ? [bundledMinuteData()] : existingPaths(flags.data!);
		const data = bundled ? loadBundled(paths, symbols) : loadMinuteData(paths, symbols);
		const sessions = toSessions(data.bars);
		return {
			replay: sessions,
			stream() {
				return this.replay;
			},
			symbols: [...data.bars.keys()].sort(),
			sessions,
			bars: data.bars,
			summary: summarizeSessions(sessions, paths.join(', '), data.conflicts),
			range: null,
			paths,
		};
	}
	if (flags.data && flags.data.length > 0) throw new UsageError('--data and --from/--to/--date are two sources of bars: pick one');
	const kind = seriesKind(flags);
	if (kind.timeframe !== '1Min') throw new UsageError(`${where} replays minute bars: --timeframe ${kind.timeframe} does not apply`);
	const cache = cacheDir(flags);
	let wanted = [...symbols];
	if (wanted.length === 0) {
		wanted = listSeries(cache.dir)
			.filter(k => k.timeframe === kind.timeframe && k.feed === kind.feed && k.adjustment === kind.adjustment)
			.filter(k => covers(readManifest(cache.dir, k)!.covered, [range.from, range.to]))
			.map(k => k.symbol);
		if (wanted.length === 0) {
			throw new DataError(
				`nothing cached covers ${range.from === range.to ? range.from : `${range.from}..${range.to}`} (${kind.timeframe} ${kind.feed} ${kind.adjustment}) in ${cache.dir}: name the symbols, e.g. scalp-tui data fetch AAPL --from ${range.from} --to ${range.to}`,
			);
		}
	}
	const loaded = loadBars({symbols: wanted, ...range, ...kind, cacheDir: cache.dir, cacheDirExplicit: cache.explicit, shared: options.shared ?? false});
	if (loaded.summary.bars === 0)
		throw new DataError(
			`the cache holds no bars for ${wanted.join(', ')} on ${range.from === range.to ? range.from : `${range.from}..${range.to}`} (no trading day?)`,
		);
	return {
		get replay() {
			return loaded.columns;
		},
		stream() {
			return loaded.streamColumns();
		},
		symbols: loaded.symbols,
		get sessions() {
			return loaded.sessions;
		},
		get bars() {
			return loaded.bars;
		},
		summary: loaded.summary,
		range,
		paths: null,
	};
}

/** The bundled sample holds six symbols of one 2019 week: for any other symbol say how to get it. */
function loadBundled(paths: string[], symbols: readonly string[]): ReturnType<typeof loadMinuteData> {
	try {
		return loadMinuteData(paths, symbols);
	} catch (error) {
		const prefix = 'no minute data for ';
		if (!(error instanceof DataError) || !error.message.startsWith(prefix)) throw error;
		const missing = error.message.slice(prefix.length).split(' in ')[0]!;
		const fetch = `scalp-tui data fetch ${missing.replaceAll(', ', ' ')} --from DATE --to DATE`;
		throw new DataError(
			`${prefix}${missing} in the bundled sample (AAPL AMZN MSFT QQQ SPY TSLA, 2019-02-11..15): run \`${fetch}\`, then pass the same --from/--to here`,
		);
	}
}
