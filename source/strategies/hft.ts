/**
 * The order-book-imbalance tick-taker: a port of tick_taker.py from Alpaca's example-hftish
 * One instance per symbol, fed quotes and trades by the engine.
 *
 * - Quote: always take the new bid/ask sizes. A level change is a quote whose bid and ask
 *   both differ from the current level and whose spread rounds to 0.01; it stores the new
 *   prices and the quote's time, and arms the trader when the old level's spread was 0.01.
 * - Trade: ignored while disarmed, at or within 50 ms after the level change (compared at
 *   the input's nanosecond resolution), or under 100 shares. A print at the ask with the
 *   bid size above 1.8 x the ask size buys 100 at the ask if the position plus pending buys
 *   stay within the limit; a print at the bid with the ask size above 1.8 x the bid size
 *   sells 100 at the bid if the position minus pending sells is at least 100. An accepted
 *   order disarms; a refused one (e.g. no cash) leaves the trader armed, as the original's
 *   failed submit did.
 * - Deviations from the original: IOC orders (the original sent a day order and canceled it
 *   at once; that remains the fallback when the broker refuses IOC); the position may reach
 *   the limit (the original stopped 100 short); each execution is counted once (the original
 *   counted a partial fill again in the final fill).
 *
 * Pure: everything goes through the StrategyContext. Exact integer arithmetic throughout:
 * `size > 1.8 x other` is `1000 x size > 1800 x other`.
 */
import {CENT, formatMicros, type Micros, microsToNumber, ZERO_MICROS} from '../core/money.js';
import type {Order, OrderEvent, OrderType, Quote, Side, Trade} from '../core/types.js';
import type {PositionState, StrategyContext, StrategyOrderView, StrategyView, SymbolStrategy} from '../engine/context.js';
import type {HftView} from '../engine/snapshot.js';
import {DEFAULT_HFT_PARAMS, ratioMilli, type HftParams} from './params.js';

/** Shares per order (the original's fixed 100; `--hft-size`). */
export const HFT_ORDER_QTY = DEFAULT_HFT_PARAMS.size;
/** Smallest print the tick-taker follows. */
export const MIN_FOLLOW_SIZE = 100;
/** A side dominates when its size is above this many times the other's (exactly; `--hft-ratio`). */
export const IMBALANCE_THRESHOLD = DEFAULT_HFT_PARAMS.ratio;
/** Prints at or within this long after a level change are ignored (ms + ns resolution). */
export const LEVEL_GUARD_MS = 50;
export const DEFAULT_HFT_QTY = 500;
/** Recent actions the console shows. */
export const ACTIONS_KEPT = 6;

export type HftState = 'ARMED' | 'DISARMED';

export interface HftOptions {
	/** Most shares the tick-taker may hold (`--hft-qty`, >= 100). */
	readonly maxQty: number;
	/** How many recent actions `view()` lists (default 6). */
	readonly actionsKept?: number;
	/** Imbalance ratio and shares per order; the original's 1.8 and 100 when absent. */
	readonly params?: HftParams;
}

/** Counters for reports and invariant checks (never reset within a run). */
export interface HftStats {
	levelChanges: number;
	/** Level changes that armed the trader (old spread 0.01). */
	arms: number;
	/** Orders the broker accepted (buys + sells, including operator exits). */
	ordersAccepted: number;
	buyOrders: number;
	sellOrders: number;
	/** Orders refused when placed (e.g. insufficient cash); the trader stayed armed. */
	ordersRefused: number;
	/** Executions (fill and partial_fill events). */
	executions: number;
	sharesBought: number;
	sharesSold: number;
	/** Orders that ended (canceled, rejected, expired) without any execution. */
	unfilled: number;
	/** Highest and lowest position seen after any execution. */
	maxPosition: number;
	minPosition: number;
}

interface HftOrder {
	readonly clientOrderId: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	readonly limitPrice: Micros | null;
	readonly submittedMs: number;
	/** Shares of this order already counted into the position (and out of pending). */
	counted: number;
	/** Level-change count when sent: a refusal re-arms only if the level is still the same. */
	readonly level: number;
	/** Set once a terminal event arrived. */
	done: boolean;
}

