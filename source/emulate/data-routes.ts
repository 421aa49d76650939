/**
 * Market-data REST v2 over the replay, as of the market clock (nothing from the future):
 * bars (any N-minute, N-hour or daily timeframe, aggregated from the minute bars, paginated with
 * `limit` across symbols and an opaque `next_page_token`), latest trade/quote/bar, snapshots.
 */
import {isRealDateTime, nyDate, nyMidnight} from '../core/time.js';
import type {Bar} from '../core/types.js';
import type {BarArchive} from './archive.js';
import {badRequest, forbidden} from './errors.js';
import {aggregate, barFields, parseTimeframe, quoteFields, toRest, tradeFields, type AnyBar, type Message, type Timeframe} from './market-json.js';
import type {MarketReplay} from './replay.js';
import {ok, queryList, route, type Route, type RouteReply, type RouteRequest} from './routing.js';

export const REST_FEEDS = new Set(['iex', 'sip', 'delayed_sip', 'otc', 'boats', 'overnight']);
const SYMBOL = '([^/]+)';

function checkFeed(query: URLSearchParams): void {
	const feed = query.get('feed');
	if (feed !== null && feed !== '' && !REST_FEEDS.has(feed)) throw badRequest(`invalid feed: ${feed}`);
}

/** RFC 3339 time, or YYYY-MM-DD as the start of that New York day. */
function timeParam(query: URLSearchParams, name: string): number | null {
	const text = query.get(name);
	if (text === null || text === '') return null;
	if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
		try {
			return nyMidnight(text);
		} catch {
			throw badRequest(`invalid ${name}: ${text}`);
		}
	}
	const ms = Date.parse(text);
	if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text) || !isRealDateTime(text)) throw badRequest(`invalid ${name}: ${text}`);
	return ms;
}

function encodeToken(symbol: string, start: number): string {
	return Buffer.from(`${symbol}|${start}`, 'utf8').toString('base64');
}

function decodeToken(token: string): {symbol: string; start: number} {
	const text = Buffer.from(token, 'base64').toString('utf8');
	const m = /^([^|]+)\|(-?\d+)$/.exec(text);
	if (!m) throw badRequest('invalid page_token');
	return {symbol: m[1]!, start: Number(m[2])};
}

interface BarsQuery {
	readonly symbols: string[];
	readonly feed: string;
	readonly adjustment: string;
	readonly timeframe: Timeframe;
	readonly start: number;
	readonly end: number;
	/** The end asked for (wall-clock now when absent): the archive is history in real time. */
	readonly archiveEnd: number;
	readonly limit: number;
	readonly desc: boolean;
	readonly cursor: {symbol: string; start: number} | null;
}

/** Alpaca's free plan: SIP bars of the last 15 minutes are refused. */
const SIP_DELAY_MS = 15 * 60_000;

export interface DataRouteOptions {
	/** Historical bars besides the replay (the bar cache). */
	readonly archive?: BarArchive | null;
	/** Wall clock for the SIP recency rule (tests move it). */
	readonly wallNow?: () => number;
}

function parseBarsQuery(query: URLSearchParams, symbols: string[], replay: MarketReplay, options: DataRouteOptions): BarsQuery {
	checkFeed(query);
	const feed = query.get('feed') || 'iex';
	const wallNow = (options.wallNow ?? Date.now)();
	const endParam = timeParam(query, 'end');
	if (feed === 'sip' && (endParam ?? wallNow) > wallNow - SIP_DELAY_MS) throw forbidden('subscription does not permit querying recent SIP data');
	const tfText = query.get('timeframe');
	if (tfText === null || tfText === '') throw badRequest('timeframe is required');
	const timeframe = parseTimeframe(tfText);
	if (!timeframe) throw badRequest(`invalid timeframe: ${tfText}`);
	const limitText = query.get('limit');
	let limit = 1000;
	if (limitText !== null && limitText !== '') {
		limit = Number(limitText);
		if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw badRequest(`invalid limit: ${limitText} (1-10000)`);
	}
	const sort = query.get('sort') ?? 'asc';
	if (sort !== 'asc' && sort !== 'desc') throw badRequest(`invalid sort: ${sort}`);
	const now = replay.now;
	const start = timeParam(query, 'start') ?? nyMidnight(nyDate(now));
	const end = Math.min(endParam ?? now, now);
	const token = query.get('page_token');
	return {
		symbols: [...new Set(symbols.map(s => s.toUpperCase()))].sort(),
		feed,
		adjustment: query.get('adjustment') || 'raw',
		archiveEnd: endParam ?? wallNow,
		timeframe,
		start,
		end,
		limit,
		desc: sort === 'desc',
		cursor: token === null || token === '' ? null : decodeToken(token),
	};
}

