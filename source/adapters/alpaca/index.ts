/**
 * The Alpaca adapter, wired: `createAlpaca(config, {log})` builds the SDK client (pointed at
 * the configured endpoints), one shared rate limiter, the REST calls, the broker over the
 * trade-updates stream and the market data over the market-data stream. Nothing connects
 * until `broker.start()` / `marketData.start()`; `checkCredentials()` is the start-up check.
 * Every log line passes a redaction of the secret (and of the full key id) as a last guard.
 */
import {describeError, type AccountInfo} from './mapping.js';
import {AlpacaBroker, type AlpacaBrokerOptions} from './broker.js';
import {createSdkClient, createStockStream, createTradingStream, type AlpacaLog, type FetchLike, type StreamOptions} from './client.js';
import {ConfigError, type AlpacaConfig, type Feed} from './config.js';
import {DataStream, type WatchdogOptions} from './data-stream.js';
import {AlpacaMarketData} from './market-data.js';
import {RateLimiter, errorStatus, type RateLimiterOptions} from './rate-limit.js';
import {AlpacaRest, MarketHours} from './rest.js';
import {TradeStream} from './trade-stream.js';

export {AlpacaBroker} from './broker.js';
export {AlpacaMarketData} from './market-data.js';
export {AlpacaRest, MarketHours} from './rest.js';
export {AlpacaConfig, ConfigError, resolveAlpacaConfig} from './config.js';
export type {AlpacaLog} from './client.js';
export type {AccountInfo, CalendarDay, MarketClock} from './mapping.js';

export interface CreateAlpacaOptions {
	readonly log: AlpacaLog;
	/** Market-data feed (default: the config's, iex unless --feed sip). */
	readonly feed?: Feed;
	/** SDK per-request timeout, ms (default 15 s). */
	readonly timeoutMs?: number;
	readonly rateLimit?: Omit<RateLimiterOptions, 'onBackoff'>;
	readonly streams?: StreamOptions;
	/** Silent-socket watchdog; `marketOpen` defaults to the market clock (GET /v2/clock). */
	readonly watchdog?: WatchdogOptions;
	readonly broker?: Omit<AlpacaBrokerOptions, 'rest' | 'stream' | 'log'>;
	/** Bars per REST page (default 10000). */
	readonly barsPageLimit?: number;
	/** Give up waiting for a stream's first subscription/authentication after this long. */
	readonly startTimeoutMs?: number;
	/** The fetch under the SDK (tests). */
	readonly fetch?: FetchLike;
}

export interface AlpacaAdapter {
	readonly config: AlpacaConfig;
	readonly broker: AlpacaBroker;
	readonly marketData: AlpacaMarketData;
	readonly rest: AlpacaRest;
	readonly limiter: RateLimiter;
	readonly hours: MarketHours;
	/** GET /v2/account; a refusal becomes one clear line (AlpacaCheckError). */
	checkCredentials(): Promise<AccountInfo>;
	/** Stop both streams and every pending back-off. */
	close(): Promise<void>;
}

/** The start-up check failed: `message` is one line, safe to print (no secret). */
export class AlpacaCheckError extends Error {
	override name = 'AlpacaCheckError';
	constructor(
		message: string,
		readonly kind: 'keys' | 'unreachable' | 'other',
		readonly status: number | null,
	) {
		super(message);
	}
}

