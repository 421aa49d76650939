/**
 * PAPER and LIVE mode: the engine trading through the Alpaca adapter. Bars, quotes and trades
 * come from one market-data stream; order events from the trade-updates stream. Market time is
 * the broker's: the latest event time, or the wall clock corrected by the offset measured from
 * the market clock at start (so a replaying emulator's time is followed too).
 *
 * At every bar arrival the checkup runs once all of that minute's bars are in (as in SIM), and
 * a timer runs it every 30 s of market time besides (the original's periodic checkup). After every reconnect the
 * engine is rebuilt from the broker's open orders and positions.
 */
import {nyDate} from '../core/time.js';
import type {Bar} from '../core/types.js';
import type {SessionControl} from '../engine/control.js';
import {EngineCommands} from './engine-commands.js';
import type {Engine} from '../engine/engine.js';
import {barProblem, quoteProblem, tradeProblem} from '../engine/market-guard.js';
import {buildSnapshot, type SessionParams} from '../engine/snapshot-builder.js';
import type {SessionSummary, SessionTally} from '../report/session-tally.js';
import type {EngineSnapshot} from '../engine/snapshot.js';
import type {Journal} from '../journal/records.js';
import type {ConnectionState, MarketData} from '../ports/market-data.js';
import type {Broker} from '../ports/broker.js';
import type {ScalpStrategy} from '../strategies/scalp.js';
import type {LogBuffer} from './log-buffer.js';

export const CHECKUP_MS = 30_000;
/** Longest a quit may take (issue 14: a stalled broker held it 15-80 s). */
export const SHUTDOWN_DEADLINE_MS = 5000;

/** True when `promise` settled within `ms` (its rejection counts as settled). */
function withDeadline(promise: Promise<unknown>, ms: number): Promise<boolean> {
	return new Promise(resolve => {
		const timer = setTimeout(() => resolve(false), ms);
		promise.then(
			() => {
				clearTimeout(timer);
				resolve(true);
			},
			() => {
				clearTimeout(timer);
				resolve(true);
			},
		);
	});
}

export interface LiveVenue {
	readonly broker: Broker & {start(): Promise<void>; onReconnected(l: () => void): () => void; onConnectionState(l: (s: ConnectionState) => void): () => void};
	readonly marketData: MarketData & {onReconnected(l: () => void): () => void};
	clock(): Promise<{ms: number; isOpen: boolean; nextOpenMs: number; nextCloseMs: number}>;
	close(): Promise<void>;
}

export interface LiveSessionOptions {
	readonly mode: 'paper' | 'live';
	readonly engine: Engine;
	readonly venue: LiveVenue;
	readonly journal: Journal;
	readonly log: LogBuffer;
	readonly version: string;
	readonly scalpSymbols: readonly string[];
	readonly hftSymbol: string | null;
	readonly wallNow?: () => number;
	/** How long bars wait for same-minute fills on the other socket (ms, default 25). */
	readonly barSettleMs?: number;
	/** The one deadline of a quit, from the key press to the broker connections closed (ms, default 5000). */
	readonly shutdownDeadlineMs?: number;
	/** Strategy parameters for the header and the journal's session start. */
	readonly params?: SessionParams;
	/** The journal wrapper that keeps the session summary (journaled and printed at quit). */
	readonly tally?: SessionTally;
	/** Name of the custom buy signal, if any (shown on the panels). */
	readonly signalName?: string | null;
	/** Start-up steps as they begin (the console prints them while it connects). */
	readonly onProgress?: (step: string) => void;
}

/** Broker state reads per rebuild while orders keep going out (each read waits for placements in flight). */
const MAX_STATE_READS = 5;

export class LiveSession extends EngineCommands implements SessionControl {
	readonly engine: Engine;
	private readonly venue: LiveVenue;
	private readonly wallNow: () => number;
	private clockOffset = 0;
	private lastEventMs = 0;
	private connection: ConnectionState = 'connecting';
	private checkupTimer: NodeJS.Timeout | null = null;
	private barTimer: NodeJS.Timeout | null = null;
	private readonly pendingBars: Bar[] = [];
	/** Time of the last good trade per symbol (is a bar's close the newest price?). */
	private readonly lastTradeMs = new Map<string, number>();
	private stopped = false;
	private readonly listeners = new Set<() => void>();
	private sessionDate: string | null = null;