/** One page, symbols in name order then time; the token names the first bar of the next page. */
function barsPage(q: BarsQuery, replay: MarketReplay, archive: BarArchive | null): {bars: Map<string, AnyBar[]>; next: string | null} {
	const bars = new Map<string, AnyBar[]>();
	let count = 0;
	const replayDays = archive ? new Set(replay.sessionDates) : null;
	for (const symbol of q.symbols) {
		if (q.cursor && symbol < q.cursor.symbol) continue;
		let series = aggregate(replay.arrivedBars(symbol), q.timeframe).filter(b => b.start >= q.start && b.start <= q.end);
		if (archive) series = withHistory(series, symbol, q, archive, replayDays!);
		if (q.desc) series = series.reverse();
		for (const bar of series) {
			if (q.cursor && symbol === q.cursor.symbol && (q.desc ? bar.start > q.cursor.start : bar.start < q.cursor.start)) continue;
			if (count === q.limit) return {bars, next: encodeToken(symbol, bar.start)};
			let list = bars.get(symbol);
			if (!list) {
				list = [];
				bars.set(symbol, list);
			}
			list.push(bar);
			count += 1;
		}
	}
	return {bars, next: null};
}

/** The replay's bars plus the archive's on days the replay does not play, in time order. */
function withHistory(series: AnyBar[], symbol: string, q: BarsQuery, archive: BarArchive, replayDays: ReadonlySet<string>): AnyBar[] {
	const daily = q.timeframe.unit === 'Day';
	const found = archive.bars(symbol, q.feed, q.adjustment, daily, q.start, q.archiveEnd);
	if (found.bars.length === 0) return series;
	// One New York date per distinct hour, not per bar (nyDate is the slow part).
	let lastHour = -1;
	let keep = false;
	const history = found.bars.filter(b => {
		const hour = Math.floor(b.start / 3_600_000);
		if (hour !== lastHour) {
			lastHour = hour;
			keep = !replayDays.has(nyDate(b.start));
		}
		return keep;
	});
	const extra = found.daily ? history.map(b => ({...b, count: 1, vwap: b.close})) : aggregate(history, q.timeframe);
	if (extra.length === 0) return series;
	return [...extra, ...series].sort((a, b) => a.start - b.start);
}

const restBar = (bar: AnyBar): Message => toRest(barFields(bar));

function latest(replay: MarketReplay, symbol: string): {bar: Bar; index: number} | null {
	return replay.lastArrived(symbol.toUpperCase());
}

function snapshot(replay: MarketReplay, symbol: string): Message {
	const last = latest(replay, symbol);
	const days = aggregate(replay.arrivedBars(symbol.toUpperCase()), {unit: 'Day', amount: 1});
	const today = nyMidnight(replay.session.date);
	const lastDay = days[days.length - 1];
	const daily = lastDay && lastDay.start === today ? lastDay : null;
	const previous = daily ? days[days.length - 2] : lastDay;
	return {
		latestTrade: last ? toRest(tradeFields(last.bar, last.index)) : null,
		latestQuote: last ? toRest(quoteFields(last.bar)) : null,
		minuteBar: last ? restBar({...last.bar, count: 1, vwap: last.bar.close}) : null,
		dailyBar: daily ? restBar(daily) : null,
		prevDailyBar: previous ? restBar(previous) : null,
	};
}

