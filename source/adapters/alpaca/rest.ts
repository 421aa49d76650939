/**
 * The REST calls the adapter makes, each one HTTP request under the shared token bucket
 * (pagination is done here, a page per request, so every page pays its token). Reads retry
 * on 429/5xx/network errors; the order POST is retried only on 429 (refused before anything
 * happened) and otherwise left to the broker's reconciliation. Nothing here is on a hot path.
 */
import type {Alpaca, trading} from '@alpacahq/alpaca-trade-api';
import {nyMidnight} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import type {DailyBar} from '../../core/daily-bars.js';
import type {Feed} from './config.js';
import {
	accountFromAlpaca,
	barFromRest,
	calendarDayFromAlpaca,
	clockFromAlpaca,
	dailyBarFromRest,
	type AccountInfo,
	type AlpacaOrderInput,
	type CalendarDay,
	type MarketClock,
} from './mapping.js';
import {errorStatus, retryIdempotent, retryOnRateLimit, type RateLimiter} from './rate-limit.js';

export interface AlpacaRestOptions {
	readonly feed: Feed;
	/** Bars per page (1..10000). */
	readonly barsPageLimit?: number;
	/** Told about bars dropped for bad numbers. */
	readonly onDropped?: (reason: string) => void;
}

/** Options of `AlpacaRest.dailyBars`. */
export interface DailyBarsOptions {
	/** Default: the adapter's feed. */
	readonly feed?: Feed;
	/** Symbols per request (default 100). */
	readonly batchSize?: number;
	/** Corporate-action adjustment (default `split`: a split never looks like a crash). */
	readonly adjustment?: 'raw' | 'split' | 'dividend' | 'all';
}

/** Symbols per GET /v2/stocks/bars request of `dailyBars`. */
export const DAILY_BARS_BATCH = 100;

/** Orders per GET /v2/orders page (Alpaca's maximum). */
const ORDERS_LIMIT = 500;

export class AlpacaRest {
	constructor(
		private readonly sdk: Alpaca,
		readonly limiter: RateLimiter,
		private readonly options: AlpacaRestOptions,
	) {}

	async account(): Promise<AccountInfo> {
		return accountFromAlpaca(await this.read('GET /v2/account', () => this.sdk.trading.account.getAccount()));
	}

	async clock(): Promise<MarketClock> {
		return clockFromAlpaca(await this.read('GET /v2/clock', () => this.sdk.trading.clock.legacyClock()));
	}

	/**
	 * Trading days from `startDate` to `endDate` (YYYY-MM-DD, inclusive). The SDK sends full
	 * datetimes, not dates; noon UTC lies on the same New York date.
	 */
	async calendar(startDate: string, endDate: string): Promise<CalendarDay[]> {
		const start = new Date(`${startDate}T12:00:00Z`);
		const end = new Date(`${endDate}T12:00:00Z`);
		if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new RangeError(`bad calendar range ${startDate}..${endDate}`);
		const days = await this.read('GET /v2/calendar', () => this.sdk.trading.calendar.legacyCalendar({start, end}));
		return days.map(calendarDayFromAlpaca);
	}

	/** POST /v2/orders through the SDK builders (amounts already strings). Retried only on 429. */
	submitOrder(order: AlpacaOrderInput): Promise<trading.Order> {
		const orders = this.sdk.trading.orders;
		return this.limiter.run('POST /v2/orders', () => (order.type === 'limit' ? orders.limit(order.input) : orders.market(order.input)), retryOnRateLimit);
	}

	/** The order with this client order id, or null on 404 (which does not prove it was never placed). */
	orderByClientId(clientOrderId: string): Promise<trading.Order | null> {
		return this.orNull(this.read('GET /v2/orders:by_client_order_id', () => this.sdk.trading.orders.getOrderByClientOrderId({clientOrderId})));
	}

	orderById(orderId: string): Promise<trading.Order | null> {
		return this.orNull(this.read('GET /v2/orders/{id}', () => this.sdk.trading.orders.getOrderByOrderID({orderId})));
	}