	constructor(private readonly options: LiveSessionOptions) {
		super();
		this.engine = options.engine;
		this.venue = options.venue;
		this.wallNow = options.wallNow ?? Date.now;
		this.engine.onChange(() => this.emitChange());
	}

	/** Market time now (never behind the last event the broker sent). */
	now(): number {
		return Math.max(this.lastEventMs, this.wallNow() + this.clockOffset);
	}

	async start(): Promise<void> {
		this.options.onProgress?.('reading the market clock');
		const clock = await this.venue.clock();
		this.clockOffset = clock.ms - this.wallNow();
		this.lastEventMs = clock.ms;
		this.engine.setTime(clock.ms);
		const symbols = [...this.options.scalpSymbols, ...(this.options.hftSymbol ? [this.options.hftSymbol] : [])];
		this.options.journal.write({
			ts: clock.ms,
			type: 'session',
			event: 'start',
			mode: this.options.mode,
			version: this.options.version,
			symbols,
			...(this.options.params ? {params: this.options.params.json} : {}),
		});
		try {
			await this.startTrading(clock);
		} catch (error) {
			// A start line always gets its end line: a reader must not take this run for one
			// that is still going (or crashed).
			this.stopped = true;
			if (this.checkupTimer) clearTimeout(this.checkupTimer);
			if (this.barTimer) clearTimeout(this.barTimer);
			const message = error instanceof Error ? error.message : String(error);
			this.options.journal.write({
				ts: this.now(),
				type: 'session',
				event: 'end',
				mode: this.options.mode,
				version: this.options.version,
				symbols,
				how: 'start_failed',
				error: message.split('\n')[0]!,
			});
			this.options.journal.flush();
			throw error;
		}
	}

	private async startTrading(clock: {isOpen: boolean; nextOpenMs: number}): Promise<void> {
		const progress = this.options.onProgress ?? (() => {});
		this.engine.log(
			null,
			'info',
			`${this.options.mode.toUpperCase()}: market ${clock.isOpen ? 'open' : `closed, opens ${new Date(clock.nextOpenMs).toISOString()}`}`,
		);
		this.venue.broker.onConnectionState(state => {
			this.connection = state;
			this.emitChange();
		});
		progress('connecting the trade-updates stream');
		await this.venue.broker.start();
		progress('loading open orders and positions');
		await this.rebuild(true);
		progress("loading today's bars");
		await this.warmUp();
		progress('connecting the market-data stream');
		this.venue.broker.onReconnected(() => void this.rebuild(false));
		this.venue.marketData.onReconnected(() => void this.rebuild(false));
		const bars = [...new Set([...this.options.scalpSymbols])];
		const hft = this.options.hftSymbol ? [this.options.hftSymbol] : [];
		await this.venue.marketData.start(
			{bars, quotes: hft, trades: [...new Set([...hft, ...bars])]},
			{
				onBar: bar => this.onBar(bar),
				// A bad event never moves the clock (a stray time could start a new day or the
				// end-of-day exits); the engine drops and journals it.
				onQuote: quote => {
					if (quoteProblem(quote) === null) {
						this.advance(quote.ms);
						this.engine.setTime(quote.ms, quote.ns);
					}
					this.engine.onQuote(quote);
				},
				onTrade: trade => {
					if (tradeProblem(trade) === null) {
						if (trade.ms > (this.lastTradeMs.get(trade.symbol) ?? -Infinity)) this.lastTradeMs.set(trade.symbol, trade.ms);
						this.advance(trade.ms);
						this.engine.setTime(trade.ms, trade.ns);
					}
					this.engine.onTrade(trade);
				},
			},
		);
		this.connection = 'connected';
		this.scheduleCheckup();
		this.emitChange();
	}

