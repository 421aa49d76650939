/** Builders for the tick-taker tests: an engine with the strategy, fed quotes and trades by hand. */
import {nyMidnight} from '../../source/core/time.js';
import {dollarsToMicros, type Micros} from '../../source/core/money.js';
import type {Quote, Trade} from '../../source/core/types.js';
import {SimBroker} from '../../source/adapters/sim/broker.js';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import {Engine} from '../../source/engine/engine.js';
import type {LogLine} from '../../source/engine/snapshot.js';
import {MemoryJournal} from '../../source/journal/records.js';
import type {Broker} from '../../source/ports/broker.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import type {HftParams} from '../../source/strategies/params.js';

export const DATE = '2012-06-21';
export const SYMBOL = 'AMZN';

/** Dollars to exact micros ("223.82" or 223.82). */
export function $(dollars: number | string): Micros {
	return dollarsToMicros(Number(dollars));
}

/** An instant on DATE: New York wall time plus nanoseconds inside the millisecond. */
export function at(h: number, m: number, s: number, ms = 0, ns = 0): {ms: number; ns: number} {
	return {ms: nyMidnight(DATE) + ((h * 60 + m) * 60 + s) * 1000 + ms, ns};
}

/** The instant `deltaNs` nanoseconds after `t`. */
export function after(t: {ms: number; ns: number}, deltaNs: number): {ms: number; ns: number} {
	const total = t.ns + deltaNs;
	const ms = t.ms + Math.floor(total / 1e6);
	return {ms, ns: total - Math.floor(total / 1e6) * 1e6};
}

export interface Rig {
	readonly engine: Engine;
	readonly journal: MemoryJournal;
	readonly strategy: HftStrategy;
	readonly exchange: SimExchange | null;
	readonly logs: LogLine[];
	quote(t: {ms: number; ns: number}, bid: number | string, bidSize: number, ask: number | string, askSize: number): void;
	trade(t: {ms: number; ns: number}, price: number | string, size: number): void;
	/** Submitted orders as the journal has them (price in dollars). */
	orders(): {side: string; qty: number; limit: number | null; tif: string; type: string}[];
	position(): number;
}

/**
 * The strategy on an engine. With no broker given, the simulated exchange in tick mode
 * (IOC fills against the last quote) is used and quotes/trades reach it as in a replay.
 */
export function rig(options: {maxQty?: number; cash?: number; broker?: Broker; symbol?: string; params?: HftParams} = {}): Rig {
	const symbol = options.symbol ?? SYMBOL;
	const exchange = options.broker ? null : new SimExchange({cash: $(options.cash ?? 1_000_000)});
	const broker = options.broker ?? new SimBroker(exchange!);
	const journal = new MemoryJournal();
	const logs: LogLine[] = [];
	const engine = new Engine({mode: 'sim', broker, journal, runTag: 't', logSink: line => logs.push(line)});
	const strategy = engine.add(
		'hft',
		(ctx, book) => new HftStrategy(symbol, ctx, {maxQty: options.maxQty ?? 500, ...(options.params ? {params: options.params} : {})}, book(symbol)),
	) as HftStrategy;
	engine.beginSession(DATE, {cash: $(options.cash ?? 1_000_000), openOrders: [], positions: []}, at(9, 30, 0).ms);
	const setTime = (t: {ms: number; ns: number}): void => {
		engine.setTime(t.ms, t.ns);
		exchange?.setTime(t.ms, t.ns);
	};
	return {
		engine,
		journal,
		strategy,
		exchange,
		logs,
		quote(t, bid, bidSize, ask, askSize) {
			setTime(t);
			const q: Quote = {symbol, ms: t.ms, ns: t.ns, bidPrice: $(bid), bidSize, askPrice: $(ask), askSize};
			exchange?.setQuote(q);
			engine.onQuote(q);
		},
		trade(t, price, size) {
			setTime(t);
			const tr: Trade = {symbol, ms: t.ms, ns: t.ns, price: $(price), size};
			exchange?.setLastPrice(symbol, tr.price);
			engine.onTrade(tr);
		},
		orders() {
			return journal.ofType('order_submitted').map(r => ({side: r.side, qty: r.qty, limit: r.limit_price, tif: r.time_in_force, type: r.order_type}));
		},
		position() {
			return engine.portfolio.book('hft', symbol).qty;
		},
	};
}
