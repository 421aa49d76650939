/**
 * The concurrent scalper's per-symbol state machine: a port of ScalpAlgo from Alpaca's
 * example-scalping. One instance per symbol; the engine feeds it bars, order
 * events and a periodic checkup. Pure: everything it does goes through its StrategyContext.
 */
import {floorDiv, roundCentHalfUp, roundRatioCentHalfUp, type Micros, microsToNumber} from '../core/money.js';
import {NumberRing, RollingSum} from '../core/ring.js';
import type {Bar, CancelReason, Order, OrderEvent, OrderReason} from '../core/types.js';
import type {PositionState, StrategyContext, StrategyView, SymbolStrategy} from '../engine/context.js';
import type {ScalpState} from '../engine/snapshot.js';
import {microsToSignalBar, smaCrossUp, type CustomSignal, type SignalBar} from './signal.js';
import {DEFAULT_SCALP_PARAMS, type ScalpParams} from './params.js';

/** A buy order still open after this long is canceled at the next checkup (strictly older); the default of `--stale-buy`. */
export const STALE_BUY_MS = DEFAULT_SCALP_PARAMS.staleBuyMs;
/** Closes kept for the console's chart. */
export const HISTORY_POINTS = 240;

export interface ScalpOptions {
	readonly lot: Micros;
	/** Exit a position held longer than this at market; null = off. */
	readonly exitAfterMs: number | null;
	readonly signal: CustomSignal | null;
	/** Keep chart history (console); backtests skip it. */
	readonly keepHistory: boolean;
	/**
	 * On start/rebuild, place the take-profit again for a held position with no open order.
	 * Consoles (sim/paper/live) set it; backtests leave it off so a day order that expired
	 * overnight leaves the next session's decisions as the original's (TO_SELL until 15:55).
	 */
	readonly replaceExitOnRebuild?: boolean;
	/** SMA window, take-profit, stale-buy and end-of-day time; the originals' when absent. */
	readonly params?: ScalpParams;
}

type ExitReason = Extract<OrderReason, 'eod' | 'exit_after' | 'manual'>;

interface TrackedOrder {
	/** A cancel was asked for (a network broker confirms later): never ask twice. */
	cancelRequested?: boolean;
	readonly clientOrderId: string;
	readonly side: 'buy' | 'sell';
	readonly type: 'market' | 'limit';
	readonly qty: number;
	readonly limitPrice: Micros | null;
	readonly submittedMs: number;
}

export class ScalpStrategy implements SymbolStrategy {
	readonly kind = 'scalp' as const;
	state: ScalpState = 'TO_BUY';
	paused = false;
	/** Completed round trips (a sell fill that flattened the position). */
	roundTrips = 0;
	wins = 0;

	private order: TrackedOrder | null = null;
	private readonly closes: RollingSum;
	/** The parameters, copied into fields: read on every bar or checkup. */
	private readonly smaWindow: number;
	private readonly minBars: number;
	private readonly takeProfit: Micros;
	private readonly staleBuyMs: number;
	private readonly eodMs: number;
	/** The session the end-of-day instant was computed for (it moves with DST). */
	private eodSession: object | null = null;
	private eodAt = 0;
	private barsThisSession = 0;
	private lastBarStart = Number.NEGATIVE_INFINITY;
	/** This session's bars for a custom signal (only kept when one is configured). */
	private sessionBars: SignalBar[] = [];
	/** Set when a market exit waits for a limit order's cancel to be confirmed. */
	private exitIntent: ExitReason | null = null;
	/** Set when the operator canceled a sell: hold the position, no automatic bailout. */
	private holdAfterCancel = false;
	private positionOpenedMs: number | null = null;
	/** Realized P&L when the current position was opened (win/loss per round trip). */
	private realizedAtEntry = 0;
	private readonly chartCloses: NumberRing | null;
	private readonly chartSma: NumberRing | null;

	constructor(
		readonly symbol: string,
		private readonly ctx: StrategyContext,
		private readonly options: ScalpOptions,
		/** This strategy's own shares of the symbol (kept by the engine from fills). */
		private readonly book: PositionState & {readonly realized: Micros},
	) {
		const params = options.params ?? DEFAULT_SCALP_PARAMS;
		this.smaWindow = params.smaWindow;
		this.minBars = params.smaWindow + 1;
		this.takeProfit = params.takeProfit;
		this.staleBuyMs = params.staleBuyMs;
		this.eodMs = params.eodMs;
		this.closes = new RollingSum(params.smaWindow);
		this.chartCloses = options.keepHistory ? new NumberRing(HISTORY_POINTS) : null;
		this.chartSma = options.keepHistory ? new NumberRing(HISTORY_POINTS) : null;
	}