/** The broker refused an order because of its time in force (IOC not enabled, etc.). */
export function refusesIoc(message: string | undefined): boolean {
	return message !== undefined && /\bioc\b|immediate.or.cancel|time.?in.?force/i.test(message);
}

export class HftStrategy implements SymbolStrategy {
	readonly kind = 'hft' as const;
	paused = false;
	/** Completed round trips: the position went from flat to long and back to flat. */
	roundTrips = 0;
	wins = 0;
	readonly stats: HftStats = {
		levelChanges: 0,
		arms: 0,
		ordersAccepted: 0,
		buyOrders: 0,
		sellOrders: 0,
		ordersRefused: 0,
		executions: 0,
		sharesBought: 0,
		sharesSold: 0,
		unfilled: 0,
		maxPosition: 0,
		minPosition: 0,
	};

	// The level (the original's Quote object): prices set only by level changes.
	private bid: Micros = ZERO_MICROS;
	private ask: Micros = ZERO_MICROS;
	private levelMs = 0;
	private levelNs = 0;
	private levelSeq = 0;
	private armed = false;
	// The book as last quoted (sizes are what the rule reads; prices are for the console).
	private bidSize = 0;
	private askSize = 0;
	private bookBid: Micros = ZERO_MICROS;
	private bookAsk: Micros = ZERO_MICROS;

	private pendingBuy = 0;
	private pendingSell = 0;
	private readonly open: HftOrder[] = [];
	/** The broker refused IOC: send day limits and cancel them at once, as the original did. */
	private dayAndCancel = false;
	/** A market exit waits for open orders' cancels. */
	private exitPending = false;
	private realizedAtEntry: Micros = ZERO_MICROS;
	private readonly actions: string[] = [];
	private readonly actionsKept: number;
	/** Shares per order and the ratio in thousandths (`1000 x size > ratioMilli x other`). */
	private readonly orderQty: number;
	private readonly ratioMilli: number;
	private readonly ratio: number;

	constructor(
		readonly symbol: string,
		private readonly ctx: StrategyContext,
		private readonly options: HftOptions,
		/** This strategy's own shares of the symbol (kept by the engine from fills). */
		private readonly book: PositionState & {readonly realized: Micros},
	) {
		const params = options.params ?? DEFAULT_HFT_PARAMS;
		this.orderQty = params.size;
		this.ratio = params.ratio;
		this.ratioMilli = ratioMilli(params.ratio);
		if (!Number.isInteger(this.orderQty) || this.orderQty < 1) throw new RangeError(`hft order size must be a whole number >= 1, got ${this.orderQty}`);
		if (!Number.isInteger(options.maxQty) || options.maxQty < this.orderQty) {
			throw new RangeError(`hft max qty must be an integer >= ${this.orderQty}, got ${options.maxQty}`);
		}
		this.actionsKept = options.actionsKept ?? ACTIONS_KEPT;
	}

	get state(): HftState {
		return this.armed ? 'ARMED' : 'DISARMED';
	}

	get pending(): {readonly buy: number; readonly sell: number} {
		return {buy: this.pendingBuy, sell: this.pendingSell};
	}

	/** True when the broker refused IOC and orders go as day limits canceled at once. */
	get iocFallback(): boolean {
		return this.dayAndCancel;
	}

	// --- market events -------------------------------------------------------------------

	onQuote(quote: Quote): void {
		this.bidSize = quote.bidSize;
		this.askSize = quote.askSize;
		this.bookBid = quote.bidPrice;
		this.bookAsk = quote.askPrice;
		if (quote.bidPrice === this.bid || quote.askPrice === this.ask) return;
		// round(ask - bid, 2) == 0.01, exactly and ties up: 0.005 <= spread < 0.015.
		const spread = quote.askPrice - quote.bidPrice;
		if (spread < CENT / 2 || spread >= (3 * CENT) / 2) return;
		// The original compares round(old spread, 3) with 0.01: 0.0095 <= old < 0.0105.
		const oldSpread = this.ask - this.bid;
		const oldBid = this.bid;
		const oldAsk = this.ask;
		this.bid = quote.bidPrice;
		this.ask = quote.askPrice;
		this.levelMs = quote.ms;
		this.levelNs = quote.ns;
		this.levelSeq += 1;
		this.stats.levelChanges += 1;
		if (this.ctx.logging) {
			this.ctx.log(this.symbol, 'info', `level change ${fmt(oldBid)}/${fmt(oldAsk)} -> ${fmt(this.bid)}/${fmt(this.ask)}`);
		}
		if (oldSpread >= (CENT * 19) / 20 && oldSpread < (CENT * 21) / 20) {
			this.stats.arms += 1;
			this.setArmed(true);
		}
	}