	/** Every open order, oldest first (pages of 500 by submission time). */
	async openOrders(): Promise<trading.Order[]> {
		const all: trading.Order[] = [];
		const seen = new Set<string>();
		let after: string | undefined;
		for (;;) {
			const page = await this.read('GET /v2/orders', () =>
				this.sdk.trading.orders.getAllOrders({status: 'open', limit: ORDERS_LIMIT, direction: 'asc', nested: false, ...(after ? {after} : {})}),
			);
			let added = 0;
			for (const order of page) {
				if (order.id && seen.has(order.id)) continue;
				if (order.id) seen.add(order.id);
				all.push(order);
				added += 1;
			}
			if (page.length < ORDERS_LIMIT || added === 0) return all;
			const last = page[page.length - 1]?.submittedAt ?? page[page.length - 1]?.createdAt;
			if (!(last instanceof Date)) return all;
			// `after` is exclusive; step back 1 ms so orders sharing the last instant are not skipped (dedup above).
			after = new Date(last.getTime() - 1).toISOString();
		}
	}

	/** DELETE /v2/orders/{id}: 204 means "cancel requested"; the `canceled` event confirms it. */
	cancelOrder(orderId: string): Promise<void> {
		// The Raw call with its (empty) body read: the plain call leaves the 204 response unread,
		// and its request deadline timer then keeps the process alive ~30 s after a quit.
		return this.limiter.run(
			'DELETE /v2/orders/{id}',
			async () => {
				await (await this.sdk.trading.orders.deleteOrderByOrderIDRaw({orderId})).value();
			},
			retryIdempotent,
		);
	}

	positions(): Promise<trading.Position[]> {
		return this.read('GET /v2/positions', () => this.sdk.trading.positions.getAllOpenPositions());
	}

	/**
	 * One-minute bars of `symbol` starting in [sinceMs, untilMs) (untilMs null: up to now),
	 * following `next_page_token` a page per request. Bars with bad numbers are dropped.
	 */
	async bars(symbol: string, sinceMs: number, untilMs: number | null, feed: Feed = this.options.feed): Promise<Bar[]> {
		const out: Bar[] = [];
		const tokens = new Set<string>();
		let pageToken: string | undefined;
		for (;;) {
			const request = {
				symbols: symbol,
				timeframe: '1Min',
				start: new Date(sinceMs),
				...(untilMs === null ? {} : {end: new Date(untilMs - 1)}),
				limit: this.options.barsPageLimit ?? 10_000,
				feed,
				adjustment: 'raw',
				sort: 'asc' as const,
				...(pageToken ? {pageToken} : {}),
			};
			const page = await this.read('GET /v2/stocks/bars', () => this.sdk.marketData.stocks.stockBars(request));
			for (const raw of page.bars?.[symbol] ?? []) {
				const mapped = barFromRest(symbol, raw as unknown as {t: unknown; o: unknown; h: unknown; l: unknown; c: unknown; v: unknown});
				if (!mapped.ok) {
					this.options.onDropped?.(mapped.reason);
					continue;
				}
				const bar = mapped.value;
				if (bar.start >= sinceMs && (untilMs === null || bar.start < untilMs)) out.push(bar);
			}
			const next = page.nextPageToken;
			if (!next || tokens.has(next)) break;
			tokens.add(next);
			pageToken = next;
		}
		out.sort((a, b) => a.start - b.start);
		return out.filter((bar, i) => i === 0 || bar.start !== out[i - 1]!.start);
	}

