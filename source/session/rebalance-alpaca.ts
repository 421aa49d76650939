/**
 * The Alpaca implementation of the rebalancer's venue (strategies/rebalance/venue.ts) for
 * `scalp-tui rebalance --mode paper|live`, over the Alpaca adapter: orders and the account go
 * through AlpacaBroker (trade-updates stream + REST), the clock is GET /v2/clock, daily bars are
 * GET /v2/stocks/bars?timeframe=1Day in batches of symbols. Same semantics as the simulated venue
 * (backtest/rebalance/sim-venue.ts): `dailyBars` returns completed bars only (New York dates
 * before the broker's today), oldest first, at most `lookbackDays` per symbol.
 *
 * `createAlpacaRebalanceVenue(mode)` resolves the keys (environment or .env), checks them with
 * GET /v2/account and connects the trade-updates stream before resolving. Every start-up problem
 * (missing or rejected keys, unreachable endpoint, unconfirmed live) is a UsageError with one
 * line that never contains the secret: the CLI prints it and exits 2. Live confirmation is the
 * CLI's job before calling this (the default `liveConfirmed` is therefore true for live).
 *
 * Daily history comes from the consolidated feed (SIP) by default: only past sessions are asked
 * for, which Alpaca's free plan allows (it refuses only the last 15 minutes of SIP). If the
 * account is refused SIP anyway (403), the venue says so once and uses IEX from then on.
 */
import {DAY_MS, nyDate} from '../core/time.js';
import type {Mode} from '../core/types.js';
import {UsageError} from '../core/errors.js';
import {AlpacaCheckError, createAlpaca, redact, type AlpacaAdapter, type CreateAlpacaOptions} from '../adapters/alpaca/index.js';
import type {AlpacaLog} from '../adapters/alpaca/client.js';
import {ConfigError, resolveAlpacaConfig, type Feed} from '../adapters/alpaca/config.js';
import {describeError, type MarketClock} from '../adapters/alpaca/mapping.js';
import {errorStatus} from '../adapters/alpaca/rate-limit.js';
import type {DailyBar} from '../core/daily-bars.js';
import type {MarketClockState, RebalanceVenue} from '../strategies/rebalance/venue.js';

export interface AlpacaRebalanceVenueOptions {
	/** Environment with the keys and endpoint overrides (default process.env, with `.env` under it). */
	readonly env?: NodeJS.ProcessEnv;
	/** `.env` file to read (default `.env` in the working directory); false: none. */
	readonly envFile?: string | false;
	/** The operator confirmed live trading (default: true for live, the CLI asked before). */
	readonly liveConfirmed?: boolean;
	/** The adapter's log lines (already redacted). Default: warnings and errors on stderr. */
	readonly log?: AlpacaLog;
	/** Feed of the daily history (default sip, falling back to iex when refused). */
	readonly feed?: Feed;
	/** Symbols per daily-bars request (default 100). */
	readonly batchSize?: number;
	/** More adapter settings (tests: page size, timeouts, rate limit, fetch). */
	readonly adapter?: Omit<CreateAlpacaOptions, 'log'>;
}

export interface AlpacaRebalanceVenue extends RebalanceVenue {
	readonly mode: 'paper' | 'live';
	/** The adapter underneath (status line, tests). */
	readonly adapter: AlpacaAdapter;
	/** Stop the streams and the rate limiter; safe to call twice. */
	close(): Promise<void>;
}

/** Start of an unbounded lookback (Alpaca's stock history begins in 2016; earlier costs nothing). */
const UNBOUNDED_START = '2000-01-01';

/**
 * Calendar days that hold at least `tradingDays` sessions: 252 sessions a year is 1.45 calendar
 * days per session, plus two weeks for holiday clusters.
 */
export function calendarDaysFor(tradingDays: number): number {
	return Math.ceil(tradingDays * 1.5) + 14;
}

/** First date (YYYY-MM-DD) to ask daily bars from so that `tradingDays` sessions before `date` are covered. */
export function historyStart(date: string, tradingDays: number): string {
	if (!Number.isFinite(tradingDays)) return UNBOUNDED_START;
	return new Date(Date.parse(`${date}T12:00:00Z`) - calendarDaysFor(tradingDays) * DAY_MS).toISOString().slice(0, 10);
}

