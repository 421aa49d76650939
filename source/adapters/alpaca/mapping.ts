/**
 * Alpaca's JSON / SDK objects <-> core types. Money arrives as decimal strings on trading
 * objects ("187.25") and as JS numbers on market data; both become exact integer
 * micro-dollars here, and nothing downstream sees a float price. Prices we send are
 * conformed to Alpaca's increments and written as strings we build from integers (the SDK would send `String(0.1 + 0.2)`).
 */
import type {orders as sdkOrders, streaming, trading} from '@alpacahq/alpaca-trade-api';
import {
	absMicros,
	CENT,
	decimalProductMicros,
	decimalToMicros,
	dollarsToMicros,
	formatMicros,
	INVALID_MICROS,
	MICROS,
	type Micros,
	micros,
	mulQty,
	roundMicros,
	roundHalfUpTo,
	ZERO_MICROS,
} from '../../core/money.js';
import {nyDate, nyTime} from '../../core/time.js';
import type {DailyBar} from '../../core/daily-bars.js';
import type {Bar, Order, OrderRequest, OrderStatus, Position, Quote, Side, TimeInForce, Trade} from '../../core/types.js';

// --- numbers -------------------------------------------------------------------------------

// The broker's decimal strings become micros in core/money.ts; re-exported for this adapter's users.
export {decimalProductMicros, decimalToMicros};

/** A share quantity from Alpaca's string ("10", "-5", "0.5"); NaN when not a number. */
export function parseQty(text: string | null | undefined): number {
	if (text === null || text === undefined) return Number.NaN;
	const s = String(text).trim();
	if (!/^-?\d+(\.\d+)?$/.test(s)) return Number.NaN;
	return Number(s);
}

/** A float dollar amount from the market-data API -> micros; NaN when not a finite number. */
export function numberToMicros(value: unknown): Micros {
	const n = typeof value === 'bigint' ? Number(value) : typeof value === 'number' ? value : Number.NaN;
	return Number.isFinite(n) ? dollarsToMicros(n) : INVALID_MICROS;
}

// --- prices we send ------------------------------------------------------------------------

export interface ConformedPrice {
	readonly price: Micros;
	/** Wire text: whole cents at or above $1, up to 4 decimals below. */
	readonly text: string;
	readonly changed: boolean;
}

const SUB_DOLLAR_TICK = micros(100); // $0.0001

/**
 * Alpaca accepts limit prices >= $1.00 in whole cents and < $1.00 with at most 4 decimals.
 * Round half up to the allowed increment (a sub-dollar price that rounds to $1.0000 is then
 * a whole-cent price, which is fine).
 */
export function conformLimitPrice(price: Micros): ConformedPrice {
	if (!Number.isSafeInteger(price) || price <= 0) throw new RangeError(`limit price must be a positive amount, got ${price}`);
	const tick = price >= MICROS ? CENT : SUB_DOLLAR_TICK;
	const rounded = roundHalfUpTo(price, tick);
	const text = formatMicros(rounded, 2);
	return {price: rounded, text, changed: rounded !== price};
}

/** What the SDK builders get: amounts as strings, our client order id, day/gtc/ioc. */
export type AlpacaOrderInput =
	| {readonly type: 'market'; readonly input: sdkOrders.MarketOrderInput}
	| {readonly type: 'limit'; readonly input: sdkOrders.LimitOrderInput};

export function toOrderInput(request: OrderRequest, limitText: string | null): AlpacaOrderInput {
	const common = {
		symbol: request.symbol,
		side: request.side,
		qty: String(request.qty),
		timeInForce: request.timeInForce,
		clientOrderId: request.clientOrderId,
	} as const;
	if (request.type === 'market') return {type: 'market', input: {...common}};
	if (limitText === null) throw new RangeError('a limit order needs a limit price');
	return {type: 'limit', input: {...common, limitPrice: limitText}};
}

// --- orders --------------------------------------------------------------------------------