	onTrade(trade: Trade): void {
		if (!this.armed || this.paused || this.exitPending) return;
		// Ignore prints at or within 50 ms after the level change: t <= level + 50 ms, in ns.
		const dms = trade.ms - this.levelMs;
		if (dms < LEVEL_GUARD_MS || (dms === LEVEL_GUARD_MS && trade.ns <= this.levelNs)) return;
		if (trade.size < MIN_FOLLOW_SIZE) return;
		const r = this.ratioMilli;
		if (trade.price === this.ask && 1000 * this.bidSize > r * this.askSize) {
			if (this.book.qty + this.pendingBuy + this.orderQty <= this.options.maxQty) this.take('buy', trade);
		} else if (trade.price === this.bid && 1000 * this.askSize > r * this.bidSize) {
			if (this.book.qty - this.pendingSell >= this.orderQty) this.take('sell', trade);
		}
	}

	// --- orders --------------------------------------------------------------------------

	private take(side: Side, trade: Trade): void {
		const price = side === 'buy' ? this.ask : this.bid;
		if (this.ctx.recording)
			this.ctx.signal(this.symbol, {
				signal: 'imbalance',
				side,
				trade_price: microsToNumber(trade.price),
				trade_size: trade.size,
				bid: microsToNumber(this.bid),
				ask: microsToNumber(this.ask),
				bid_size: this.bidSize,
				ask_size: this.askSize,
			});
		if (this.actionsKept > 0) this.action(`${side} ${this.orderQty} @ ${fmt(price)} (bid ${this.bidSize} x ask ${this.askSize})`);
		let result = this.send(side, 'limit', this.orderQty, price, 'imbalance');
		if (!result.accepted && !this.dayAndCancel && refusesIoc(result.message)) {
			this.fallBackToDayOrders(result.message);
			result = this.send(side, 'limit', this.orderQty, price, 'imbalance');
		}
		if (!result.accepted) {
			// The original's except branch: print the error and stay armed.
			this.stats.ordersRefused += 1;
			if (this.actionsKept > 0) this.action(`${side} refused: ${result.message ?? 'rejected'}`);
			return;
		}
		this.setArmed(false);
	}

	/**
	 * Place an order with pending accounting that stays right whatever the broker does:
	 * pending grows before the call, each execution moves shares from pending to the
	 * position once, and the end of the order releases what was never filled.
	 */
	private send(side: Side, type: OrderType, qty: number, limitPrice: Micros | null, reason: 'imbalance' | 'manual'): {accepted: boolean; message?: string} {
		const timeInForce = type === 'market' ? 'day' : this.dayAndCancel ? 'day' : 'ioc';
		// Pending grows before the call, so a position check during it already counts the order.
		this.addPending(side, qty);
		const result = this.ctx.submit({symbol: this.symbol, side, type, qty, limitPrice, timeInForce}, reason, reason === 'manual' ? 'exit' : side);
		if (!result.accepted) {
			// Refused at once: no event of it follows; release its pending shares here.
			this.addPending(side, -qty);
			return result.message === undefined ? {accepted: false} : {accepted: false, message: result.message};
		}
		this.stats.ordersAccepted += 1;
		if (side === 'buy') this.stats.buyOrders += 1;
		else this.stats.sellOrders += 1;
		// Its events (new, fills, the end) come after submit returned, by this id.
		const order: HftOrder = {
			clientOrderId: result.clientOrderId,
			side,
			type,
			qty,
			limitPrice,
			submittedMs: this.ctx.now(),
			counted: 0,
			level: this.levelSeq,
			done: false,
		};
		this.open.push(order);
		if (this.dayAndCancel && type === 'limit') {
			// Approximate IOC as the original did: cancel the day order at once.
			this.ctx.cancel(order.clientOrderId, this.symbol, 'manual');
		}
		return {accepted: true};
	}