	// --- market events -------------------------------------------------------------------

	/**
	 * A bar of today's session from before the start (or missed during a disconnect): it joins
	 * the history, but no signal is evaluated on it (the original loaded these at start-up).
	 */
	warmUp(bar: Bar): boolean {
		// A bar seen twice (warm-up overlapping the stream, a replayed message) or out of order
		// would distort the SMA: drop it.
		if (bar.start <= this.lastBarStart) return false;
		this.lastBarStart = bar.start;
		this.closes.push(bar.close);
		this.barsThisSession += 1;
		if (this.options.signal) this.sessionBars.push(microsToSignalBar(bar.start, bar.open, bar.high, bar.low, bar.close, bar.volume));
		if (this.chartCloses && this.chartSma) {
			this.chartCloses.push(microsToNumber(bar.close));
			this.chartSma.push(this.closes.length >= this.smaWindow ? microsToNumber(this.closes.sum / this.smaWindow) : Number.NaN);
		}
		return true;
	}

	/** A minute bar arrived at `nowMs` (its start + 60 s in bar mode). */
	onBar(bar: Bar, nowMs: number): void {
		if (!this.warmUp(bar)) {
			this.ctx.log(this.symbol, 'warn', `duplicate or out-of-order bar ${new Date(bar.start).toISOString()} dropped`);
			return;
		}
		if (this.barsThisSession < this.minBars) return;
		if (nowMs >= this.endOfDay()) return;
		if (this.state !== 'TO_BUY' || this.paused) return;
		if (this.evaluateSignal()) this.submitBuy();
	}

	private evaluateSignal(): boolean {
		if (this.options.signal) {
			let fired = false;
			try {
				fired = this.options.signal(this.sessionBars, this.symbol) === true;
			} catch (error) {
				this.ctx.error(this.symbol, `custom signal threw: ${(error as Error).message ?? String(error)}`);
				return false;
			}
			if (fired && this.ctx.recording) this.ctx.signal(this.symbol, {signal: 'custom', close: microsToNumber(this.closes.back(0))});
			return fired;
		}
		if (!smaCrossUp(this.closes)) return false;
		// The line's fields are built only when it goes somewhere (not in a sweep's backtests).
		if (!this.ctx.recording) return true;
		this.ctx.signal(this.symbol, {
			signal: `sma${this.smaWindow}_cross`,
			close: microsToNumber(this.closes.back(0)),
			sma: microsToNumber(this.closes.sum / this.smaWindow),
			prev_close: microsToNumber(this.closes.back(1)),
			prev_sma: microsToNumber(this.closes.previousSum / this.smaWindow),
		});
		return true;
	}

	// --- orders --------------------------------------------------------------------------

	private submitBuy(): void {
		const last = this.ctx.lastPrice(this.symbol);
		if (!(last > 0)) {
			this.ctx.error(this.symbol, 'buy skipped: no last price');
			return;
		}
		const qty = floorDiv(this.options.lot, last);
		if (qty <= 0) {
			this.ctx.error(this.symbol, `buy skipped: lot ${microsToNumber(this.options.lot)} buys 0 shares at ${microsToNumber(last)}`);
			return;
		}
		const result = this.ctx.submit({symbol: this.symbol, side: 'buy', type: 'limit', qty, limitPrice: last, timeInForce: 'day'}, 'signal', 'buy');
		if (!result.accepted) {
			// The original's except branch: stay ready to buy.
			this.transition('TO_BUY');
			return;
		}
		this.order = {clientOrderId: result.clientOrderId, side: 'buy', type: 'limit', qty, limitPrice: last, submittedMs: this.ctx.now()};
		this.transition('BUY_SUBMITTED');
	}

	/** Take-profit limit sell of the whole position at max(average + take-profit, last), cent-rounded. */
	private submitTakeProfit(): void {
		const {qty, costBasis} = this.book;
		if (qty <= 0) {
			this.transition('TO_BUY');
			return;
		}
		const last = this.ctx.lastPrice(this.symbol);
		// Compare last against average + take-profit without dividing: last*qty vs cost + tp*qty.
		const tp = this.takeProfit;
		const limit = last * qty > costBasis + tp * qty ? roundCentHalfUp(last) : roundRatioCentHalfUp(costBasis, qty, tp);
		this.submitSell(qty, 'limit', limit, 'take_profit');
	}

	/** Place the take-profit again for a held position left without an exit order. */
	private replaceTakeProfit(why: string): void {
		this.holdAfterCancel = false;
		if (this.book.qty <= 0) return;
		this.ctx.log(this.symbol, 'info', `take-profit placed again ${why}`);
		this.submitTakeProfit();
	}

