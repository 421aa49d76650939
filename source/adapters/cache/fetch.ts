/**
 * `data fetch`: download bars into the cache, only what it does not already cover.
 *
 * Plan: per symbol, the requested dates minus its covered ranges, cut at file periods (New
 * York months for minutes, years for days). Symbols missing the same dates of a period share
 * requests (up to SYMBOLS_PER_REQUEST per request, `limit` 10,000 bars per page across them,
 * `next_page_token` followed). Alpaca pages symbols in name order, so once a page reaches a
 * later symbol the earlier ones are complete and are written at once: a kill loses at most
 * the symbol in flight, and the next run asks only for what is still missing.
 *
 * The end is clamped to now (and to now - 15 min for SIP, which the free plan refuses for the
 * last 15 minutes); a date is marked covered only once its whole day lies before that end.
 * Minute bars outside the regular session (09:30-16:00 New York) are not kept.
 */
import {addDays} from '../../core/trading-days.js';
import {isRegularSessionStart, MINUTE_MS, nyDate, nyMidnight} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import {barFromRest} from '../alpaca/mapping.js';
import {periodBounds, periodOf, type SeriesKey, type SeriesKind} from './key.js';
import {intersect, subtract, type DateRange} from './ranges.js';
import {readManifest, writePeriod} from './store.js';

export const PAGE_LIMIT = 10_000;
export const SYMBOLS_PER_REQUEST = 100;
/** Alpaca's free plan refuses SIP bars of the last 15 minutes. */
export const SIP_DELAY_MS = 15 * MINUTE_MS;

export interface BarsPageRequest {
	readonly symbols: readonly string[];
	readonly timeframe: SeriesKind['timeframe'];
	readonly feed: SeriesKind['feed'];
	readonly adjustment: SeriesKind['adjustment'];
	/** Epoch ms, inclusive both ends. */
	readonly start: number;
	readonly end: number;
	readonly limit: number;
	readonly pageToken: string | null;
}

export interface BarsPage {
	/** Raw wire bars per symbol ({t, o, h, l, c, v}). */
	readonly bars: Readonly<Record<string, readonly unknown[]>>;
	readonly next: string | null;
}

export type BarsPageSource = (request: BarsPageRequest) => Promise<BarsPage>;

export interface FetchRequest extends SeriesKind {
	readonly symbols: readonly string[];
	readonly from: string;
	readonly to: string;
	readonly cacheDir: string;
}

export interface FetchProgress {
	readonly symbolsDone: number;
	readonly symbolsTotal: number;
	/** Symbol-periods written / planned (the ETA's unit). */
	readonly unitsDone: number;
	readonly unitsTotal: number;
	readonly bars: number;
	readonly requests: number;
}

export interface FetchOptions {
	readonly now?: () => number;
	readonly onProgress?: (progress: FetchProgress) => void;
	readonly pageLimit?: number;
	readonly symbolsPerRequest?: number;
}

export interface FetchResult {
	readonly bars: number;
	readonly requests: number;
	/** Symbols that needed nothing. */
	readonly alreadyCached: string[];
	/** Minute bars outside the regular session that were not kept. */
	readonly droppedOutOfSession: number;
	readonly droppedBad: number;
	/** Last date marked covered (null: nothing complete yet, e.g. only today). */
	readonly coveredTo: string | null;
	/** The end actually asked for (clamped). */
	readonly endMs: number;
}

interface Unit {
	readonly period: string;
	readonly range: DateRange;
	readonly symbols: string[];
}

/** The last date whose whole New York day ends at or before `endMs`, or null. */
export function lastCompleteDate(endMs: number): string {
	const today = nyDate(endMs);
	return nyMidnight(addDays(today, 1)) - 1 <= endMs ? today : addDays(today, -1);
}

export function planFetch(request: FetchRequest, lastDate: string): {units: Unit[]; alreadyCached: string[]} {
	const want: DateRange = [request.from, request.to < lastDate ? request.to : lastDate];
	const groups = new Map<string, Unit>();
	const alreadyCached: string[] = [];
	for (const symbol of request.symbols) {
		const manifest = readManifest(request.cacheDir, {symbol, timeframe: request.timeframe, feed: request.feed, adjustment: request.adjustment});
		const missing = want[0] <= want[1] ? subtract(want, manifest?.covered ?? []) : [];
		// Dates after the last complete day (today, or a future --to) are fetched every time.
		const partial: DateRange | null = request.to > lastDate ? [addDays(lastDate, 1) > request.from ? addDays(lastDate, 1) : request.from, request.to] : null;
		const ranges = partial ? [...missing, partial] : missing;
		if (ranges.length === 0) {
			alreadyCached.push(symbol);
			continue;
		}
		for (const range of ranges) {
			for (let period = periodOf(request.timeframe, range[0]); ; ) {
				const bounds = periodBounds(period);
				const part = intersect(range, [bounds.from, bounds.to]);
				if (part) {
					const id = `${period}|${part[0]}|${part[1]}`;
					const unit = groups.get(id) ?? {period, range: part, symbols: []};
					unit.symbols.push(symbol);
					groups.set(id, unit);
				}
				if (bounds.to >= range[1]) break;
				period = periodOf(request.timeframe, addDays(bounds.to, 1));
			}
		}
	}
	const units = [...groups.values()].sort((a, b) => (a.range[0] < b.range[0] ? -1 : a.range[0] > b.range[0] ? 1 : a.range[1] < b.range[1] ? -1 : 1));
	for (const u of units) u.symbols.sort();
	return {units, alreadyCached};
}