export function createAlpaca(config: AlpacaConfig, options: CreateAlpacaOptions): AlpacaAdapter {
	if (config.mode === 'live' && !config.liveConfirmed) {
		throw new ConfigError('--mode live trades real money and needs confirmation: answer the prompt, or pass --yes-live when there is no terminal');
	}
	const log = redactingLog(options.log, [config.secret, config.keyId]);
	const feed = options.feed ?? config.feed;
	const sdk = createSdkClient(config, {
		...(options.timeoutMs === undefined ? {} : {timeoutMs: options.timeoutMs}),
		...(options.fetch ? {fetch: options.fetch} : {}),
	});
	const limiter = new RateLimiter({
		...options.rateLimit,
		onBackoff: info =>
			log(
				'warn',
				`${info.label}: ${info.status === 429 ? 'rate limited (429)' : info.status ? `server error ${info.status}` : 'network error'}, retrying in ${(info.delayMs / 1000).toFixed(1)} s (retry ${info.attempt} of ${info.maxRetries})`,
			),
	});
	const rest = new AlpacaRest(sdk, limiter, {
		feed,
		...(options.barsPageLimit === undefined ? {} : {barsPageLimit: options.barsPageLimit}),
		onDropped: reason => log('warn', `REST bar dropped: ${reason}`),
	});
	const hours = new MarketHours(rest, options.watchdog?.now);
	const startTimeout = options.startTimeoutMs === undefined ? {} : {startTimeoutMs: options.startTimeoutMs};

	const tradeStream = new TradeStream(createTradingStream(sdk, config, options.streams), {
		log,
		url: config.streamUrl,
		...startTimeout,
		// The data watchdog's patience also bounds a trade-updates handshake that never completes.
		...(options.watchdog?.silenceMs === undefined ? {} : {stuckMs: options.watchdog.silenceMs}),
		...(options.watchdog?.checkEveryMs === undefined ? {} : {checkEveryMs: options.watchdog.checkEveryMs}),
		...(options.watchdog?.now === undefined ? {} : {now: options.watchdog.now}),
	});
	const broker = new AlpacaBroker({...options.broker, rest, stream: tradeStream, log});

	const dataUrl = config.dataStreamUrl(feed);
	const marketData = new AlpacaMarketData({
		rest,
		log,
		openStream: handlers =>
			new DataStream(createStockStream(sdk, config, feed, options.streams), handlers, {
				log,
				url: dataUrl,
				watchdog: {marketOpen: () => hours.isOpen(), ...options.watchdog},
				...startTimeout,
			}),
	});

	return {
		config,
		broker,
		marketData,
		rest,
		limiter,
		hours,
		checkCredentials: () => checkCredentials(rest, config),
		close: async () => {
			broker.close();
			await marketData.stop();
			limiter.close();
		},
	};
}

/**
 * Verify the keys with GET /v2/account. 401/403 become "Alpaca rejected the API keys (401
 * unauthorized) for <url> — check APCA_API_KEY_ID / APCA_API_SECRET_KEY".
 */
export async function checkCredentials(rest: Pick<AlpacaRest, 'account'>, config: Pick<AlpacaConfig, 'baseUrl' | 'secret' | 'keyId'>): Promise<AccountInfo> {
	try {
		const account = await rest.account();
		if (account.accountBlocked || account.tradingBlocked) {
			throw new AlpacaCheckError(
				`the Alpaca account at ${config.baseUrl} is ${account.accountBlocked ? 'blocked' : 'blocked from trading'} (status ${account.status})`,
				'other',
				null,
			);
		}
		return account;
	} catch (error) {
		if (error instanceof AlpacaCheckError) throw error;
		const status = errorStatus(error);
		const what = redact(describeError(error).replace(/\.$/, ''), [config.secret, config.keyId]);
		if (status === 401 || status === 403) {
			throw new AlpacaCheckError(`Alpaca rejected the API keys (${what}) for ${config.baseUrl} — check APCA_API_KEY_ID / APCA_API_SECRET_KEY`, 'keys', status);
		}
		if (status === null) throw new AlpacaCheckError(`cannot reach Alpaca at ${config.baseUrl}: ${what}`, 'unreachable', null);
		throw new AlpacaCheckError(`Alpaca answered the account check with ${what} (${config.baseUrl})`, 'other', status);
	}
}

/** Replace every occurrence of the given secrets (at least 4 characters long) with "***". */
export function redact(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('***');
	return out;
}

function redactingLog(log: AlpacaLog, secrets: readonly string[]): AlpacaLog {
	return (level, message) => log(level, redact(message, secrets));
}