	private submitMarketSell(reason: OrderReason): void {
		const {qty} = this.book;
		this.exitIntent = null;
		if (qty <= 0) {
			this.transition('TO_BUY');
			return;
		}
		this.submitSell(qty, 'market', null, reason);
	}

	private submitSell(qty: number, type: 'market' | 'limit', limitPrice: Micros | null, reason: OrderReason): void {
		const result = this.ctx.submit({symbol: this.symbol, side: 'sell', type, qty, limitPrice, timeInForce: 'day'}, reason, type === 'market' ? 'exit' : 'tp');
		if (!result.accepted) {
			// The original's except branch: wait in TO_SELL (no retry loop).
			this.transition('TO_SELL');
			return;
		}
		this.order = {clientOrderId: result.clientOrderId, side: 'sell', type, qty, limitPrice, submittedMs: this.ctx.now()};
		this.transition('SELL_SUBMITTED');
	}

	private cancelOpen(reason: CancelReason): void {
		if (!this.order || this.order.cancelRequested) return;
		this.order.cancelRequested = true;
		this.ctx.cancel(this.order.clientOrderId, this.symbol, reason);
	}

	onOrderEvent(event: OrderEvent): void {
		const mine = this.order !== null && this.order.clientOrderId === event.order.clientOrderId;
		switch (event.event) {
			case 'new':
			case 'replaced':
				return;
			case 'partial_fill':
				this.notePositionOpened();
				return;
			case 'fill':
				this.onFill(event, mine);
				return;
			case 'canceled':
			case 'rejected':
				if (!mine) return;
				this.order = null;
				if (event.atSubmission) {
					// Refused when placed (a network broker answers later): the except branch.
					this.transition(event.order.side === 'buy' && this.book.qty <= 0 ? 'TO_BUY' : 'TO_SELL');
					return;
				}
				this.onCanceledOrRejected();
				return;
			case 'expired':
				if (!mine) return;
				// Day orders expire at the close; the next session rebuilds state from the broker.
				this.order = null;
				this.exitIntent = null;
				this.transition(this.book.qty > 0 ? 'TO_SELL' : 'TO_BUY');
				return;
		}
	}

	private onFill(event: OrderEvent, mine: boolean): void {
		if (mine) this.order = null;
		if (event.order.side === 'buy') this.notePositionOpened();
		if (this.state === 'BUY_SUBMITTED') {
			this.transition('TO_SELL');
			if (this.exitIntent) this.submitMarketSell(this.exitIntent);
			else this.submitTakeProfit();
			return;
		}
		if (this.state === 'SELL_SUBMITTED') {
			if (this.book.qty > 0) {
				// Another order's fill left shares (e.g. shares bought by the operator): keep selling.
				this.transition('TO_SELL');
				return;
			}
			this.closeRoundTrip();
			this.transition('TO_BUY');
		}
	}

	private onCanceledOrRejected(): void {
		const hasPosition = this.book.qty > 0;
		if (this.state === 'BUY_SUBMITTED') {
			if (!hasPosition) {
				this.exitIntent = null;
				this.transition('TO_BUY');
				return;
			}
			this.transition('TO_SELL');
			if (this.exitIntent) this.submitMarketSell(this.exitIntent);
			else if (!this.holdAfterCancel) this.submitTakeProfit();
			return;
		}
		if (this.state === 'SELL_SUBMITTED') {
			this.transition('TO_SELL');
			if (!hasPosition) {
				this.transition('TO_BUY');
				return;
			}
			if (this.exitIntent) this.submitMarketSell(this.exitIntent);
			else if (this.holdAfterCancel) this.replaceTakeProfit('after the operator canceled the sell');
			else this.submitMarketSell('bailout');
			return;
		}
		this.ctx.log(this.symbol, 'warn', `unexpected state for cancel/reject: ${this.state}`);
	}

	private notePositionOpened(): void {
		if (this.positionOpenedMs === null) {
			this.positionOpenedMs = this.ctx.now();
			this.realizedAtEntry = this.book.realized;
		}
	}

	private closeRoundTrip(): void {
		this.roundTrips += 1;
		if (this.book.realized > this.realizedAtEntry) this.wins += 1;
		this.positionOpenedMs = null;
		this.holdAfterCancel = false;
		this.exitIntent = null;
	}

	// --- checkup -------------------------------------------------------------------------