/** Alpaca order status -> core status (open ones stay open, done ones map to their end). */
export function mapOrderStatus(status: string | undefined): OrderStatus {
	switch (status) {
		case 'new':
		case 'done_for_day':
		case 'stopped':
		case 'suspended':
		case 'pending_replace':
			return 'new';
		case 'accepted':
		case 'pending_new':
		case 'accepted_for_bidding':
		case 'held':
			return 'pending_new';
		case 'partially_filled':
			return 'partially_filled';
		case 'filled':
		case 'calculated':
			return 'filled';
		case 'pending_cancel':
			return 'pending_cancel';
		case 'canceled':
			return 'canceled';
		case 'expired':
			return 'expired';
		case 'rejected':
			return 'rejected';
		case 'replaced':
			return 'replaced';
		default:
			return 'new';
	}
}

function mapTimeInForce(tif: string | undefined): TimeInForce {
	if (tif === 'gtc') return 'gtc';
	if (tif === 'ioc' || tif === 'fok') return 'ioc';
	return 'day';
}

function mapSide(side: string | undefined): Side {
	return side === 'sell' ? 'sell' : 'buy';
}

/** The subset of the SDK's Order the adapter reads (camelCase, strings for amounts). */
export type AlpacaOrder = Pick<
	trading.Order,
	| 'id'
	| 'clientOrderId'
	| 'symbol'
	| 'side'
	| 'type'
	| 'qty'
	| 'limitPrice'
	| 'timeInForce'
	| 'status'
	| 'filledQty'
	| 'filledAvgPrice'
	| 'submittedAt'
	| 'createdAt'
>;

/**
 * Cumulative fill of an order snapshot: quantity and notional. The notional is the exact
 * product of the two decimal strings rounded once at the micro (187.2433333333 x 3 = 561.73),
 * not a product of an already rounded average.
 */
export function cumulativeFill(order: AlpacaOrder): {qty: number; notional: Micros; avg: Micros} {
	const qty = parseQty(order.filledQty ?? '0');
	if (!(qty > 0)) return {qty: 0, notional: ZERO_MICROS, avg: ZERO_MICROS};
	const avg = decimalToMicros(order.filledAvgPrice ?? null);
	if (!Number.isFinite(avg)) return {qty, notional: ZERO_MICROS, avg: ZERO_MICROS};
	const notional = decimalProductMicros(String(order.filledAvgPrice), String(order.filledQty));
	return {qty, notional: Number.isFinite(notional) ? notional : roundMicros(qty * avg), avg};
}

function dateMs(value: unknown): number {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'string') return Date.parse(value);
	return Number.NaN;
}

/** A core Order from an Alpaca order snapshot (filled notional from the average price). */
export function orderFromAlpaca(order: AlpacaOrder): Order {
	const limit = decimalToMicros(order.limitPrice ?? null);
	const type = order.type === 'market' || (order.type !== 'limit' && !Number.isFinite(limit)) ? 'market' : 'limit';
	const fill = cumulativeFill(order);
	const submitted = dateMs(order.submittedAt ?? order.createdAt);
	return {
		id: order.id ?? '',
		clientOrderId: order.clientOrderId ?? '',
		symbol: order.symbol ?? '',
		side: mapSide(order.side),
		type,
		qty: parseQty(order.qty ?? '0') || 0,
		limitPrice: type === 'limit' && Number.isFinite(limit) ? limit : null,
		timeInForce: mapTimeInForce(order.timeInForce),
		status: mapOrderStatus(order.status),
		filledQty: fill.qty,
		filledNotional: fill.notional,
		submittedMs: Number.isFinite(submitted) ? submitted : 0,
		submittedNs: 0,
	};
}

// --- account, positions, clock, calendar ---------------------------------------------------

export interface AccountInfo {
	readonly id: string;
	readonly status: string;
	readonly currency: string;
	readonly cash: Micros;
	readonly buyingPower: Micros;
	readonly equity: Micros;
	/** Equity at the previous trading day's close; null when the account does not say. */
	readonly lastEquity: Micros | null;
	readonly tradingBlocked: boolean;
	readonly accountBlocked: boolean;
}