export function marketClockState(clock: MarketClock): MarketClockState {
	if (![clock.ms, clock.nextOpenMs, clock.nextCloseMs].every(Number.isFinite)) throw new Error('the Alpaca market clock answered without valid times');
	return {isOpen: clock.isOpen, timestamp: clock.ms, nextOpen: clock.nextOpenMs, nextClose: clock.nextCloseMs};
}

function stderrLog(level: 'info' | 'warn' | 'error', message: string): void {
	if (level === 'info') return;
	process.stderr.write(`scalp-tui rebalance: alpaca ${level}: ${message}\n`);
}

export async function createAlpacaRebalanceVenue(mode: Mode, options: AlpacaRebalanceVenueOptions = {}): Promise<AlpacaRebalanceVenue> {
	if (mode !== 'paper' && mode !== 'live') throw new UsageError(`the Alpaca rebalance venue trades paper or live, not ${String(mode)}`);
	let adapter: AlpacaAdapter;
	let secrets: string[];
	try {
		const config = resolveAlpacaConfig({
			mode,
			liveConfirmed: options.liveConfirmed ?? mode === 'live',
			...(options.env ? {env: options.env} : {}),
			...(options.envFile === undefined ? {} : {envFile: options.envFile}),
		});
		secrets = [config.secret, config.keyId];
		adapter = createAlpaca(config, {...options.adapter, log: options.log ?? stderrLog});
	} catch (error) {
		// ConfigError messages are one line and never carry the secret (config.ts).
		if (error instanceof ConfigError) throw new UsageError(error.message);
		throw error;
	}
	try {
		await adapter.checkCredentials();
	} catch (error) {
		await adapter.close();
		if (error instanceof AlpacaCheckError) throw new UsageError(error.message);
		throw new UsageError(`Alpaca account check failed: ${redact(describeError(error), secrets)}`);
	}
	try {
		await adapter.broker.start();
	} catch (error) {
		await adapter.close();
		throw new UsageError(`could not start ${mode} trading: ${redact(describeError(error), secrets)}`);
	}
	return venueOver(adapter, mode, options, secrets);
}

function venueOver(adapter: AlpacaAdapter, mode: 'paper' | 'live', options: AlpacaRebalanceVenueOptions, secrets: readonly string[]): AlpacaRebalanceVenue {
	const log = options.log ?? stderrLog;
	let feed: Feed = options.feed ?? 'sip';
	let closing: Promise<void> | null = null;

	const fetchBars = async (symbols: readonly string[], start: string, end: string): Promise<Map<string, DailyBar[]>> => {
		const batch = options.batchSize === undefined ? {} : {batchSize: options.batchSize};
		try {
			return await adapter.rest.dailyBars(symbols, start, end, {feed, ...batch});
		} catch (error) {
			if (feed !== 'sip' || options.feed !== undefined || errorStatus(error) !== 403) throw error;
			log('warn', `SIP daily bars refused (${redact(describeError(error), secrets)}): using the IEX feed for the daily history`);
			feed = 'iex';
			return adapter.rest.dailyBars(symbols, start, end, {feed, ...batch});
		}
	};

	return {
		mode,
		adapter,
		broker: adapter.broker,
		async clock(): Promise<MarketClockState> {
			return marketClockState(await adapter.rest.clock());
		},
		async dailyBars(symbols: readonly string[], lookbackDays: number): Promise<Map<string, DailyBar[]>> {
			const keep = Number.isFinite(lookbackDays) ? Math.max(0, Math.floor(lookbackDays)) : Number.POSITIVE_INFINITY;
			if (symbols.length === 0 || keep === 0) return new Map();
			// The broker's today, not the wall's: completed sessions are the ones before it.
			const today = nyDate(marketClockState(await adapter.rest.clock()).timestamp);
			const start = historyStart(today, keep);
			if (start >= today) return new Map();
			const bars = await fetchBars(symbols, start, today);
			const out = new Map<string, DailyBar[]>();
			for (const [symbol, list] of bars) {
				const completed = list.filter(bar => bar.date < today);
				const recent = completed.length > keep ? completed.slice(completed.length - keep) : completed;
				if (recent.length > 0) out.set(symbol, recent);
			}
			return out;
		},
		close(): Promise<void> {
			closing ??= adapter.close();
			return closing;
		},
	};
}
