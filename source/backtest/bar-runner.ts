/**
 * Bar-mode replay (a bar is known one minute after its start; fills, then bars, then the
 * checkup at each arrival): sessions of minute bars through the simulated exchange and
 * the engine. At each arrival time A = start + 60 s, in symbol order: last prices become the
 * closes, resting orders are matched, fills then bars reach the strategies, and the checkup
 * runs for every symbol. Open orders expire at each session's end; cash and positions carry
 * over and the next session rebuilds strategy state from them.
 *
 * The same stepper drives the console's SIM mode (paced by a clock) and the backtest (as fast
 * as it goes).
 */
import {addMicros, type Micros, mulQty, ZERO_MICROS} from '../core/money.js';
import type {Bar} from '../core/types.js';
import {barAt, columnsFromBars, isColumnar, sessionBars, type ColumnarSession} from '../core/session-columns.js';
import type {Engine} from '../engine/engine.js';
import type {SimExchange} from '../adapters/sim/exchange.js';
import type {BarSession} from '../adapters/replay/minute-csv.js';
import {EquityCurve, SymbolStats} from './metrics.js';
import type {ScalpStrategy} from '../strategies/scalp.js';
import type {PositionBook} from '../engine/portfolio.js';
import type {TickEvent} from '../adapters/sim/synthetic-ticks.js';

export const BAR_MS = 60_000;

/** What the replay takes: a session as columns (the cache) or as Bar objects (CSV, synthetic). */
export type ReplaySession = BarSession | ColumnarSession;

interface SymbolSlot {
	readonly enginePrice: {last: Micros; first: Micros};
	readonly exchangePrice: {price: Micros};
	/** The exchange's open orders of the symbol (live). */
	readonly open: readonly unknown[];
	readonly stats: SymbolStats | null;
	readonly book: PositionBook | null;
	readonly onlyScalper: ScalpStrategy | null;
	/**
	 * The one Bar the symbol's rows are written into when only the built-in scalper takes
	 * them: it reads a bar and keeps none of it (a custom signal gets copies), so a row costs
	 * no object. Bars were most of a backtest's garbage (each field a boxed double).
	 */
	readonly bar: {-readonly [K in keyof Bar]: Bar[K]};
	/** The step that last wrote `bar` (a symbol twice in one step gets a fresh Bar). */
	barStep: number;
}

/** Quotes and trades between bar arrivals (the tick-taker in SIM), per session. */
export interface TickSource {
	/** The session's tick events, time-ordered; called when the session opens. */
	sessionTicks(session: BarSession): readonly TickEvent[];
}

export interface BarReplayHooks {
	/** After each arrival time is fully processed. */
	afterStep?(arrivalMs: number): void;
	/** After a session ended (orders expired). */
	afterSession?(date: string): void;
}

/**
 * Steps through sessions one arrival time at a time. `step()` processes the next arrival
 * and returns its time, or null at the end.
 *
 * One path for both inputs: a session of Bar objects is turned into columns when it opens
 * (its own Bar objects are still the ones delivered). Per arrival the work is the bars of that
 * minute (slots found by symbol index, no map lookup), the checkup and the equity point.
 */
export class BarReplay {
	private sessionIndex = -1;
	private row = 0;
	private current: ColumnarSession | null = null;
	/** The open session's own Bar objects when it came as such, else null (built per row). */
	private currentBars: readonly Bar[] | null = null;
	private readonly iterator: Iterator<ReplaySession>;
	private finishedFlag = false;
	readonly stats = new Map<string, SymbolStats>();
	readonly equity = new EquityCurve();
	private readonly scalpers: ScalpStrategy[];
	/** Everything a bar of a symbol touches, by name (built once per symbol). */
	private readonly slots = new Map<string, SymbolSlot>();
	/** The same slots by index of the open session's symbol table (made at a symbol's first bar). */
	private slotTable: (SymbolSlot | undefined)[] = [];
	private slotTableFor: readonly string[] | null = null;
	private readonly books: PositionBook[];
	/** `books[i]`'s symbol's price slot (engine.lastPrice without a map lookup per book). */
	private readonly bookPrices: {readonly last: Micros}[];
	private readonly stepSlots: SymbolSlot[] = [];
	private readonly stepBars: Bar[] = [];
	private ticks: readonly TickEvent[] = [];
	private tickIndex = 0;
	/** Quotes and trades delivered so far. */
	ticksProcessed = 0;
	/** Bars processed so far. */
	barsProcessed = 0;
	sessionsProcessed = 0;
	private stepCount = 0;

