/**
 * The SDK, constructed and pointed where the config says.
 * - REST: SDK v4 has no base-URL option, so every request goes through our `fetchApi`, which
 *   swaps the SDK's built-in origin for the configured one (trading hosts -> APCA_API_BASE_URL,
 *   the data host -> APCA_API_DATA_URL). Any other origin is refused, so the key headers never
 *   go anywhere unexpected. The SDK's own retries and rate limiter are off: rate-limit.ts does
 *   both, shared by every call.
 * - Streams: the SDK's socket clients with explicit `url`s, reconnecting forever with backoff
 *   (stream-lifecycle.ts follows each one's life).
 */
import {Alpaca, type streaming} from '@alpacahq/alpaca-trade-api';
import type {AlpacaConfig, Feed} from './config.js';

/** The adapter's log: one line per call, never a secret (index.ts redacts as a last guard). */
export type AlpacaLog = (level: 'info' | 'warn' | 'error', message: string) => void;

/** The SDK's built-in hosts (trading paper/live, market data, market-data sandbox). */
const TRADING_HOSTS = new Set(['https://paper-api.alpaca.markets', 'https://api.alpaca.markets']);
const DATA_HOSTS = new Set(['https://data.alpaca.markets', 'https://data.sandbox.alpaca.markets']);

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
	/** Per-request timeout of the SDK (ms). A timed-out order POST is reconciled, never resent blindly. */
	readonly timeoutMs?: number;
	/** The fetch to use underneath (tests). */
	readonly fetch?: FetchLike;
}

/** Map an SDK URL onto the configured endpoints; throws for an origin we do not know. */
export function rewriteUrl(url: string, config: Pick<AlpacaConfig, 'baseUrl' | 'dataUrl'>): string {
	const parsed = new URL(url);
	const target = TRADING_HOSTS.has(parsed.origin) ? config.baseUrl : DATA_HOSTS.has(parsed.origin) ? config.dataUrl : null;
	if (target === null) throw new Error(`refusing a request to an unexpected host: ${parsed.origin}`);
	return `${target}${parsed.pathname}${parsed.search}`;
}

export function createSdkClient(config: AlpacaConfig, options: ClientOptions = {}): Alpaca {
	const underlying: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
	return new Alpaca({
		keyId: config.keyId,
		secret: config.secret,
		paper: config.mode === 'paper',
		retry: false,
		rateLimit: false,
		timeoutMs: options.timeoutMs ?? 15_000,
		fetchApi: (url, init) => underlying(rewriteUrl(url, config), init),
	});
}

// --- streams -------------------------------------------------------------------------------

export interface StreamOptions {
	/** First reconnect delay (doubles up to `reconnectMaxMs`, +-20% jitter). Default 1000. */
	readonly reconnectInitialMs?: number;
	readonly reconnectMaxMs?: number;
	/** Keepalive ping interval; 0 disables. Default 10 s (the SDK's). */
	readonly pingIntervalMs?: number;
	/** A socket whose pong is this late is treated as dead and replaced. Default 5 s (the SDK's). */
	readonly pongWaitMs?: number;
}

function socketOptions(options: StreamOptions): {
	maxReconnectAttempts: number;
	initialReconnectMs: number;
	maxReconnectMs: number;
	pingIntervalMs: number;
	pongWaitMs: number;
} {
	return {
		maxReconnectAttempts: -1, // UNLIMITED_RECONNECT_ATTEMPTS: a trading console keeps trying
		initialReconnectMs: options.reconnectInitialMs ?? 1000,
		maxReconnectMs: options.reconnectMaxMs ?? 30_000,
		pingIntervalMs: options.pingIntervalMs ?? 10_000,
		pongWaitMs: options.pongWaitMs ?? 5_000,
	};
}

export function createTradingStream(sdk: Alpaca, config: AlpacaConfig, options: StreamOptions = {}): streaming.TradingStream {
	return sdk.trading.stream({url: config.streamUrl, ...socketOptions(options)});
}

export function createStockStream(sdk: Alpaca, config: AlpacaConfig, feed: Feed, options: StreamOptions = {}): streaming.StockDataStream {
	return sdk.marketData.stockStream({feed, url: config.dataStreamUrl(feed), ...socketOptions(options)});
}
