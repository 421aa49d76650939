/**
 * The emulator's discrete market clock over replayed minute bars (bar mode, the way
 * backtest/bar-runner.ts steps SIM mode). The clock stays at the current arrival time A between
 * steps, so an order that arrives between steps is stamped A, exactly as SIM stamps an order
 * sent in reaction to a bar. One step is one of:
 *
 * - an arrival: A = bar start + 60 s. The exchange moves to A, last prices become the closes,
 *   resting orders are matched against the bars (trade updates go out synchronously), then the
 *   step listeners publish the bars;
 * - a session end (the step after a session's last arrival): every open order expires at the
 *   last A, then the listeners hear about it. The next step opens the next session.
 *
 * - a tick (tick mode only): the next quote or trade of the session, when it comes before the
 *   next arrival (a minute's ticks precede its bar's arrival, as in the tick backtest). The
 *   clock moves to its time; a quote becomes the top of book IOC orders fill against, a trade
 *   the last price; then the listeners stream it.
 *
 * Steps are paced by a speed (60 = one market minute per wall second, 0 = manual: someone calls
 * step()). Between sessions and at a session's end the pause is one market minute.
 */
import type {SimExchange} from '../adapters/sim/exchange.js';
import {toSessions, type BarSession} from '../adapters/replay/minute-csv.js';
import {DataError} from '../core/errors.js';
import {maxMicros, type Micros, minMicros} from '../core/money.js';
import {DAY_MS, HOUR_MS, MINUTE_MS, nyDate, nyMidnight, sessionTimes} from '../core/time.js';
import type {Bar} from '../core/types.js';
import type {TickEvent} from '../adapters/sim/synthetic-ticks.js';
import {tickTime, type TickSource} from './tick-source.js';

export const BAR_MS = MINUTE_MS;

export interface StepReport {
	readonly kind: 'arrival' | 'session_end' | 'tick';
	/** Market time after the step. */
	readonly time: number;
	/** New York date of the session the step belongs to. */
	readonly date: string;
	/** The bars that arrived (arrival steps), in symbol order; empty at a session end. */
	readonly bars: readonly Bar[];
	/** The quote or trade of a tick step. */
	readonly tick?: TickEvent;
}

export type StepListener = (report: StepReport) => void;

/** Running aggregate of one symbol's bars in the current session. */
export interface DayAggregate {
	readonly symbol: string;
	readonly start: number;
	open: Micros;
	high: Micros;
	low: Micros;
	close: Micros;
	volume: number;
	count: number;
}