	checkup(nowMs: number): void {
		const order = this.order;
		if (order && order.side === 'buy' && nowMs - order.submittedMs > this.staleBuyMs) {
			this.cancelOpen('stale_buy');
		}
		if (this.book.qty <= 0) return;
		if (nowMs >= this.endOfDay()) {
			this.exitAtMarket('eod');
			return;
		}
		const held = this.positionOpenedMs;
		if (this.options.exitAfterMs !== null && held !== null && nowMs - held > this.options.exitAfterMs) {
			this.exitAtMarket('exit_after');
		}
	}

	/**
	 * Sell the position at market. An open limit order is canceled first and the market sell
	 * follows its `canceled` event (the original sent both at once, which a broker rejects);
	 * an open market sell is left alone.
	 */
	private exitAtMarket(reason: ExitReason): void {
		const order = this.order;
		if (!order) {
			this.transition('TO_SELL');
			this.submitMarketSell(reason);
			return;
		}
		if (order.side === 'sell' && order.type === 'market') return;
		if (this.exitIntent) return; // a cancel for an exit is already on its way
		this.exitIntent = reason;
		if (order.cancelRequested) return; // already being canceled: its event triggers the exit
		order.cancelRequested = true;
		this.ctx.cancel(order.clientOrderId, this.symbol, reason === 'manual' ? 'manual' : reason);
	}

	/** Today's end-of-day instant (`--eod`, New York), Infinity outside a session. */
	private endOfDay(): number {
		const session = this.ctx.session();
		if (!session) return Number.POSITIVE_INFINITY;
		if (session !== this.eodSession) {
			this.eodSession = session;
			this.eodAt = session.midnight + this.eodMs;
		}
		return this.eodAt;
	}

	// --- session and rebuild -------------------------------------------------------------

	beginSession(): void {
		this.lastBarStart = Number.NEGATIVE_INFINITY;
		this.closes.clear();
		this.barsThisSession = 0;
		this.sessionBars = [];
	}

	/** `_init_state`: state from the broker's open orders and position for this symbol. */
	rebuild(openOrders: readonly Order[], nowMs: number): void {
		const open = openOrders[0] ?? null;
		this.order = open
			? {
					clientOrderId: open.clientOrderId,
					side: open.side,
					type: open.type,
					qty: open.qty,
					limitPrice: open.limitPrice,
					submittedMs: open.submittedMs,
				}
			: null;
		this.exitIntent = null;
		const hasPosition = this.book.qty > 0;
		if (hasPosition) {
			if (this.positionOpenedMs === null) {
				this.positionOpenedMs = nowMs;
				this.realizedAtEntry = this.book.realized;
			}
			this.setState(open ? 'SELL_SUBMITTED' : 'TO_SELL');
			if (open && open.side !== 'sell') this.ctx.log(this.symbol, 'warn', `state SELL_SUBMITTED mismatch order ${open.side}`);
			// A held position without an exit (Ctrl+C canceled it, a day order expired) would
			// otherwise wait unmanaged until the end-of-day exit: place its take-profit again.
			if (!open && this.options.replaceExitOnRebuild === true && nowMs < this.endOfDay()) {
				this.replaceTakeProfit('on rebuild: the position had no exit order');
			}
		} else {
			this.positionOpenedMs = null;
			this.setState(open ? 'BUY_SUBMITTED' : 'TO_BUY');
			if (open && open.side !== 'buy') this.ctx.log(this.symbol, 'warn', `state BUY_SUBMITTED mismatch order ${open.side}`);
		}
	}

	// --- operator commands ---------------------------------------------------------------

	pause(): void {
		this.paused = true;
		// No new entries: an entry still waiting is withdrawn; exits stay managed.
		if (this.order && this.order.side === 'buy' && this.book.qty <= 0) this.cancelOpen('pause');
	}

	resume(): void {
		this.paused = false;
	}

	forceSell(): void {
		if (this.book.qty <= 0) {
			this.cancelOpen('manual');
			return;
		}
		this.exitAtMarket('manual');
	}

	cancelOrders(): void {
		if (!this.order) return;
		if (this.order.side === 'sell') this.holdAfterCancel = true;
		this.cancelOpen('manual');
	}

	openOrderId(): string | null {
		return this.order?.clientOrderId ?? null;
	}

	openOrder(): TrackedOrder | null {
		return this.order;
	}

	view(): StrategyView {
		const order = this.order;
		return {
			state: this.state,
			openOrder: order ? {...order, filledQty: 0} : null,
			roundTrips: this.roundTrips,
			chart: {closes: this.chartCloses?.toArray() ?? [], sma: this.chartSma?.toArray() ?? []},
		};
	}

	private transition(to: ScalpState): void {
		const from = this.state;
		this.state = to;
		if (from !== to) this.ctx.transition(this.symbol, from, to);
	}

	private setState(to: ScalpState): void {
		this.transition(to);
	}
}
