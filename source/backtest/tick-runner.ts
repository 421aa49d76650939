/**
 * Tick-mode replay: quotes and trades through the simulated exchange and the engine, in time
 * order, with nanosecond timestamps intact.
 *
 * - Each quote becomes the exchange's top of book (what an IOC fills against) and goes to
 *   the strategies; each trade sets the last price and goes to the strategies. A strategy
 *   reacting to a trade therefore fills against the last quote before that trade.
 * - Timers run on market time, before any event stamped at or after them: every minute the
 *   bars aggregated from the trades of the minute that ended (open, high, low, close,
 *   volume) arrive as in bar mode (closes become last prices, resting orders are
 *   matched by the bar rules, fills then bars reach the strategies, in symbol order); every
 *   30 s (by default) the checkup runs for every strategy.
 * - A session is one New York date. It ends at the arrival of the bar of its last event's
 *   minute (as bar mode ends at its last bar's arrival); open orders then expire, cash and
 *   positions carry over, and the next session rebuilds strategy state from them.
 *
 * `advanceTo(ms)` steps to a market time (the console's paced SIM mode); `runToEnd()` goes as
 * fast as it can (backtests, benchmarks).
 */
import {addMicros, type Micros, type MicrosColumn, microsColumn, mulQty} from '../core/money.js';
import {HOUR_MS, MINUTE_MS, nyDate, nyMidnight} from '../core/time.js';
import type {Bar, Quote, Trade} from '../core/types.js';
import type {Engine} from '../engine/engine.js';
import type {SimExchange} from '../adapters/sim/exchange.js';
import type {QUOTE_EVENT, TickTape} from '../adapters/replay/tick-tape.js';
import {EquityCurve, SymbolStats} from './metrics.js';

/** The tape's kind code for a quote (checked against the reader's constant at compile time). */
const QUOTE: typeof QUOTE_EVENT = 0;
export const TICK_CHECKUP_MS = 30_000;

export interface TickReplayOptions {
	/** Checkup period in market time (default 30 s); must divide a minute. */
	readonly checkupMs?: number;
	/** Symbols that get minute bars from their trades (default: every symbol of the tape). */
	readonly barSymbols?: readonly string[];
	/** After each minute's bars, checkup and statistics. */
	readonly afterMinute?: (arrivalMs: number) => void;
	/** After a session ended (orders expired). */
	readonly afterSession?: (date: string) => void;
	/** Every 65,536 events, with the number of events done. */
	readonly onProgress?: (eventsDone: number) => void;
}

interface Segment {
	readonly date: string;
	readonly begin: number;
	readonly end: number;
	/** Arrival of the bar of the session's last event's minute: the session's end. */
	readonly endMs: number;
}

/**
 * Split a tape into New York sessions (it is time-ordered, so each date is one run) and
 * count its quotes, in one pass.
 */
function segmentsOf(tape: TickTape): {segments: Segment[]; quotes: number} {
	const out: Segment[] = [];
	const times = tape.ms;
	const kinds = tape.kind;
	let quotes = 0;
	let i = 0;
	while (i < tape.length) {
		const first = times[i]!;
		const date = nyDate(first);
		// Next New York midnight: the date 30 h after this midnight is always the next one.
		const nextMidnight = nyMidnight(nyDate(nyMidnight(date) + 30 * HOUR_MS));
		let j = i;
		for (; j < tape.length && times[j]! < nextMidnight; j++) if (kinds[j] === QUOTE) quotes++;
		const last = times[j - 1]!;
		out.push({date, begin: i, end: j, endMs: last - (last % MINUTE_MS) + MINUTE_MS});
		i = j;
	}
	return {segments: out, quotes};
}

export class TickReplay {
	readonly stats = new Map<string, SymbolStats>();
	readonly equity = new EquityCurve();
	/** Events (quotes + trades) delivered so far. */
	eventsProcessed = 0;
	sessionsProcessed = 0;
	/** Minute bars built from trades and delivered. */
	barsDelivered = 0;
	/** Minute marks observed for the statistics (one per minute of market time, like bars). */
	minutesObserved = 0;
	readonly quoteCount: number;
	readonly tradeCount: number;

	private readonly segments: Segment[];
	private segmentIndex = 0;
	private sessionOpen = false;
	private index = 0;
	private nextMinute = Number.POSITIVE_INFINITY;
	private nextCheckup = Number.POSITIVE_INFINITY;
	private nextTimer = Number.POSITIVE_INFINITY;
	private readonly checkupMs: number;
	private readonly barOn: Uint8Array;
	private readonly barStart: Float64Array;
	private readonly barOpen: MicrosColumn;
	private readonly barHigh: MicrosColumn;
	private readonly barLow: MicrosColumn;
	private readonly barClose: MicrosColumn;
	private readonly barVolume: Float64Array;
	private finishedFlag = false;