function requireSymbols(query: URLSearchParams): string[] {
	const symbols = queryList(query, 'symbols');
	if (symbols.length === 0) throw badRequest('symbols is required');
	return symbols;
}

export function dataRoutes(replay: MarketReplay, options: DataRouteOptions = {}): Route[] {
	const archive = options.archive ?? null;
	const multiLatest =
		(key: string, make: (bar: Bar, index: number) => Message): ((r: RouteRequest) => RouteReply) =>
		request => {
			checkFeed(request.query);
			const out: Record<string, Message> = {};
			for (const symbol of requireSymbols(request.query)) {
				const last = latest(replay, symbol);
				if (last) out[symbol.toUpperCase()] = toRest(make(last.bar, last.index));
			}
			return ok({[key]: out});
		};
	const singleLatest =
		(key: string, make: (bar: Bar, index: number) => Message): ((r: RouteRequest) => RouteReply) =>
		request => {
			checkFeed(request.query);
			const symbol = request.params[0]!.toUpperCase();
			const last = latest(replay, symbol);
			return ok({symbol, [key]: last ? toRest(make(last.bar, last.index)) : null});
		};
	const tradeOf = (bar: Bar, index: number): Message => tradeFields(bar, index);
	const quoteOf = (bar: Bar): Message => quoteFields(bar);
	const barOf = (bar: Bar): Message => barFields({...bar, count: 1, vwap: bar.close});

	return [
		route('GET', /^\/v2\/stocks\/bars$/, request => {
			const q = parseBarsQuery(request.query, requireSymbols(request.query), replay, options);
			const page = barsPage(q, replay, archive);
			const bars: Record<string, Message[]> = {};
			for (const [symbol, list] of page.bars) bars[symbol] = list.map(restBar);
			return ok({bars, next_page_token: page.next});
		}),
		route('GET', /^\/v2\/stocks\/bars\/latest$/, multiLatest('bars', barOf)),
		route('GET', /^\/v2\/stocks\/trades\/latest$/, multiLatest('trades', tradeOf)),
		route('GET', /^\/v2\/stocks\/quotes\/latest$/, multiLatest('quotes', quoteOf)),
		route('GET', /^\/v2\/stocks\/snapshots$/, request => {
			checkFeed(request.query);
			const out: Record<string, Message> = {};
			for (const symbol of requireSymbols(request.query)) {
				if (replay.hasSymbol(symbol.toUpperCase())) out[symbol.toUpperCase()] = snapshot(replay, symbol);
			}
			return ok(out);
		}),
		route('GET', new RegExp(`^/v2/stocks/${SYMBOL}/bars$`), request => {
			const symbol = request.params[0]!.toUpperCase();
			const q = parseBarsQuery(request.query, [symbol], replay, options);
			const page = barsPage(q, replay, archive);
			return ok({symbol, bars: (page.bars.get(symbol) ?? []).map(restBar), next_page_token: page.next});
		}),
		route('GET', new RegExp(`^/v2/stocks/${SYMBOL}/bars/latest$`), singleLatest('bar', barOf)),
		route('GET', new RegExp(`^/v2/stocks/${SYMBOL}/trades/latest$`), singleLatest('trade', tradeOf)),
		route('GET', new RegExp(`^/v2/stocks/${SYMBOL}/quotes/latest$`), singleLatest('quote', quoteOf)),
		route('GET', new RegExp(`^/v2/stocks/${SYMBOL}/snapshot$`), request => {
			checkFeed(request.query);
			const symbol = request.params[0]!.toUpperCase();
			return ok({symbol, ...snapshot(replay, symbol)});
		}),
	];
}