	/**
	 * Daily bars (timeframe 1Day) of many symbols on the New York dates [startDate, endDate)
	 * (YYYY-MM-DD; endDate null: up to now, today's bar in progress included), oldest first per
	 * symbol. `batchSize` symbols go in one request (GET /v2/stocks/bars?symbols=A,B,...), each
	 * batch following `next_page_token` a page per request (`limit` counts bars across the
	 * symbols of a page), so 500 symbols x 200 days is about 15 requests. Symbols without bars
	 * are absent; bars with bad numbers are dropped (and told to `onDropped`).
	 */
	async dailyBars(symbols: readonly string[], startDate: string, endDate: string | null, options: DailyBarsOptions = {}): Promise<Map<string, DailyBar[]>> {
		const batchSize = options.batchSize ?? DAILY_BARS_BATCH;
		if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`daily bars batch size must be a whole number >= 1, got ${batchSize}`);
		const startMs = nyMidnight(startDate);
		const endMs = endDate === null ? null : nyMidnight(endDate);
		if (endMs !== null && endMs <= startMs) return new Map();
		const feed = options.feed ?? this.options.feed;
		const unique = [...new Set(symbols)];
		const bySymbol = new Map<string, Map<string, DailyBar>>();
		for (let i = 0; i < unique.length; i += batchSize) {
			const batch = unique.slice(i, i + batchSize);
			const tokens = new Set<string>();
			let pageToken: string | undefined;
			for (;;) {
				const request = {
					symbols: batch.join(','),
					timeframe: '1Day',
					start: new Date(startMs),
					// `end` is inclusive and a daily bar starts at New York midnight: stop a second before endDate's.
					...(endMs === null ? {} : {end: new Date(endMs - 1000)}),
					limit: this.options.barsPageLimit ?? 10_000,
					feed,
					adjustment: options.adjustment ?? 'split',
					sort: 'asc' as const,
					...(pageToken ? {pageToken} : {}),
				};
				const page = await this.read('GET /v2/stocks/bars', () => this.sdk.marketData.stocks.stockBars(request));
				for (const [symbol, list] of Object.entries(page.bars ?? {})) {
					for (const raw of list ?? []) {
						const mapped = dailyBarFromRest(symbol, raw as unknown as {t: unknown; o: unknown; h: unknown; l: unknown; c: unknown; v: unknown});
						if (!mapped.ok) {
							this.options.onDropped?.(mapped.reason);
							continue;
						}
						const bar = mapped.value;
						if (bar.date < startDate || (endDate !== null && bar.date >= endDate)) continue;
						let days = bySymbol.get(symbol);
						if (!days) {
							days = new Map();
							bySymbol.set(symbol, days);
						}
						// A bar repeated across pages counts once (the first one wins).
						if (!days.has(bar.date)) days.set(bar.date, bar);
					}
				}
				const next = page.nextPageToken;
				if (!next || tokens.has(next)) break;
				tokens.add(next);
				pageToken = next;
			}
		}
		const out = new Map<string, DailyBar[]>();
		for (const [symbol, days] of bySymbol)
			out.set(
				symbol,
				[...days.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
			);
		return out;
	}

	private read<T>(label: string, call: () => Promise<T>): Promise<T> {
		return this.limiter.run(label, call, retryIdempotent);
	}

	private async orNull<T>(promise: Promise<T>): Promise<T | null> {
		try {
			return await promise;
		} catch (error) {
			if (errorStatus(error) === 404) return null;
			throw error;
		}
	}
}

/**
 * Whether the market is open now, from GET /v2/clock without polling: the answer is
 * extrapolated from the last reading (server time + wall time elapsed) and the clock is read
 * again only after `next_open` / `next_close` has passed (at most once a minute).
 */
export class MarketHours {
	private reading: {clock: MarketClock; at: number} | null = null;
	private refreshing: Promise<void> | null = null;
	private lastAttempt = -Infinity;

	constructor(
		private readonly rest: Pick<AlpacaRest, 'clock'>,
		private readonly now: () => number = Date.now,
	) {}

	async refresh(): Promise<MarketClock> {
		this.lastAttempt = this.now();
		const clock = await this.rest.clock();
		this.reading = {clock, at: this.now()};
		return clock;
	}

	/** Open now? Unknown (never read) counts as open, so a silent socket is not ignored. */
	isOpen(): boolean {
		const reading = this.reading;
		if (!reading) {
			this.refreshSoon();
			return true;
		}
		const {clock, at} = reading;
		const serverNow = clock.ms + (this.now() - at);
		const boundary = clock.isOpen ? clock.nextCloseMs : clock.nextOpenMs;
		if (serverNow < boundary) return clock.isOpen;
		this.refreshSoon();
		return clock.isOpen ? false : serverNow < clock.nextCloseMs;
	}

	private refreshSoon(): void {
		if (this.refreshing || this.now() - this.lastAttempt < 60_000) return;
		this.refreshing = this.refresh()
			.then(
				() => undefined,
				() => undefined,
			)
			.finally(() => {
				this.refreshing = null;
			});
	}
}