	constructor(
		sessions: Iterable<ReplaySession>,
		private readonly engine: Engine,
		private readonly exchange: SimExchange,
		private readonly hooks: BarReplayHooks = {},
		private readonly tickSource: TickSource | null = null,
	) {
		this.iterator = sessions[Symbol.iterator]();
		this.scalpers = engine.strategies.filter((s): s is ScalpStrategy => s.kind === 'scalp');
		for (const s of this.scalpers) this.stats.set(s.symbol, new SymbolStats(s.symbol));
		this.books = this.scalpers.map(s => engine.portfolio.book('scalp', s.symbol));
		this.bookPrices = this.scalpers.map(s => engine.priceSlot(s.symbol));
	}

	private slot(symbol: string): SymbolSlot {
		let slot = this.slots.get(symbol);
		if (!slot) {
			const scalper = this.scalpers.find(s => s.symbol === symbol) ?? null;
			slot = {
				enginePrice: this.engine.priceSlot(symbol),
				exchangePrice: this.exchange.priceSlot(symbol),
				open: this.exchange.openOrdersOf(symbol),
				stats: this.stats.get(symbol) ?? null,
				book: scalper ? this.engine.portfolio.book('scalp', symbol) : null,
				// Symbols with other strategies (or none) go through the engine's fan-out.
				onlyScalper: this.engine.strategiesFor(symbol).length === 1 ? scalper : null,
				bar: {symbol, start: 0, open: ZERO_MICROS, high: ZERO_MICROS, low: ZERO_MICROS, close: ZERO_MICROS, volume: 0},
				barStep: -1,
			};
			this.slots.set(symbol, slot);
		}
		return slot;
	}

	get finished(): boolean {
		return this.finishedFlag;
	}

	get sessionDate(): string | null {
		return this.current?.date ?? null;
	}

	/** Arrival time of the next step, or null when the replay is over. */
	peekNextArrival(): number | null {
		if (!this.current || this.row >= this.current.length) {
			if (!this.openNextSession()) return null;
		}
		return this.current!.start[this.row]! + BAR_MS;
	}

	private openNextSession(): boolean {
		if (this.current) this.endSession();
		const next = this.iterator.next();
		if (next.done) {
			this.current = null;
			this.finishedFlag = true;
			return false;
		}
		const session = next.value;
		const columnar = isColumnar(session);
		this.current = columnar ? session : columnsFromBars([session])[0]!;
		this.currentBars = columnar ? null : session.bars;
		this.sessionIndex += 1;
		this.row = 0;
		if (this.current.length === 0) return this.openNextSession();
		if (this.slotTableFor !== this.current.symbols) {
			this.slotTableFor = this.current.symbols;
			this.slotTable = new Array(this.current.symbols.length);
		}
		this.ticks = this.tickSource ? this.tickSource.sessionTicks(columnar ? {date: session.date, bars: sessionBars(session)} : session) : [];
		this.tickIndex = 0;
		const first = this.current.start[0]!;
		this.exchange.setTime(first);
		this.engine.beginSession(this.current.date, this.exchange.state(), first, {newSession: true});
		return true;
	}

	private endSession(): void {
		const session = this.current!;
		if (session.length > 0) {
			const end = session.start[session.length - 1]! + BAR_MS;
			this.exchange.setTime(end);
			this.engine.setTime(end);
		}
		this.exchange.expireAll();
		this.sessionsProcessed += 1;
		this.hooks.afterSession?.(session.date);
		this.current = null;
		this.currentBars = null;
	}