	private fallBackToDayOrders(message: string | undefined): void {
		this.dayAndCancel = true;
		const text = `broker refused IOC (${message ?? 'rejected'}): falling back to day limit orders canceled at once, as the original did`;
		this.ctx.log(this.symbol, 'warn', text);
		this.action('IOC refused: day limit + cancel');
	}

	onOrderEvent(event: OrderEvent): void {
		const order = event.order;
		const tracked = this.find(order.clientOrderId);
		if (!tracked) return;
		if (event.event === 'fill' || event.event === 'partial_fill') {
			const delta = order.filledQty - tracked.counted;
			if (delta > 0) {
				tracked.counted = order.filledQty;
				this.addPending(tracked.side, -delta);
				this.noteExecution(tracked.side, delta, event.fillPrice);
			}
		}
		switch (event.event) {
			case 'fill':
			case 'canceled':
			case 'rejected':
			case 'expired':
			case 'replaced':
				this.finish(tracked, event);
				return;
			default:
				return;
		}
	}

	private finish(tracked: HftOrder, event: OrderEvent): void {
		if (tracked.done) return;
		tracked.done = true;
		this.dropOpen(tracked);
		this.addPending(tracked.side, -(tracked.qty - tracked.counted));
		if (tracked.counted === 0) {
			this.stats.unfilled += 1;
			if (event.event !== 'fill' && this.actionsKept > 0) this.action(`${tracked.side} ${event.event}${event.message ? `: ${event.message}` : ''}`);
		}
		if (event.event === 'rejected') {
			if (refusesIoc(event.message) && !this.dayAndCancel && tracked.type === 'limit') this.fallBackToDayOrders(event.message);
			// Refused when placed (reported later by a network broker): stay armed, as the
			// original's failed submit did, unless a new level has been seen since.
			if ((event.atSubmission || refusesIoc(event.message)) && tracked.level === this.levelSeq && tracked.type === 'limit') this.setArmed(true);
		}
		if (this.exitPending && this.open.length === 0) this.finishExit();
	}

	private noteExecution(side: Side, qty: number, price: Micros): void {
		const stats = this.stats;
		stats.executions += 1;
		const position = this.book.qty;
		if (side === 'buy') {
			stats.sharesBought += qty;
			if (position === qty) this.realizedAtEntry = this.book.realized;
		} else {
			stats.sharesSold += qty;
			if (position === 0) {
				this.roundTrips += 1;
				if (this.book.realized > this.realizedAtEntry) this.wins += 1;
			}
		}
		if (position > stats.maxPosition) stats.maxPosition = position;
		if (position < stats.minPosition) stats.minPosition = position;
		if (this.actionsKept > 0) this.action(`${side === 'buy' ? 'bought' : 'sold'} ${qty} @ ${fmt(price)} -> ${position}`);
	}

	private addPending(side: Side, qty: number): void {
		if (side === 'buy') this.pendingBuy += qty;
		else this.pendingSell += qty;
	}

	private find(clientOrderId: string): HftOrder | undefined {
		const open = this.open;
		for (let i = 0; i < open.length; i++) if (open[i]!.clientOrderId === clientOrderId) return open[i];
		return undefined;
	}

	private dropOpen(order: HftOrder): void {
		const i = this.open.indexOf(order);
		if (i >= 0) this.open.splice(i, 1);
	}

	private setArmed(armed: boolean): void {
		if (this.armed === armed) return;
		const from = this.state;
		this.armed = armed;
		this.ctx.transition(this.symbol, from, this.state);
	}

	/** Callers check `actionsKept > 0` first, so backtests build no text. */
	private action(text: string): void {
		this.actions.push(text);
		if (this.actions.length > this.actionsKept) this.actions.shift();
	}