/** Never reads the retired PDT fields (Alpaca retired them; they may be absent). */
export function accountFromAlpaca(
	account: Pick<trading.Account, 'id' | 'status' | 'currency' | 'cash' | 'buyingPower' | 'equity' | 'lastEquity' | 'tradingBlocked' | 'accountBlocked'>,
): AccountInfo {
	return {
		id: account.id,
		status: String(account.status ?? ''),
		currency: account.currency ?? 'USD',
		cash: decimalToMicros(account.cash ?? null),
		buyingPower: decimalToMicros(account.buyingPower ?? null),
		equity: decimalToMicros(account.equity ?? null),
		lastEquity: account.lastEquity ? decimalToMicros(account.lastEquity) : null,
		tradingBlocked: account.tradingBlocked === true,
		accountBlocked: account.accountBlocked === true,
	};
}

export function positionFromAlpaca(position: Pick<trading.Position, 'symbol' | 'qty' | 'side' | 'costBasis'>): Position {
	const qty = Math.abs(parseQty(position.qty));
	const sign = position.side === 'short' || position.qty.trim().startsWith('-') ? -1 : 1;
	const cost = absMicros(decimalToMicros(position.costBasis));
	return {symbol: position.symbol, qty: sign * qty, costBasis: mulQty(Number.isFinite(cost) ? cost : ZERO_MICROS, sign)};
}

export interface MarketClock {
	/** Server time of the answer. */
	readonly ms: number;
	readonly isOpen: boolean;
	readonly nextOpenMs: number;
	readonly nextCloseMs: number;
}

export function clockFromAlpaca(clock: Pick<trading.LegacyClock, 'timestamp' | 'isOpen' | 'nextOpen' | 'nextClose'>): MarketClock {
	return {ms: dateMs(clock.timestamp), isOpen: clock.isOpen === true, nextOpenMs: dateMs(clock.nextOpen), nextCloseMs: dateMs(clock.nextClose)};
}

export interface CalendarDay {
	/** New York trading date, YYYY-MM-DD. */
	readonly date: string;
	readonly openMs: number;
	readonly closeMs: number;
	/** Closes before 16:00 New York (e.g. 13:00 the day after Thanksgiving). */
	readonly earlyClose: boolean;
}

/**
 * The SDK parses `date` as UTC midnight: its UTC date is the trading date.
 * `open`/`close` are New York wall times ("09:30", "13:00").
 */
export function calendarDayFromAlpaca(day: Pick<trading.LegacyCalendarDay, 'date' | 'open' | 'close'>): CalendarDay {
	const date = day.date instanceof Date ? day.date.toISOString().slice(0, 10) : String(day.date).slice(0, 10);
	const [oh, om] = hhmm(day.open);
	const [ch, cm] = hhmm(day.close);
	return {date, openMs: nyTime(date, oh, om), closeMs: nyTime(date, ch, cm), earlyClose: ch * 60 + cm < 16 * 60};
}

function hhmm(text: string): [number, number] {
	const m = /^(\d{1,2}):?(\d{2})$/.exec(text.trim());
	if (!m) throw new RangeError(`bad calendar time: ${text}`);
	return [Number(m[1]), Number(m[2])];
}

// --- market data ---------------------------------------------------------------------------

/**
 * RFC 3339 text -> epoch ms plus the nanoseconds inside the ms, at full precision
 * ("2026-11-20T15:31:03.557793708Z" -> ns 793708). Falls back to a Date (ns 0).
 */
export function parseTimestamp(raw: string | undefined, fallback?: Date): {ms: number; ns: number} {
	// Fast path for the stream's own form, "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (hot: every quote).
	if (raw !== undefined && raw.length === 30 && raw.charCodeAt(19) === 46 && raw.charCodeAt(29) === 90) {
		const base = secondsMs(`${raw.slice(0, 19)}Z`);
		const ms = Number(raw.slice(20, 23));
		const ns = Number(raw.slice(23, 29));
		if (Number.isFinite(base) && Number.isInteger(ms) && Number.isInteger(ns)) return {ms: base + ms, ns};
	}
	if (raw) {
		const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(raw.trim());
		if (m) {
			const base = secondsMs(`${m[1]}${m[3]}`);
			const frac = (m[2] ?? '').padEnd(9, '0');
			if (Number.isFinite(base)) return {ms: base + Number(frac.slice(0, 3)), ns: Number(frac.slice(3))};
		}
		const parsed = Date.parse(raw);
		if (Number.isFinite(parsed)) return {ms: parsed, ns: 0};
	}
	const ms = fallback ? fallback.getTime() : Number.NaN;
	return {ms, ns: 0};
}