	step(): number | null {
		const arrival = this.peekNextArrival();
		if (arrival === null) return null;
		const s = this.current!;
		const begin = this.row;
		const startCol = s.start;
		const start = startCol[begin]!;
		let end = begin + 1;
		while (end < s.length && startCol[end] === start) end++;
		this.row = end;

		const engine = this.engine;
		const exchange = this.exchange;
		exchange.setTime(arrival);
		engine.setTime(arrival);
		const slots = this.stepSlots;
		const bars = this.stepBars;
		const table = this.slotTable;
		const own = this.currentBars;
		const n = end - begin;
		const step = ++this.stepCount;
		slots.length = n;
		bars.length = n;
		for (let k = 0; k < n; k++) {
			const i = begin + k;
			const index = s.symbol[i]!;
			const slot = table[index] ?? (table[index] = this.slot(s.symbols[index]!));
			// A new Bar per row for any other strategy: it may keep what it is given.
			const bar = own ? own[i]! : slot.onlyScalper && slot.barStep !== step ? rowInto(slot, s, i, step) : barAt(s, i);
			slots[k] = slot;
			bars[k] = bar;
			slot.exchangePrice.price = bar.close;
			slot.enginePrice.last = bar.close;
			// The session's open: its first bar's open (display only; reset per session).
			if (slot.enginePrice.first === 0) slot.enginePrice.first = bar.open;
		}
		if (exchange.hasOpenOrders()) for (let k = 0; k < n; k++) if (slots[k]!.open.length > 0) exchange.matchBar(bars[k]!);
		for (let k = 0; k < n; k++) {
			const scalper = slots[k]!.onlyScalper;
			if (scalper) scalper.onBar(bars[k]!, arrival);
			else engine.onBar(bars[k]!, arrival);
		}
		engine.checkup(arrival);
		this.record(n, arrival);
		this.barsProcessed += n;
		this.hooks.afterStep?.(arrival);
		engine.changed();
		return arrival;
	}

	private record(n: number, arrival: number): void {
		const slots = this.stepSlots;
		const bars = this.stepBars;
		for (let k = 0; k < n; k++) {
			const slot = slots[k]!;
			const book = slot.book;
			if (!book || !slot.stats) continue;
			slot.stats.observe(book.qty === 0 ? book.realized : addMicros(book.realized, book.unrealized(bars[k]!.close)), book.qty > 0);
		}
		let equity: Micros = this.engine.portfolio.cash;
		const books = this.books;
		const prices = this.bookPrices;
		for (let i = 0; i < books.length; i++) {
			const book = books[i]!;
			if (book.qty !== 0) equity = addMicros(equity, mulQty(prices[i]!.last, book.qty));
		}
		this.equity.add(arrival, equity);
	}

	/**
	 * Deliver everything up to market time `target`: quotes and trades in time order, and each
	 * bar arrival once its time has come (ticks of a minute come before that minute's arrival).
	 * Returns false once the replay is over.
	 */
	advanceTo(target: number): boolean {
		for (;;) {
			const arrival = this.peekNextArrival();
			if (arrival === null) return false;
			const tick = this.tickIndex < this.ticks.length ? this.ticks[this.tickIndex]! : null;
			const tickMs = tick ? (tick.kind === 'quote' ? tick.quote.ms : tick.trade.ms) : Infinity;
			if (tickMs < arrival && tickMs <= target) {
				this.tickIndex += 1;
				this.deliverTick(tick!);
				continue;
			}
			if (arrival <= target) {
				// Ticks stamped before this arrival but not yet due cannot exist: they came first.
				this.step();
				continue;
			}
			return true;
		}
	}

	private deliverTick(tick: TickEvent): void {
		this.ticksProcessed += 1;
		if (tick.kind === 'quote') {
			const q = tick.quote;
			this.exchange.setTime(q.ms, q.ns);
			this.engine.setTime(q.ms, q.ns);
			this.exchange.setQuote(q);
			this.engine.onQuote(q);
			return;
		}
		const t = tick.trade;
		this.exchange.setTime(t.ms, t.ns);
		this.engine.setTime(t.ms, t.ns);
		this.exchange.setLastPrice(t.symbol, t.price);
		this.engine.onTrade(t);
	}

	/** Run to the end (backtest). */
	runToEnd(): void {
		while (this.step() !== null) {
			// each step does the work
		}
	}
}

/** Row `i` written into the slot's own Bar (see SymbolSlot.bar). */
function rowInto(slot: SymbolSlot, s: ColumnarSession, i: number, step: number): Bar {
	const bar = slot.bar;
	bar.start = s.start[i]!;
	bar.open = s.open[i]!;
	bar.high = s.high[i]!;
	bar.low = s.low[i]!;
	bar.close = s.close[i]!;
	bar.volume = s.volume[i]!;
	slot.barStep = step;
	return bar;
}