	private advance(ms: number): void {
		if (ms > this.lastEventMs) this.lastEventMs = ms;
		const date = nyDate(ms);
		if (this.sessionDate !== null && date !== this.sessionDate) void this.rebuild(true);
	}

	/** Adopt the broker's truth: on start, a new trading day, and after every reconnect. */
	private async rebuild(newSession: boolean): Promise<void> {
		if (this.stopped) return;
		// A strategy may place an order while the state is read (a bar filled in from REST after
		// a market-data reconnect trades at once): that snapshot may not list it, and adopting it
		// would forget an order that is open at the broker. Read again until none was sent meanwhile.
		let state = null;
		for (let attempt = 1; ; attempt++) {
			const sentBefore = this.engine.ordersSent;
			state = await this.venue.broker.loadState();
			if (this.engine.ordersSent === sentBefore || attempt >= MAX_STATE_READS) break;
		}
		if (this.stopped) return;
		const now = this.now();
		const date = nyDate(now);
		const isNew = newSession || this.sessionDate !== date;
		this.sessionDate = date;
		this.engine.beginSession(date, state, now, {newSession: isNew});
		if (!newSession) this.engine.log(null, 'info', 'reconnected: orders and positions reconciled with the broker');
	}

	/** Today's bars so far, so the SMA is ready (the original loaded them at start). */
	private async warmUp(): Promise<void> {
		const session = this.engine.session;
		if (!session) return;
		const now = this.now();
		for (const symbol of this.options.scalpSymbols) {
			let bars: Bar[] = [];
			try {
				bars = await this.venue.marketData.loadSessionBars(symbol, session.open, now);
			} catch (error) {
				this.engine.log(symbol, 'warn', `warm-up bars unavailable: ${(error as Error).message}`);
				continue;
			}
			const scalper = this.engine.strategiesFor(symbol).find(s => s.kind === 'scalp') as ScalpStrategy | undefined;
			for (const bar of bars) if (bar.start + 60_000 <= now) scalper?.warmUp(bar);
			const last = bars.at(-1);
			if (last && this.engine.lastPrice(symbol) === 0) this.engine.setLastPrice(symbol, last.close);
			// Today's first bar is the session's open (the console's change since the open).
			if (bars[0]) this.engine.priceSlot(symbol).first = bars[0].open;
			if (bars.length > 0) this.engine.log(symbol, 'info', `warm-up: ${bars.length} bars of today`);
		}
	}

	/**
	 * Bars wait a moment before the strategies see them: fills of the same minute travel on the
	 * other socket and bar mode delivers fills before bars, so a sell filled at the
	 * arrival frees the symbol before its bar is evaluated, as in SIM.
	 */
	private onBar(bar: Bar): void {
		if (barProblem(bar) !== null) {
			this.engine.onBar(bar, this.engine.now);
			return;
		}
		this.advance(bar.start + 60_000);
		this.pendingBars.push(bar);
		if (this.barTimer === null) this.barTimer = setTimeout(() => this.flushBars(), this.options.barSettleMs ?? 25);
	}

	private flushBars(): void {
		this.barTimer = null;
		if (this.stopped) return;
		const bars = this.pendingBars.splice(0).sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
		let arrival = 0;
		for (const bar of bars) {
			arrival = bar.start + 60_000;
			this.engine.setTime(Math.max(this.engine.now, arrival));
			// The bar's close is the last price (bar mode, step 1) unless a trade after its minute
			// came already: this also covers symbols without a trade stream, and bars filled from
			// REST after a reconnect, whose trades were never streamed (a stale price would buy).
			if ((this.lastTradeMs.get(bar.symbol) ?? -Infinity) < arrival) this.engine.setLastPrice(bar.symbol, bar.close);
			this.engine.onBar(bar, arrival);
		}
		if (bars.length === 0) return;
		// One checkup once the minute's bars are in, as bar mode does.
		this.engine.checkup(Math.max(arrival, this.engine.now));
		// The only outside sign that a minute without an order was seen (a reader can tell a
		// quiet minute from a missed one; the end-to-end tests step the emulator on it).
		this.options.journal.write({ts: arrival, type: 'bars_evaluated', symbols: [...new Set(bars.map(bar => bar.symbol))]});
	}