/** Date.parse of the whole-second part, remembered: a burst of quotes shares its second. */
let lastSecondText = '';
let lastSecondMs = Number.NaN;
function secondsMs(text: string): number {
	if (text !== lastSecondText) {
		lastSecondText = text;
		lastSecondMs = Date.parse(text);
	}
	return lastSecondMs;
}

const validPrice = (p: Micros): boolean => Number.isSafeInteger(p) && p > 0;
const validSize = (s: number): boolean => Number.isFinite(s) && s >= 0;

/** Result of a market-data mapping: the value, or why it was dropped (bad numbers never pass). */
export type Mapped<T> = {readonly ok: true; readonly value: T} | {readonly ok: false; readonly reason: string};

interface BarLike {
	readonly symbol?: string;
	readonly timestamp?: Date;
	readonly timestampRaw?: string;
	readonly open: number;
	readonly high: number;
	readonly low: number;
	readonly close: number;
	readonly volume: number;
}

export function barFromSdk(bar: BarLike, symbol = bar.symbol ?? ''): Mapped<Bar> {
	const {ms} = parseTimestamp(bar.timestampRaw, bar.timestamp);
	const open = numberToMicros(bar.open);
	const high = numberToMicros(bar.high);
	const low = numberToMicros(bar.low);
	const close = numberToMicros(bar.close);
	const volume = Number(bar.volume);
	if (typeof symbol !== 'string' || symbol === '') return {ok: false, reason: 'bar without a symbol'};
	if (!Number.isFinite(ms)) return {ok: false, reason: `${symbol} bar without a valid time`};
	if (![open, high, low, close].every(validPrice) || !validSize(volume)) return {ok: false, reason: `${symbol} bar with a bad price or volume`};
	return {ok: true, value: {symbol, start: ms, open, high, low, close, volume}};
}

/** A raw REST bar (`{t, o, h, l, c, v}`); `t` may be a string at runtime (the SDK leaves it unparsed in raw multi-symbol responses). */
export function barFromRest(symbol: string, raw: {t: unknown; o: unknown; h: unknown; l: unknown; c: unknown; v: unknown}): Mapped<Bar> {
	const t = raw.t instanceof Date ? raw.t.toISOString() : typeof raw.t === 'string' ? raw.t : undefined;
	return barFromSdk({symbol, timestampRaw: t, open: Number(raw.o), high: Number(raw.h), low: Number(raw.l), close: Number(raw.c), volume: Number(raw.v)});
}

/**
 * A raw REST daily bar (timeframe 1Day) -> the rebalancer's DailyBar: exact micro-dollar prices
 * and the New York trading date. Alpaca stamps a daily bar at New York midnight of its session
 * (`2019-03-08T05:00:00Z`, `2019-03-11T04:00:00Z` after the DST change), so the New York date of
 * `t` is the session's date.
 */
export function dailyBarFromRest(symbol: string, raw: {t: unknown; o: unknown; h: unknown; l: unknown; c: unknown; v: unknown}): Mapped<DailyBar> {
	const mapped = barFromRest(symbol, raw);
	if (!mapped.ok) return mapped;
	const {start, open, high, low, close, volume} = mapped.value;
	return {ok: true, value: {symbol, date: nyDate(start), open, high, low, close, volume}};
}