export async function fetchBars(request: FetchRequest, source: BarsPageSource, options: FetchOptions = {}): Promise<FetchResult> {
	const now = (options.now ?? Date.now)();
	const endMs = request.feed === 'sip' ? now - SIP_DELAY_MS : now;
	const lastDate = lastCompleteDate(endMs);
	const {units, alreadyCached} = planFetch(request, lastDate);
	const perRequest = options.symbolsPerRequest ?? SYMBOLS_PER_REQUEST;
	const limit = options.pageLimit ?? PAGE_LIMIT;
	const unitsTotal = units.reduce((n, u) => n + u.symbols.length, 0);
	const symbolsLeft = new Map<string, number>();
	for (const u of units) for (const s of u.symbols) symbolsLeft.set(s, (symbolsLeft.get(s) ?? 0) + 1);
	const progress = {symbolsDone: 0, symbolsTotal: symbolsLeft.size, unitsDone: 0, unitsTotal, bars: 0, requests: 0};
	let droppedOutOfSession = 0;
	let droppedBad = 0;
	let coveredTo: string | null = null;
	options.onProgress?.({...progress});

	for (const unit of units) {
		const start = nyMidnight(unit.range[0]);
		const end = Math.min(nyMidnight(addDays(unit.range[1], 1)) - 1000, endMs);
		if (end < start) continue;
		const covered: DateRange | null = unit.range[0] <= lastDate ? [unit.range[0], unit.range[1] < lastDate ? unit.range[1] : lastDate] : null;
		for (let i = 0; i < unit.symbols.length; i += perRequest) {
			const batch = unit.symbols.slice(i, i + perRequest);
			const pending = new Map<string, Bar[]>(batch.map(s => [s, []]));
			const commit = (symbol: string): void => {
				const bars = pending.get(symbol);
				if (!bars) return;
				pending.delete(symbol);
				bars.sort((a, b) => a.start - b.start);
				const unique = bars.filter((b, k) => k === 0 || b.start !== bars[k - 1]!.start);
				const key: SeriesKey = {symbol, timeframe: request.timeframe, feed: request.feed, adjustment: request.adjustment};
				writePeriod(request.cacheDir, key, unit.period, unique, covered);
				progress.unitsDone += 1;
				const left = symbolsLeft.get(symbol)! - 1;
				symbolsLeft.set(symbol, left);
				if (left === 0) progress.symbolsDone += 1;
				options.onProgress?.({...progress});
			};
			const tokens = new Set<string>();
			let pageToken: string | null = null;
			for (;;) {
				const page = await source({
					symbols: batch,
					timeframe: request.timeframe,
					feed: request.feed,
					adjustment: request.adjustment,
					start,
					end,
					limit,
					pageToken,
				});
				progress.requests += 1;
				let highest = '';
				for (const symbol of Object.keys(page.bars)) {
					const into = pending.get(symbol);
					if (!into) continue; // a symbol already complete (or never asked for)
					if (symbol > highest) highest = symbol;
					for (const raw of page.bars[symbol] ?? []) {
						const mapped = barFromRest(symbol, raw as {t: unknown; o: unknown; h: unknown; l: unknown; c: unknown; v: unknown});
						if (!mapped.ok) {
							droppedBad += 1;
							continue;
						}
						const bar = mapped.value;
						if (bar.start < start || bar.start > end) continue;
						if (request.timeframe === '1Min' && !isRegularSessionStart(bar.start)) {
							droppedOutOfSession += 1;
							continue;
						}
						into.push(bar);
						progress.bars += 1;
					}
				}
				// Pages run in symbol order: everything before the highest symbol seen is complete.
				for (const symbol of [...pending.keys()]) if (symbol < highest) commit(symbol);
				options.onProgress?.({...progress});
				const next = page.next;
				if (!next || tokens.has(next)) break;
				tokens.add(next);
				pageToken = next;
			}
			for (const symbol of [...pending.keys()]) commit(symbol);
		}
		if (covered && (coveredTo === null || covered[1] > coveredTo)) coveredTo = covered[1];
	}
	return {bars: progress.bars, requests: progress.requests, alreadyCached, droppedOutOfSession, droppedBad, coveredTo, endMs};
}
