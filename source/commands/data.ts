/**
 * `scalp-tui data fetch|list|rm`: the market-data cache.
 *   fetch SYMBOL... --from D --to D [--timeframe 1Min|1Day] [--feed iex|sip] [--adjustment raw|split|all]
 *   list [SYMBOL...]   what is cached: covered dates, bars, size, holes
 *   rm SYMBOL...       delete (only the series matching --timeframe/--feed/--adjustment when given)
 * Fetching needs Alpaca keys (market data is not anonymous) and goes through the SDK under the
 * shared 200/min budget; APCA_API_DATA_URL points it at another server (e.g. `emulate`).
 */
import {UsageError, UserError} from '../core/errors.js';
import {parseSymbols} from '../config.js';
import {fetchBars, type FetchResult} from '../adapters/cache/fetch.js';
import {describeHoles} from '../adapters/cache/holes.js';
import {inspectSeries} from '../adapters/cache/inspect.js';
import {describeKey, type SeriesKey, type SeriesKind} from '../adapters/cache/key.js';
import {join} from 'node:path';
import {formatRanges} from '../adapters/cache/ranges.js';
import {listSeries, removeSeries} from '../adapters/cache/store.js';
import {cacheDir, dateRange, seriesKind, type DataFlags} from './data-flags.js';
import {ProgressBar} from './fetch-progress.js';
import {acquirePidLock, type PidLock} from '../pid-lock.js';
import type {TextIo} from './shared.js';

/** A failure that is not bad input (the server refused, the network failed): one line, exit 1. */
export class FetchError extends UserError {
	override readonly name = 'FetchError';
	override readonly exitCode: number = 1;
}

export interface DataCommandFlags extends DataFlags {
	readonly json?: boolean;
}