	constructor(
		private readonly tape: TickTape,
		private readonly engine: Engine,
		private readonly exchange: SimExchange,
		private readonly options: TickReplayOptions = {},
	) {
		this.checkupMs = options.checkupMs ?? TICK_CHECKUP_MS;
		if (!(this.checkupMs > 0) || MINUTE_MS % this.checkupMs !== 0) throw new RangeError(`checkup period must divide a minute, got ${this.checkupMs} ms`);
		const {segments, quotes} = segmentsOf(tape);
		this.segments = segments;
		this.quoteCount = quotes;
		this.tradeCount = tape.length - quotes;
		const n = tape.symbols.length;
		this.barOn = new Uint8Array(n);
		const wanted = options.barSymbols ? new Set(options.barSymbols) : null;
		for (let s = 0; s < n; s++) this.barOn[s] = !wanted || wanted.has(tape.symbols[s]!) ? 1 : 0;
		this.barStart = new Float64Array(n).fill(-1);
		this.barOpen = microsColumn(new Float64Array(n));
		this.barHigh = microsColumn(new Float64Array(n));
		this.barLow = microsColumn(new Float64Array(n));
		this.barClose = microsColumn(new Float64Array(n));
		this.barVolume = new Float64Array(n);
		for (const s of engine.strategies) this.stats.set(statsKey(s.kind, s.symbol), new SymbolStats(s.symbol));
	}

	get finished(): boolean {
		return this.finishedFlag;
	}

	get sessionDate(): string | null {
		return this.sessionOpen ? this.segments[this.segmentIndex]!.date : null;
	}

	/** Market time of the next thing to happen (an event or a timer), or null at the end. */
	peekNextTime(): number | null {
		const seg = this.segments[this.segmentIndex];
		if (!seg) return null;
		if (!this.sessionOpen) return this.tape.ms[seg.begin]!;
		const event = this.index < seg.end ? this.tape.ms[this.index]! : seg.endMs;
		return Math.min(event, this.nextTimer);
	}

	/** Process everything up to and including market time `limitMs`; false once all is done. */
	advanceTo(limitMs: number): boolean {
		const tape = this.tape;
		while (this.segmentIndex < this.segments.length) {
			const seg = this.segments[this.segmentIndex]!;
			if (!this.sessionOpen) {
				if (tape.ms[seg.begin]! > limitMs) return true;
				this.openSession(seg);
			}
			if (this.index < seg.end) this.runEvents(seg.end, limitMs);
			if (this.index < seg.end) {
				this.fireTimers(limitMs);
				return true;
			}
			if (limitMs < seg.endMs) {
				this.fireTimers(limitMs);
				return true;
			}
			this.fireTimers(seg.endMs);
			this.closeSession(seg);
			this.segmentIndex += 1;
		}
		this.finishedFlag = true;
		return false;
	}

	/** Run to the end (backtest). */
	runToEnd(): void {
		this.advanceTo(Number.POSITIVE_INFINITY);
	}

	private openSession(seg: Segment): void {
		const first = this.tape.ms[seg.begin]!;
		this.exchange.setTime(first);
		this.engine.beginSession(seg.date, this.exchange.state(), first, {newSession: true});
		this.index = seg.begin;
		this.barStart.fill(-1);
		this.nextMinute = first - (first % MINUTE_MS) + MINUTE_MS;
		this.nextCheckup = first - (first % this.checkupMs) + this.checkupMs;
		this.nextTimer = Math.min(this.nextMinute, this.nextCheckup);
		this.sessionOpen = true;
	}

	private closeSession(seg: Segment): void {
		this.exchange.setTime(seg.endMs);
		this.engine.setTime(seg.endMs);
		this.exchange.expireAll();
		this.sessionOpen = false;
		this.nextMinute = this.nextCheckup = this.nextTimer = Number.POSITIVE_INFINITY;
		this.sessionsProcessed += 1;
		this.options.afterSession?.(seg.date);
		this.engine.changed();
	}