export function quoteFromSdk(
	quote: Pick<streaming.StreamQuote, 'symbol' | 'timestamp' | 'timestampRaw' | 'bidPrice' | 'bidSize' | 'askPrice' | 'askSize'>,
): Mapped<Quote> {
	if (typeof quote.symbol !== 'string' || quote.symbol === '') return {ok: false, reason: 'quote without a symbol'};
	const {ms, ns} = parseTimestamp(quote.timestampRaw, quote.timestamp);
	const bidPrice = numberToMicros(quote.bidPrice);
	const askPrice = numberToMicros(quote.askPrice);
	const bidSize = Number(quote.bidSize);
	const askSize = Number(quote.askSize);
	if (!Number.isFinite(ms)) return {ok: false, reason: `${quote.symbol} quote without a valid time`};
	// A one-sided book (price 0) is legal on Alpaca; negative or NaN is not.
	const okPrice = (p: Micros): boolean => Number.isSafeInteger(p) && p >= 0;
	if (!okPrice(bidPrice) || !okPrice(askPrice) || !validSize(bidSize) || !validSize(askSize) || (bidPrice === 0 && askPrice === 0)) {
		return {ok: false, reason: `${quote.symbol} quote with a bad price or size`};
	}
	return {ok: true, value: {symbol: quote.symbol, ms, ns, bidPrice, bidSize, askPrice, askSize}};
}

export function tradeFromSdk(trade: Pick<streaming.StreamTrade, 'symbol' | 'timestamp' | 'timestampRaw' | 'price' | 'size'>): Mapped<Trade> {
	if (typeof trade.symbol !== 'string' || trade.symbol === '') return {ok: false, reason: 'trade without a symbol'};
	const {ms, ns} = parseTimestamp(trade.timestampRaw, trade.timestamp);
	const price = numberToMicros(trade.price);
	const size = Number(trade.size);
	if (!Number.isFinite(ms)) return {ok: false, reason: `${trade.symbol} trade without a valid time`};
	if (!validPrice(price) || !(size > 0) || !Number.isFinite(size)) return {ok: false, reason: `${trade.symbol} trade with a bad price or size`};
	return {ok: true, value: {symbol: trade.symbol, ms, ns, price, size}};
}

// --- trade updates -------------------------------------------------------------------------

export interface UpdateFields {
	readonly event: string;
	readonly ms: number;
	readonly ns: number;
	readonly executionId: string | null;
	/** This execution only (fill / partial_fill). */
	readonly price: Micros | null;
	readonly qty: number | null;
	/** Signed position after the event, as Alpaca reports it. */
	readonly positionQty: number | null;
}

export function updateFields(
	update: Pick<streaming.TradeUpdate, 'event' | 'timestamp' | 'executionId' | 'price' | 'qty' | 'positionQty'> & {readonly at?: unknown},
): UpdateFields {
	const ts = update.timestamp instanceof Date ? update.timestamp.getTime() : Number.NaN;
	const price = update.price === undefined ? INVALID_MICROS : decimalToMicros(update.price);
	const qty = update.qty === undefined ? Number.NaN : parseQty(update.qty);
	const position = update.positionQty === undefined ? Number.NaN : parseQty(update.positionQty);
	return {
		event: update.event,
		ms: ts,
		ns: 0,
		executionId: typeof update.executionId === 'string' && update.executionId !== '' ? update.executionId : null,
		price: validPrice(price) ? price : null,
		qty: qty > 0 ? qty : null,
		positionQty: Number.isFinite(position) ? position : null,
	};
}

// --- errors --------------------------------------------------------------------------------

/** "403 insufficient buying power", "request timed out", "connect ECONNREFUSED ..." */
export function describeError(error: unknown): string {
	const e = error as {status?: unknown; message?: unknown; name?: unknown; cause?: {message?: unknown; name?: unknown}};
	if (typeof e?.status === 'number') {
		const message =
			typeof e.message === 'string' && e.message !== '' && !e.message.startsWith('Response returned an error code') ? e.message : httpText(e.status);
		return `${e.status} ${oneLine(message)}`;
	}
	if (e?.name === 'FetchError') {
		const cause = e.cause;
		if (cause?.name === 'TimeoutError') return 'request timed out';
		if (cause?.name === 'AbortError') return 'request aborted';
		return oneLine(String(cause?.message ?? e.message ?? 'network error'));
	}
	return oneLine(error instanceof Error ? error.message : String(error));
}

function httpText(status: number): string {
	return status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not found' : status === 429 ? 'rate limit exceeded' : 'error';
}

function oneLine(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