export interface DataCommandDeps {
	/** Environment for the Alpaca keys and URLs (tests). */
	readonly env?: NodeJS.ProcessEnv;
	readonly now?: () => number;
	/** The fetch under the SDK (tests record the requests). */
	readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export async function runDataCommand(args: readonly string[], flags: DataCommandFlags, io: TextIo, deps: DataCommandDeps = {}): Promise<number> {
	const [sub, ...rest] = args;
	if (flags.json && sub !== 'list' && sub !== 'ls') throw new UsageError('--json applies to data list only');
	switch (sub) {
		case 'fetch':
			return runFetch(rest, flags, io, deps);
		case 'list':
		case 'ls':
			return runList(rest, flags, io);
		case 'rm':
			return runRm(rest, flags, io);
		case undefined:
			throw new UsageError('data needs a subcommand: fetch, list or rm (see scalp-tui data --help)');
		default:
			throw new UsageError(`unknown data subcommand "${sub}": use fetch, list or rm`);
	}
}

/** The SIP/plan 403 and other refusals, as one line a user can act on. */
export function explainFetchError(error: unknown, kind: SeriesKind): Error {
	const status = (error as {status?: unknown})?.status;
	// The SDK appends its own advice in parentheses to some messages; keep Alpaca's words.
	const message = String((error as {message?: unknown})?.message ?? error)
		.split('\n')[0]!
		.replace(/\s*\((Your account|.*15 minutes).*\)\s*$/, '')
		.trim();
	if (status === 403 && /sip/i.test(message)) {
		return new FetchError(
			`Alpaca refused SIP data (403 "${message}"): the free plan serves SIP bars only up to 15 minutes ago; pick an earlier --to, or --feed iex`,
		);
	}
	if (status === 403)
		return new FetchError(
			`Alpaca refused the ${kind.feed} bars (403 "${message}"): the account's market-data subscription does not cover this request${kind.feed === 'sip' ? '; try --feed iex' : ''}`,
		);
	if (status === 401) return new FetchError(`Alpaca refused the API keys (401): check APCA_API_KEY_ID / APCA_API_SECRET_KEY`);
	if (status === 429) return new FetchError('Alpaca kept answering 429 (rate limit) after every back-off: try again in a minute; what was fetched is kept');
	if (typeof status === 'number')
		return new FetchError(`Alpaca market data answered ${status} ("${message}"); what was fetched is kept, run the command again to resume`);
	return new FetchError(`cannot fetch bars: ${message}; what was fetched is kept, run the command again to resume`);
}

async function runFetch(args: readonly string[], flags: DataCommandFlags, io: TextIo, deps: DataCommandDeps): Promise<number> {
	const symbols = parseSymbols(args).sort();
	if (symbols.length === 0) throw new UsageError('data fetch needs one or more symbols, e.g. scalp-tui data fetch AAPL --from 2024-03-04 --to 2024-03-08');
	const range = dateRange(flags);
	if (!range) throw new UsageError('data fetch needs --from DATE and --to DATE (or --date DATE)');
	const kind = seriesKind(flags);
	const cache = cacheDir(flags);
	const [{resolveAlpacaConfig}, {createSdkClient}, {RateLimiter}, {alpacaBarsPages}] = await Promise.all([
		import('../adapters/alpaca/config.js'),
		import('../adapters/alpaca/client.js'),
		import('../adapters/alpaca/rate-limit.js'),
		import('../adapters/alpaca/bars-pages.js'),
	]);
	const config = resolveAlpacaConfig({
		mode: 'paper',
		feed: kind.feed,
		// Free keys from a paper account are enough for market data.
		purpose: 'Alpaca market data (free paper-account keys will do)',
		...(deps.env ? {env: deps.env, envFile: false} : {}),
	});
	let backoffs = 0;
	const limiter = new RateLimiter({
		...(deps.now ? {now: deps.now} : {}),
		onBackoff: info => {
			backoffs += 1;
			if (!io.stderr.isTTY)
				io.stderr.write(`data fetch: ${info.status ?? 'network error'} from Alpaca, waiting ${(info.delayMs / 1000).toFixed(1)} s (attempt ${info.attempt})\n`);
		},
	});
	const sdk = createSdkClient(config, {timeoutMs: 60_000, ...(deps.fetch ? {fetch: deps.fetch} : {})});
	const lock = lockCache(cache.dir, 'fetch');
	const bar = new ProgressBar(io.stderr);
	const started = Date.now();
	let result: FetchResult;
	try {
		result = await fetchBars({symbols, ...range, ...kind, cacheDir: cache.dir}, alpacaBarsPages(sdk, limiter), {
			...(deps.now ? {now: deps.now} : {}),
			onProgress: p => bar.update(p),
		});
	} catch (error) {
		bar.done();
		if (error instanceof UserError) throw error;
		throw explainFetchError(error, kind);
	} finally {
		limiter.close();
		lock.release();
	}
	bar.done();
	const seconds = (Date.now() - started) / 1000;
	const lines: string[] = [];
	const what = `${kind.timeframe} ${kind.feed} ${kind.adjustment}, ${range.from === range.to ? range.from : `${range.from}..${range.to}`}`;
	const fetched = symbols.filter(s => !result.alreadyCached.includes(s));
	if (fetched.length === 0) lines.push(`already cached: ${symbols.join(', ')} (${what}); nothing downloaded`);
	else {
		lines.push(
			`fetched ${result.bars.toLocaleString('en-US')} bars of ${fetched.join(', ')} (${what}) in ${result.requests} request${result.requests === 1 ? '' : 's'}, ${seconds.toFixed(1)} s${backoffs > 0 ? `, ${backoffs} back-off${backoffs === 1 ? '' : 's'}` : ''}`,
		);
		if (result.alreadyCached.length > 0) lines.push(`already cached: ${result.alreadyCached.join(', ')}`);
	}
	if (range.to > (result.coveredTo ?? '')) {
		const clamp = kind.feed === 'sip' ? ' (SIP ends 15 minutes ago on the free plan)' : '';
		lines.push(`dates after ${result.coveredTo ?? 'the start'} are not complete yet${clamp}: they will be fetched again next time`);
	}
	if (result.droppedOutOfSession > 0) lines.push(`${result.droppedOutOfSession.toLocaleString('en-US')} bars outside 09:30-16:00 New York not kept`);
	if (result.droppedBad > 0) lines.push(`${result.droppedBad} malformed bars dropped`);
	for (const symbol of symbols) {
		const info = inspectSeries(cache.dir, {symbol, ...kind});
		if (info)
			lines.push(
				`  ${symbol}: ${info.bars.toLocaleString('en-US')} bars cached, ${formatRanges(info.covered) || 'nothing complete'}; ${describeHoles(info.holes, kind.timeframe)}`,
			);
	}
	lines.push(`cache ${cache.dir}`);
	io.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

function filterKind(flags: DataFlags): Partial<SeriesKind> {
	const kind = seriesKind(flags);
	return {
		...(flags.timeframe !== undefined ? {timeframe: kind.timeframe} : {}),
		...(flags.feed !== undefined ? {feed: kind.feed} : {}),
		...(flags.adjustment !== undefined ? {adjustment: kind.adjustment} : {}),
	};
}

function matching(dir: string, symbols: readonly string[], flags: DataFlags): SeriesKey[] {
	const want = filterKind(flags);
	return listSeries(dir, symbols).filter(
		k => (!want.timeframe || k.timeframe === want.timeframe) && (!want.feed || k.feed === want.feed) && (!want.adjustment || k.adjustment === want.adjustment),
	);
}

function runList(args: readonly string[], flags: DataCommandFlags, io: TextIo): number {
	if (dateRange(flags)) throw new UsageError('--from/--to/--date do not apply to data list');
	const symbols = parseSymbols(args);
	const cache = cacheDir(flags);
	const infos = matching(cache.dir, symbols, flags).map(key => inspectSeries(cache.dir, key)!);
	if (flags.json) {
		io.stdout.write(
			`${JSON.stringify(
				{
					cache: cache.dir,
					series: infos.map(i => ({
						...i.key,
						covered: i.covered,
						bars: i.bars,
						bytes: i.bytes,
						holes: {
							missing_minutes: i.holes.missingMinutes,
							sessions_with_holes: i.holes.daysWithHoles,
							missing_days: i.holes.missingDays,
							first_missing_days: i.holes.missingDayList,
						},
					})),
				},
				null,
				2,
			)}\n`,
		);
		return 0;
	}
	if (infos.length === 0) {
		io.stdout.write(
			`nothing cached${symbols.length > 0 ? ` for ${symbols.join(', ')}` : ''} in ${cache.dir} (get bars with scalp-tui data fetch SYMBOL --from DATE --to DATE)\n`,
		);
		return 0;
	}
	const rows = [['symbol', 'timeframe', 'feed', 'adjustment', 'covered', 'bars', 'size', 'holes']];
	for (const i of infos) {
		rows.push([
			i.key.symbol,
			i.key.timeframe,
			i.key.feed,
			i.key.adjustment,
			formatRanges(i.covered) || '(none complete)',
			i.bars.toLocaleString('en-US'),
			`${(i.bytes / 1e6).toFixed(2)} MB`,
			describeHoles(i.holes, i.key.timeframe),
		]);
	}
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)));
	io.stdout.write(
		`${rows
			.map(r =>
				r
					.map((cell, c) => (c === rows[0]!.length - 1 ? cell : cell.padEnd(widths[c]!)))
					.join('  ')
					.trimEnd(),
			)
			.join('\n')}\ncache ${cache.dir}\n`,
	);
	return 0;
}