	/** The hot loop: events of the open session up to `end` (exclusive) and `limitMs`. */
	private runEvents(end: number, limitMs: number): void {
		const tape = this.tape;
		const kinds = tape.kind;
		const times = tape.ms;
		const nanos = tape.ns;
		const syms = tape.symbol;
		const prices = tape.price;
		const sizes = tape.size;
		const askPrices = tape.askPrice;
		const askSizes = tape.askSize;
		const names = tape.symbols;
		const engine = this.engine;
		const exchange = this.exchange;
		const barOn = this.barOn;
		const barStart = this.barStart;
		const progress = this.options.onProgress;
		let i = this.index;
		for (; i < end; i++) {
			const ms = times[i]!;
			if (ms > limitMs) break;
			if (ms >= this.nextTimer) {
				this.index = i;
				this.fireTimers(ms);
			}
			const ns = nanos[i]!;
			const symbol = names[syms[i]!]!;
			engine.setTime(ms, ns);
			exchange.setTime(ms, ns);
			if (kinds[i] === QUOTE) {
				const quote: Quote = {symbol, ms, ns, bidPrice: prices[i]!, bidSize: sizes[i]!, askPrice: askPrices[i]!, askSize: askSizes[i]!};
				exchange.setQuote(quote);
				engine.onQuote(quote);
			} else {
				const price = prices[i]!;
				const size = sizes[i]!;
				const trade: Trade = {symbol, ms, ns, price, size};
				exchange.setLastPrice(symbol, price);
				engine.onTrade(trade);
				const s = syms[i]!;
				if (barOn[s] === 1) {
					const minute = ms - (ms % MINUTE_MS);
					if (barStart[s] !== minute) {
						barStart[s] = minute;
						this.barOpen[s] = price;
						this.barHigh[s] = price;
						this.barLow[s] = price;
						this.barClose[s] = price;
						this.barVolume[s] = size;
					} else {
						if (price > this.barHigh[s]!) this.barHigh[s] = price;
						if (price < this.barLow[s]!) this.barLow[s] = price;
						this.barClose[s] = price;
						this.barVolume[s] = this.barVolume[s]! + size;
					}
				}
			}
			if (progress && (i & 0xffff) === 0xffff) {
				this.eventsProcessed = i + 1;
				progress(i + 1);
			}
		}
		this.index = i;
		this.eventsProcessed = i;
	}

	/** Fire every timer at or before `untilMs`, in time order. */
	private fireTimers(untilMs: number): void {
		while (this.nextTimer <= untilMs) {
			const at = this.nextTimer;
			this.engine.setTime(at);
			this.exchange.setTime(at);
			if (at === this.nextMinute) {
				this.deliverBars(at);
				this.nextMinute += MINUTE_MS;
			}
			if (at === this.nextCheckup) {
				this.engine.checkup(at);
				this.nextCheckup += this.checkupMs;
			}
			if (at % MINUTE_MS === 0) {
				this.record(at);
				this.options.afterMinute?.(at);
			}
			this.nextTimer = Math.min(this.nextMinute, this.nextCheckup);
		}
	}

	/** Bar mode's steps 1-3 for the bars of the minute that ended at `arrival`. */
	private deliverBars(arrival: number): void {
		const start = arrival - MINUTE_MS;
		const names = this.tape.symbols;
		let bars: Bar[] | null = null;
		for (let s = 0; s < names.length; s++) {
			if (this.barStart[s] !== start) continue;
			this.barStart[s] = -1;
			const bar: Bar = {
				symbol: names[s]!,
				start,
				open: this.barOpen[s]!,
				high: this.barHigh[s]!,
				low: this.barLow[s]!,
				close: this.barClose[s]!,
				volume: this.barVolume[s]!,
			};
			(bars ??= []).push(bar);
		}
		if (!bars) return;
		const engine = this.engine;
		const exchange = this.exchange;
		for (const bar of bars) {
			exchange.setLastPrice(bar.symbol, bar.close);
			engine.setLastPrice(bar.symbol, bar.close);
		}
		if (exchange.hasOpenOrders()) for (const bar of bars) exchange.matchBar(bar);
		for (const bar of bars) engine.onBar(bar, arrival);
		this.barsDelivered += bars.length;
	}

	private record(at: number): void {
		const engine = this.engine;
		const portfolio = engine.portfolio;
		let equity = portfolio.cash;
		for (const s of engine.strategies) {
			const book = portfolio.book(s.kind, s.symbol);
			const last = engine.lastPrice(s.symbol);
			this.stats.get(statsKey(s.kind, s.symbol))?.observe(addMicros(book.realized, book.unrealized(last)), book.qty > 0);
			if (book.qty !== 0) equity = addMicros(equity, mulQty(last, book.qty));
		}
		this.equity.add(at, equity);
		this.minutesObserved += 1;
	}
}

export function statsKey(kind: string, symbol: string): string {
	return `${kind}:${symbol}`;
}