/** Index of the first element whose key is > `limit` in an ascending array. */
function upperBound(bars: readonly Bar[], limit: number): number {
	let lo = 0;
	let hi = bars.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (bars[mid]!.start <= limit) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export class MarketReplay {
	private readonly sessions: readonly BarSession[];
	private readonly bySymbol = new Map<string, readonly Bar[]>();
	private readonly listeners: StepListener[] = [];
	private readonly priceListeners = new Set<StepListener>();
	private readonly day = new Map<string, DayAggregate>();
	private sessionIndex = 0;
	private barIndex = 0;
	private ended = false;
	private finishedFlag = false;
	private nowMs: number;
	private speedValue = 0;
	private timer: NodeJS.Timeout | undefined;
	private closed = false;
	/** The open session's ticks (null until asked for) and the next one's index. */
	private ticks: readonly TickEvent[] | null = null;
	private tickIndex = 0;

	constructor(
		bars: ReadonlyMap<string, readonly Bar[]>,
		private readonly exchange: SimExchange,
		private readonly onListenerError: (error: unknown) => void = () => {},
		private readonly tickSource: TickSource | null = null,
	) {
		const copy = new Map<string, Bar[]>();
		for (const [symbol, list] of bars) {
			const sorted = [...list].sort((a, b) => a.start - b.start);
			copy.set(symbol, sorted);
			this.bySymbol.set(symbol, sorted);
		}
		this.sessions = toSessions(copy).filter(s => s.bars.length > 0);
		const first = this.sessions[0]?.bars[0];
		if (!first) throw new DataError('no regular-session minute bars to replay');
		this.nowMs = first.start;
		exchange.setTime(first.start);
	}

	// --- clock ---------------------------------------------------------------------------

	/** Market time now (epoch ms). */
	get now(): number {
		return this.nowMs;
	}

	/** True once the last session has ended. */
	get finished(): boolean {
		return this.finishedFlag;
	}

	get session(): BarSession {
		return this.sessions[this.sessionIndex]!;
	}

	/** True between a session's end step and the next session's first arrival. */
	get sessionEnded(): boolean {
		return this.ended;
	}

	get symbols(): string[] {
		return [...this.bySymbol.keys()].sort();
	}

	hasSymbol(symbol: string): boolean {
		return this.bySymbol.has(symbol);
	}

	/** True when the symbol's quotes and trades are streamed as ticks. */
	streamsTicks(symbol: string): boolean {
		return this.tickSource?.symbols.has(symbol) ?? false;
	}

	get sessionDates(): string[] {
		return this.sessions.map(s => s.date);
	}

	/**
	 * Regular close of a session date: 16:00 New York. (Early closes are not inferred: a data set
	 * that stops early may just be partial. The session still ends when its data ends.)
	 */
	closeOf(date: string): number {
		return sessionTimes(date).close;
	}

	/** True when the regular session of the current date is running at the clock. */
	get isOpen(): boolean {
		if (this.ended) return false;
		const date = this.session.date;
		return this.nowMs >= sessionTimes(date).open && this.nowMs < this.closeOf(date);
	}

	/** Open of the next session starting after the clock, from the data or else the next weekday. */
	nextSession(): {open: number; close: number} {
		for (const session of this.sessions) {
			const open = sessionTimes(session.date).open;
			if (open > this.nowMs) return {open, close: this.closeOf(session.date)};
		}
		// Past the data: the next weekday (holidays unknown) whose open is after the clock.
		const noon = nyMidnight(nyDate(this.nowMs)) + 12 * HOUR_MS;
		for (let i = 0; ; i++) {
			const date = nyDate(noon + i * DAY_MS);
			const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
			const times = sessionTimes(date);
			if (weekday !== 0 && weekday !== 6 && times.open > this.nowMs) return {open: times.open, close: times.close};
		}
	}

	// --- stepping ------------------------------------------------------------------------

	/** Called at each arrival after last prices are set and before resting orders are matched. */
	onPrices(listener: StepListener): () => void {
		this.priceListeners.add(listener);
		return () => this.priceListeners.delete(listener);
	}

	onStep(listener: StepListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	/** Run one step; null when the replay is over. */
	step(): StepReport | null {
		if (this.finishedFlag || this.closed) return null;
		if (this.ended) {
			this.sessionIndex += 1;
			this.barIndex = 0;
			this.ended = false;
			this.day.clear();
			this.ticks = null;
			this.tickIndex = 0;
		}
		const session = this.session;
		const bars = session.bars;
		const tick = this.nextTick();
		if (tick !== null && tickTime(tick).ms < (bars[this.barIndex]?.start ?? Infinity) + BAR_MS) return this.deliverTick(tick, session.date);
		if (this.barIndex >= bars.length) {
			// The end is the arrival of the last bar, or of the minute of a later last tick.
			const lastTick = this.ticks?.[this.ticks.length - 1];
			const lastMs = lastTick ? tickTime(lastTick).ms : 0;
			const end = Math.max(bars[bars.length - 1]!.start, lastMs - (lastMs % BAR_MS)) + BAR_MS;
			this.nowMs = end;
			this.exchange.setTime(end);
			this.exchange.expireAll();
			this.ended = true;
			if (this.sessionIndex === this.sessions.length - 1) this.finishedFlag = true;
			return this.notify({kind: 'session_end', time: end, date: session.date, bars: []});
		}
		const begin = this.barIndex;
		const start = bars[begin]!.start;
		let end = begin;
		while (end < bars.length && bars[end]!.start === start) end++;
		this.barIndex = end;
		const arrival = start + BAR_MS;
		const arrived = bars.slice(begin, end);
		this.nowMs = arrival;
		const exchange = this.exchange;
		exchange.setTime(arrival);
		for (const bar of arrived) exchange.setLastPrice(bar.symbol, bar.close);
		for (const bar of arrived) this.addToDay(bar);
		// The last trade (the bar's close) goes out before any fill it causes, as in SIM, where
		// the close is the last price before matching; then fills; then the bars.
		const report: StepReport = {kind: 'arrival', time: arrival, date: session.date, bars: arrived};
		for (const listener of [...this.priceListeners]) {
			try {
				listener(report);
			} catch (error) {
				this.onListenerError(error);
			}
		}
		if (exchange.hasOpenOrders()) for (const bar of arrived) exchange.matchBar(bar);
		return this.notify(report);
	}

	/** The open session's next tick, or null (always null without a tick source). */
	private nextTick(): TickEvent | null {
		if (this.tickSource === null) return null;
		this.ticks ??= this.tickSource.sessionTicks(this.session);
		return this.ticks[this.tickIndex] ?? null;
	}

	private deliverTick(tick: TickEvent, date: string): StepReport {
		this.tickIndex += 1;
		const {ms, ns} = tickTime(tick);
		this.nowMs = Math.max(this.nowMs, ms);
		this.exchange.setTime(ms, ns);
		if (tick.kind === 'quote') this.exchange.setQuote(tick.quote);
		else this.exchange.setLastPrice(tick.trade.symbol, tick.trade.price);
		return this.notify({kind: 'tick', time: this.nowMs, date, bars: [], tick});
	}

	private notify(report: StepReport): StepReport {
		for (const listener of [...this.listeners]) {
			try {
				listener(report);
			} catch (error) {
				this.onListenerError(error);
			}
		}
		return report;
	}

	private addToDay(bar: Bar): void {
		const agg = this.day.get(bar.symbol);
		if (!agg) {
			this.day.set(bar.symbol, {
				symbol: bar.symbol,
				start: nyMidnight(this.session.date),
				open: bar.open,
				high: bar.high,
				low: bar.low,
				close: bar.close,
				volume: bar.volume,
				count: 1,
			});
			return;
		}
		agg.high = maxMicros(agg.high, bar.high);
		agg.low = minMicros(agg.low, bar.low);
		agg.close = bar.close;
		agg.volume += bar.volume;
		agg.count += 1;
	}

	// --- pacing --------------------------------------------------------------------------

	get speed(): number {
		return this.speedValue;
	}

	/** Market minutes per wall second x 60 (60 = real time x 60); 0 stops pacing (manual). */
	setSpeed(speed: number): void {
		if (!(Number.isFinite(speed) && speed >= 0)) throw new RangeError(`speed must be a number >= 0, got ${speed}`);
		this.speedValue = speed;
		this.schedule();
	}

	/** Market milliseconds until the next step. */
	private nextGap(): number {
		if (this.ended) return BAR_MS;
		const bars = this.session.bars;
		const arrival = this.barIndex < bars.length ? bars[this.barIndex]!.start + BAR_MS : Infinity;
		const tick = this.nextTick();
		const next = Math.min(arrival, tick === null ? Infinity : tickTime(tick).ms);
		if (next === Infinity) return BAR_MS;
		return Math.max(next - this.nowMs, 0);
	}

	private schedule(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		if (this.closed || this.speedValue <= 0 || this.finishedFlag) return;
		const delay = this.nextGap() / this.speedValue;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			try {
				this.step();
			} catch (error) {
				this.onListenerError(error);
			}
			this.schedule();
		}, delay);
	}

	/** A manual step also restarts the pacing timer from now. */
	stepAndReschedule(): StepReport | null {
		const report = this.step();
		this.schedule();
		return report;
	}

	stop(): void {
		this.closed = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	// --- data as of the clock ------------------------------------------------------------

	/** The symbol's bars that have arrived (start + 60 s <= now), ascending. */
	arrivedBars(symbol: string): readonly Bar[] {
		const bars = this.bySymbol.get(symbol);
		if (!bars) return [];
		return bars.slice(0, upperBound(bars, this.nowMs - BAR_MS));
	}

	/** The last arrived bar and its index in the symbol's series (the synthetic trade id). */
	lastArrived(symbol: string): {bar: Bar; index: number} | null {
		const bars = this.bySymbol.get(symbol);
		if (!bars) return null;
		const n = upperBound(bars, this.nowMs - BAR_MS);
		return n === 0 ? null : {bar: bars[n - 1]!, index: n - 1};
	}

	/** Close of the symbol's last bar before the current session's date. */
	previousClose(symbol: string): Micros | null {
		const bars = this.bySymbol.get(symbol);
		if (!bars) return null;
		const n = upperBound(bars, nyMidnight(this.session.date) - 1);
		return n === 0 ? null : bars[n - 1]!.close;
	}

	/** The symbol's session aggregate so far (null before its first bar of the session). */
	dayAggregate(symbol: string): Readonly<DayAggregate> | null {
		return this.day.get(symbol) ?? null;
	}
}