	private scheduleCheckup(): void {
		if (this.stopped) return;
		this.checkupTimer = setTimeout(() => {
			this.engine.setTime(Math.max(this.engine.now, this.now()));
			this.engine.checkup(this.engine.now);
			this.scheduleCheckup();
		}, CHECKUP_MS);
		this.checkupTimer.unref?.();
	}

	// --- SessionControl ------------------------------------------------------------------

	snapshot(): EngineSnapshot {
		return buildSnapshot(this.engine, {
			mode: this.options.mode,
			connection: this.connection,
			speed: null,
			log: this.options.log.lines(),
			risk: this.engine.riskView(),
			finished: false,
			displayMs: this.now(),
			...(this.options.params ? {params: this.options.params} : {}),
			signalName: this.options.signalName ?? null,
		});
	}

	/** The session's summary once it has ended (journaled before its end line). */
	summary(): SessionSummary | null {
		return this.options.tally?.last ?? null;
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emitChange(): void {
		for (const listener of this.listeners) listener();
	}

	changeSpeed(): number | null {
		return null;
	}

	/**
	 * One deadline for the whole quit (default 5 s): a stalled broker must not hold the
	 * operator for minutes. Each wait says what it is waiting for, and what was left when the
	 * deadline passed (orders the broker may still hold show again on the next start).
	 */
	async shutdown(options: {how: 'flatten' | 'cancel_orders' | 'leave'; reason: string}): Promise<void> {
		if (this.stopped) return;
		const deadline = Date.now() + (this.options.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS);
		this.engine.note('quit');
		if (options.how === 'flatten') {
			this.engine.liquidateAll();
			await this.waitUntil(
				() => !this.engine.hasExposure(),
				deadline,
				() => `positions to be sold (${this.exposedSymbols()})`,
			);
		}
		this.engine.halt('shutting down');
		if (options.how !== 'leave') {
			this.engine.cancelAll('manual');
			await this.waitUntil(
				() => this.engine.openOrderCount() === 0,
				deadline,
				() => `${this.engine.openOrderCount()} open order(s) to be canceled (${this.orderSymbols()})`,
			);
		}
		this.stopped = true;
		if (this.checkupTimer) clearTimeout(this.checkupTimer);
		if (this.barTimer) clearTimeout(this.barTimer);
		const exposure = this.engine.hasExposure();
		this.engine.log(
			null,
			exposure ? 'warn' : 'info',
			`quit (${options.reason}): ${this.engine.openOrderCount() > 0 ? 'orders still open at the broker' : exposure ? 'positions left open' : 'flat, no open orders'}`,
		);
		this.options.journal.write({
			ts: this.now(),
			type: 'session',
			event: 'end',
			mode: this.options.mode,
			version: this.options.version,
			symbols: [...this.options.scalpSymbols],
			how: options.how,
		});
		this.options.journal.flush();
		try {
			const closed = await withDeadline(this.venue.close(), Math.max(deadline - Date.now(), 250));
			if (!closed) this.engine.log(null, 'warn', 'quit: the broker connections did not close in time; leaving them');
		} finally {
			this.options.journal.close();
			this.emitChange();
		}
	}

	private exposedSymbols(): string {
		return [...new Set(this.engine.strategies.filter(s => this.engine.portfolio.symbolQty(s.symbol) !== 0).map(s => s.symbol))].join(', ') || 'none';
	}

	private orderSymbols(): string {
		return [...new Set(this.engine.openOrders().map(o => o.symbol))].join(', ') || 'not yet acknowledged';
	}

	private async waitUntil(done: () => boolean, deadline: number, what: () => string): Promise<void> {
		if (done()) return;
		const seconds = Math.max(0, Math.round((deadline - Date.now()) / 100) / 10);
		this.engine.log(null, 'info', `quit: waiting up to ${seconds} s for ${what()}`);
		while (!done() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
		if (!done()) this.engine.log(null, 'warn', `quit: gave up waiting for ${what()}: the broker did not confirm in time`);
	}
}