function runRm(args: readonly string[], flags: DataCommandFlags, io: TextIo): number {
	if (dateRange(flags)) throw new UsageError('data rm deletes whole series: --from/--to/--date do not apply');
	const symbols = parseSymbols(args);
	if (symbols.length === 0) throw new UsageError('data rm needs the symbols to delete, e.g. scalp-tui data rm AAPL [--feed sip]');
	const cache = cacheDir(flags);
	const keys = matching(cache.dir, symbols, flags);
	if (keys.length === 0) {
		io.stdout.write(`nothing cached for ${symbols.join(', ')} in ${cache.dir}\n`);
		return 0;
	}
	let bytes = 0;
	const lock = lockCache(cache.dir, 'rm');
	try {
		for (const key of keys) {
			bytes += removeSeries(cache.dir, key);
			io.stdout.write(`removed ${describeKey(key)}\n`);
		}
	} finally {
		lock.release();
	}
	io.stdout.write(`freed ${(bytes / 1e6).toFixed(2)} MB in ${cache.dir}\n`);
	return 0;
}

/**
 * One writer per cache: two fetches into one cache would race on the same manifests (each
 * file write is atomic, but a manifest update is read-modify-write). Readers need no lock.
 */
function lockCache(dir: string, what: string): PidLock {
	return acquirePidLock(
		join(dir, '.lock'),
		{command: `data ${what}`},
		{
			busy: pid => new UsageError(`the bar cache ${dir} is being written by another scalp-tui data command (pid ${pid}): wait for it to finish`),
			failed: code => new UsageError(`cannot lock the bar cache ${dir}: ${code}`),
		},
		{makeDir: true},
	);
}