	// --- checkup, sessions, rebuild --------------------------------------------------------

	/** Nothing is periodic in the tick-taker (its orders are immediate-or-cancel). */
	checkup(_nowMs: number): void {}

	/** A new session: forget the level (start disarmed at 0/0, as the original starts). */
	beginSession(): void {
		this.bid = ZERO_MICROS;
		this.ask = ZERO_MICROS;
		this.levelMs = 0;
		this.levelNs = 0;
		this.levelSeq += 1;
		this.bidSize = 0;
		this.askSize = 0;
		this.bookBid = ZERO_MICROS;
		this.bookAsk = ZERO_MICROS;
		this.setArmed(false);
	}

	/** Adopt the broker's open orders of this strategy: their unfilled shares are pending. */
	rebuild(openOrders: readonly Order[], _nowMs: number): void {
		this.open.length = 0;
		this.pendingBuy = 0;
		this.pendingSell = 0;
		this.exitPending = false;
		for (const o of openOrders) {
			if (o.symbol !== this.symbol) continue;
			const tracked: HftOrder = {
				clientOrderId: o.clientOrderId,
				side: o.side,
				type: o.type,
				qty: o.qty,
				limitPrice: o.limitPrice,
				submittedMs: o.submittedMs,
				counted: o.filledQty,
				level: -1,
				done: false,
			};
			this.open.push(tracked);
			this.addPending(o.side, o.qty - o.filledQty);
		}
	}

	// --- operator commands ---------------------------------------------------------------

	/** No new trades; quotes are still followed. Open limit orders are withdrawn. */
	pause(): void {
		this.paused = true;
		for (const o of [...this.open]) if (o.type === 'limit') this.ctx.cancel(o.clientOrderId, this.symbol, 'pause');
	}

	resume(): void {
		this.paused = false;
	}

	/**
	 * Market-sell the position. Open orders are canceled first and the sell follows their
	 * terminal events; an open market sell is left alone.
	 */
	forceSell(): void {
		if (this.open.some(o => o.type === 'market' && o.side === 'sell')) return;
		if (this.open.length > 0) {
			this.exitPending = true;
			for (const o of [...this.open]) this.ctx.cancel(o.clientOrderId, this.symbol, 'manual');
			if (this.open.length === 0) this.finishExit();
			return;
		}
		this.exitPending = true;
		this.finishExit();
	}

	private finishExit(): void {
		this.exitPending = false;
		const qty = this.book.qty - this.pendingSell;
		if (qty <= 0) return;
		const result = this.send('sell', 'market', qty, null, 'manual');
		this.action(result.accepted ? `exit: sell ${qty} at market` : `exit refused: ${result.message ?? 'rejected'}`);
	}

	cancelOrders(): void {
		for (const o of [...this.open]) this.ctx.cancel(o.clientOrderId, this.symbol, 'manual');
	}

	openOrderId(): string | null {
		return this.open[0]?.clientOrderId ?? null;
	}

	// --- console -------------------------------------------------------------------------

	hftView(): HftView {
		return {
			bidPrice: microsToNumber(this.bookBid),
			bidSize: this.bidSize,
			askPrice: microsToNumber(this.bookAsk),
			askSize: this.askSize,
			spread: this.bookAsk > 0 && this.bookBid > 0 ? microsToNumber(this.bookAsk - this.bookBid) : 0,
			threshold: this.ratio,
			armed: this.armed,
			pendingBuy: this.pendingBuy,
			pendingSell: this.pendingSell,
			maxQty: this.options.maxQty,
			lastActions: [...this.actions],
		};
	}

	view(): StrategyView {
		const o = this.open[0];
		const openOrder: StrategyOrderView | null = o
			? {clientOrderId: o.clientOrderId, side: o.side, type: o.type, qty: o.qty, filledQty: o.counted, limitPrice: o.limitPrice, submittedMs: o.submittedMs}
			: null;
		return {state: this.state, openOrder, roundTrips: this.roundTrips, hft: this.hftView()};
	}
}

function fmt(micros: Micros): string {
	return formatMicros(micros, 2);
}
