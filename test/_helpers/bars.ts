/** Builders for hand-made bars and a small engine + exchange harness around one scalper. */
import {parseMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {SimBroker} from '../../source/adapters/sim/broker.js';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {ScalpStrategy, type ScalpOptions} from '../../source/strategies/scalp.js';
import type {BarSession} from '../../source/adapters/replay/minute-csv.js';
import {BarReplay} from '../../source/backtest/bar-runner.js';

export const DATE = '2019-02-11';

export const $ = (dollars: string | number) => parseMicros(String(dollars));

/** A bar starting at New York HH:MM on DATE; prices in dollars. */
export function bar(symbol: string, hhmm: string, open: number, high: number, low: number, close: number, date = DATE): Bar {
	const [h, m] = hhmm.split(':').map(Number) as [number, number];
	return {symbol, start: nyTime(date, h, m), open: $(open), high: $(high), low: $(low), close: $(close), volume: 1000};
}

/** Flat bars (o=h=l=c) at consecutive minutes from `from`, one per close. */
export function closesToBars(symbol: string, from: string, closes: readonly number[], date = DATE): Bar[] {
	const [h, m] = from.split(':').map(Number) as [number, number];
	const start = nyTime(date, h, m);
	return closes.map((c, i) => ({symbol, start: start + i * 60_000, open: $(c), high: $(c), low: $(c), close: $(c), volume: 1000}));
}

/**
 * 20 bars at 100, one dip to 99 and a jump to 101: the SMA20 crossover fires on the 22nd bar
 * (closes[-2] = 99 < sma, closes[-1] = 101 > sma).
 */
export function crossoverCloses(): number[] {
	return [...Array.from({length: 20}, () => 100), 99, 101];
}

export function harness(options: Partial<ScalpOptions> & {cash?: number; symbols?: string[]} = {}) {
	const exchange = new SimExchange({cash: $(options.cash ?? 100_000)});
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: 't'});
	const symbols = options.symbols ?? ['TSLA'];
	const scalpers = new Map<string, ScalpStrategy>();
	for (const symbol of symbols) {
		const s = engine.add(
			'scalp',
			ctx =>
				new ScalpStrategy(
					symbol,
					ctx,
					{
						lot: options.lot ?? $(2000),
						exitAfterMs: options.exitAfterMs ?? null,
						signal: options.signal ?? null,
						keepHistory: options.keepHistory ?? false,
						...(options.params ? {params: options.params} : {}),
					},
					engine.portfolio.book('scalp', symbol),
				),
		) as ScalpStrategy;
		scalpers.set(symbol, s);
	}
	const run = (bars: Bar[], date = DATE) => {
		const sessions: BarSession[] = [{date, bars: [...bars].sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : 1))}];
		const replay = new BarReplay(sessions, engine, exchange);
		replay.runToEnd();
		return replay;
	};
	/** Open a session without running bars (for step-by-step tests). */
	const begin = (date = DATE) => engine.beginSession(date, exchange.state(), nyTime(date, 9, 30), {newSession: true});
	/** Deliver one bar the way bar mode does (steps 1-4) at its arrival time. */
	const feed = (b: Bar) => {
		const arrival = b.start + 60_000;
		exchange.setTime(arrival);
		engine.setTime(arrival);
		exchange.setLastPrice(b.symbol, b.close);
		engine.setLastPrice(b.symbol, b.close);
		exchange.matchBar(b);
		engine.onBar(b, arrival);
		engine.checkup(arrival);
	};
	const at = (ms: number) => {
		exchange.setTime(ms);
		engine.setTime(ms);
	};
	return {exchange, journal, engine, scalper: scalpers.get(symbols[0]!)!, scalpers, run, begin, feed, at};
}

export function ordersOf(journal: MemoryJournal) {
	return journal.ofType('order_submitted').map(o => ({
		time: new Date(o.ts).toISOString().slice(11, 16),
		side: o.side,
		type: o.order_type,
		qty: o.qty,
		limit: o.limit_price,
		reason: o.reason,
	}));
}
