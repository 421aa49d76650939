/**
 * Tick replay and the hft backtest: the bundled LOBSTER hour reproduces the original's
 * orders of that hour; invariants hold at every --hft-qty; the runner builds minute bars from
 * trades, fires them and the 30 s checkup on market time, matches resting orders with the bar
 * rules and expires them at the session's end; one replay serves scalper and tick-taker.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {SimBroker} from '../../source/adapters/sim/broker.js';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import {mergeTapes, TapeBuilder} from '../../source/adapters/replay/tick-tape.js';
import {loadTicks} from '../../source/adapters/replay/ticks.js';
import {runHftBacktest, UNLIMITED_CASH} from '../../source/backtest/hft-backtest.js';
import {TickReplay} from '../../source/backtest/tick-runner.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar, OrderEvent, Trade} from '../../source/core/types.js';
import type {StrategyContext, StrategyView, SymbolStrategy} from '../../source/engine/context.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import {validateRecord} from '../../source/journal/schema.js';
import {serializeRecord} from '../../source/journal/writer.js';
import {micros} from '../../source/core/money.js';

const BUNDLED = 'data/ticks';
const REFERENCE = 'test/fixtures/hft/AMZN_2012-06-21_34200000_57600000_1.cash100000.json';

interface RefOrder {
	ts: string;
	symbol: string;
	side: string;
	order_type: string;
	qty: number;
	limit_price: number | null;
	time_in_force: string;
}

function submitted(journal: MemoryJournal): string[] {
	return journal
		.ofType('order_submitted')
		.filter(o => o.strategy === 'hft')
		.map(o => `${new Date(o.ts).toISOString()}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}|${o.time_in_force}`)
		.sort();
}

test("the bundled hour (LOBSTER AMZN 09:30-10:30) gives exactly the original run's orders of that hour", () => {
	const ref = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {orders: RefOrder[]; params: {qty: number; cash: number}};
	assert.deepEqual([ref.params.qty, ref.params.cash], [500, 100_000]);
	const data = loadTicks([BUNDLED]);
	const lastMs = data.tape.ms[data.tape.length - 1]!;
	const expected = ref.orders
		.filter(o => Date.parse(o.ts) <= lastMs)
		.map(o => `${o.ts}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}|${o.time_in_force}`)
		.sort();
	assert.equal(expected.length, 10);
	const journal = new MemoryJournal();
	const result = runHftBacktest({tape: data.tape, hftQty: 500, cash: micros(100_000e6), journal});
	assert.deepEqual(submitted(journal), expected);
	// The report's shape (the scalping backtest's) with the tick counts beside it.
	assert.deepEqual(result.ticks, {quotes: 10_288, trades: 1_844, events: 12_132, barsBuilt: 60});
	assert.equal(result.total.sessions, 1);
	assert.equal(result.total.bars, 60);
	assert.equal(result.symbols.length, 1);
	const amzn = result.symbols[0]!;
	assert.equal(amzn.strategy, 'hft');
	assert.equal(amzn.hft!.buyOrders + amzn.hft!.sellOrders, 10);
	// cash + held shares at the last price = start + realized + unrealized, exactly to the micro
	assert.equal(Math.round(result.total.finalEquity * 1e6), Math.round((result.total.startCash + result.total.realizedPnl + result.total.unrealizedPnl) * 1e6));
	for (const record of journal.records) assert.deepEqual(validateRecord(JSON.parse(serializeRecord(record))), [], JSON.stringify(record));
});

test('invariants over the bundled hour at several --hft-qty: 0 <= position <= limit after every event, nothing pending at the end', () => {
	const data = loadTicks([BUNDLED]);
	for (const qty of [100, 200, 300, 500]) {
		const journal = new MemoryJournal();
		const result = runHftBacktest({tape: data.tape, hftQty: qty, cash: UNLIMITED_CASH, journal});
		const hft = result.symbols[0]!.hft!;
		for (const u of journal.ofType('order_update')) {
			assert.ok(u.position_qty >= 0 && u.position_qty <= qty, `position ${u.position_qty} outside 0..${qty}`);
		}
		assert.ok(hft.maxPosition <= qty && hft.minPosition >= 0);
		assert.equal(hft.maxPosition, Math.min(qty, 300), `qty ${qty}: the hour's buys reach ${Math.min(qty, 300)}`);
		assert.deepEqual([hft.pendingBuy, hft.pendingSell], [0, 0]);
		assert.equal(hft.sharesBought - hft.sharesSold, result.symbols[0]!.finalPosition);
		// Every order is terminal by the end of its own event: IOC in tick mode.
		const terminal = journal.ofType('order_update').filter(u => u.event === 'fill' || u.event === 'canceled' || u.event === 'rejected');
		assert.equal(terminal.length, hft.ordersAccepted + hft.ordersRefused);
	}
});

// --- the runner ---------------------------------------------------------------------------

const DATE = '2012-06-21';
const t = (h: number, m: number, s: number, ms = 0) => nyTime(DATE, h, m, s) + ms;

/** A bar strategy that records what the replay hands it, and can place orders. */
class Probe implements SymbolStrategy {
	readonly kind = 'scalp' as const;
	paused = false;
	readonly log: string[] = [];
	readonly bars: Bar[] = [];
	readonly events: OrderEvent[] = [];
	readonly trades: Trade[] = [];
	sessions = 0;

	constructor(
		readonly symbol: string,
		private readonly ctx: StrategyContext,
	) {}

	onBar(bar: Bar, nowMs: number): void {
		this.bars.push(bar);
		this.log.push(`bar ${bar.start}@${nowMs}`);
		if (this.bars.length === 1)
			this.ctx.submit({symbol: this.symbol, side: 'buy', type: 'limit', qty: 100, limitPrice: micros(9_950_000), timeInForce: 'day'}, 'signal', 'buy');
	}

	onTrade(trade: Trade): void {
		this.trades.push(trade);
		this.log.push(`trade@${trade.ms}`);
	}

	checkup(nowMs: number): void {
		this.log.push(`checkup@${nowMs}`);
	}

	onOrderEvent(event: OrderEvent): void {
		this.events.push(event);
		if (event.event === 'fill' && event.order.side === 'buy') {
			this.ctx.submit({symbol: this.symbol, side: 'sell', type: 'limit', qty: 100, limitPrice: micros(11_000_000), timeInForce: 'day'}, 'take_profit', 'tp');
		}
	}

	rebuild(): void {}
	beginSession(): void {
		this.sessions += 1;
	}
	pause(): void {}
	resume(): void {}
	forceSell(): void {}
	cancelOrders(): void {}
	openOrderId(): string | null {
		return null;
	}
	view(): StrategyView {
		return {state: 'probe', openOrder: null, roundTrips: 0};
	}
}

test("runner: minute bars from trades arrive at the minute's end before events stamped then; checkups every 30 s; bar-rule fills; expiry at the session end", () => {
	const tape = new TapeBuilder('SCL');
	tape.quote(t(9, 30, 1), 0, micros(9_990_000), 500, micros(10_000_000), 500);
	tape.trade(t(9, 30, 5), 123_456, micros(10_000_000), 100);
	tape.trade(t(9, 30, 40), 0, micros(10_050_000), 200);
	tape.trade(t(9, 30, 59, 999), 999_999, micros(9_980_000), 50);
	tape.trade(t(9, 31, 0), 0, micros(10_010_000), 10); // stamped exactly at the first bar's arrival
	tape.trade(t(9, 32, 30), 0, micros(9_900_000), 100); // at a checkup time
	tape.trade(nyTime('2012-06-22', 9, 30, 10), 0, micros(10_000_000), 100); // next session
	const exchange = new SimExchange({cash: micros(100_000e6)});
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: 't'});
	const probe = engine.add('scalp', ctx => new Probe('SCL', ctx)) as Probe;
	const replay = new TickReplay(mergeTapes([tape.finish()]), engine, exchange);
	replay.runToEnd();

	assert.equal(probe.trades[0]!.ns, 123_456, 'nanoseconds reach the strategy');
	assert.deepEqual(
		probe.bars.slice(0, 3).map(b => [b.start, b.open, b.high, b.low, b.close, b.volume]),
		[
			[t(9, 30, 0), 10_000_000, 10_050_000, 9_980_000, 9_980_000, 350],
			[t(9, 31, 0), 10_010_000, 10_010_000, 10_010_000, 10_010_000, 10],
			[t(9, 32, 0), 9_900_000, 9_900_000, 9_900_000, 9_900_000, 100],
		],
	);
	const first = probe.log.slice(0, 14);
	assert.deepEqual(first, [
		`trade@${t(9, 30, 5)}`,
		`checkup@${t(9, 30, 30)}`,
		`trade@${t(9, 30, 40)}`,
		`trade@${t(9, 30, 59, 999)}`,
		`bar ${t(9, 30, 0)}@${t(9, 31, 0)}`,
		`checkup@${t(9, 31, 0)}`,
		`trade@${t(9, 31, 0)}`,
		`checkup@${t(9, 31, 30)}`,
		`bar ${t(9, 31, 0)}@${t(9, 32, 0)}`,
		`checkup@${t(9, 32, 0)}`,
		`checkup@${t(9, 32, 30)}`,
		`trade@${t(9, 32, 30)}`,
		`bar ${t(9, 32, 0)}@${t(9, 33, 0)}`,
		`checkup@${t(9, 33, 0)}`,
	]);
	// The limit buy at 9.95 sent at 09:31 rests (bar 09:31 low 10.01), fills on bar 09:32 at
	// min(limit, open) = 9.90 when it arrives at 09:33; the take-profit sent then expires when
	// the session ends (09:33, the arrival of its last minute).
	const kinds = probe.events.map(e => [e.event, e.order.side, e.ms, e.fillPrice]);
	assert.deepEqual(kinds, [
		['new', 'buy', t(9, 31, 0), 0],
		['fill', 'buy', t(9, 33, 0), 9_900_000],
		['new', 'sell', t(9, 33, 0), 0],
		['expired', 'sell', t(9, 33, 0), 0],
	]);
	// The next date is a new session: the position carried over, bars start again.
	assert.equal(replay.sessionsProcessed, 2);
	assert.equal(probe.sessions, 2);
	assert.equal(engine.portfolio.book('scalp', 'SCL').qty, 100);
	assert.deepEqual(probe.log.slice(-4), [
		`trade@${nyTime('2012-06-22', 9, 30, 10)}`,
		`checkup@${nyTime('2012-06-22', 9, 30, 30)}`,
		`bar ${nyTime('2012-06-22', 9, 30)}@${nyTime('2012-06-22', 9, 31)}`,
		`checkup@${nyTime('2012-06-22', 9, 31)}`,
	]);
	assert.equal(replay.finished, true);
});

test('runner: advanceTo steps through market time (paced console) with the same orders as running to the end', () => {
	const data = loadTicks([BUNDLED]);
	const whole = new MemoryJournal();
	runHftBacktest({tape: data.tape, hftQty: 500, journal: whole});
	const journal = new MemoryJournal();
	const exchange = new SimExchange({cash: micros(100_000e6)});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: 'bt'});
	engine.add('hft', (ctx, book) => new HftStrategy('AMZN', ctx, {maxQty: 500}, book('AMZN')));
	const replay = new TickReplay(data.tape, engine, exchange);
	let now = replay.peekNextTime()!;
	let steps = 0;
	while (replay.advanceTo(now)) {
		assert.ok(engine.now <= now, 'nothing beyond the market time asked for');
		now += 1000;
		steps++;
	}
	assert.ok(steps > 3000);
	assert.equal(replay.finished, true);
	assert.equal(replay.peekNextTime(), null);
	assert.deepEqual(submitted(journal), submitted(whole));
	assert.equal(replay.eventsProcessed, data.tape.length);
});

test("one replay serves a scalper and the tick-taker: bars for the scalper, the tick-taker's orders unchanged", () => {
	const data = loadTicks([BUNDLED]);
	const alone = new MemoryJournal();
	runHftBacktest({tape: data.tape, hftQty: 500, journal: alone});
	const both = new MemoryJournal();
	const result = runHftBacktest({tape: data.tape, hftSymbols: ['AMZN'], scalpSymbols: ['AMZN'], hftQty: 500, journal: both});
	assert.deepEqual(submitted(both), submitted(alone));
	assert.deepEqual(
		result.symbols.map(s => [s.symbol, s.strategy, s.bars]),
		[
			['AMZN', 'scalp', 60],
			['AMZN', 'hft', 60],
		],
	);
	assert.equal(result.ticks.barsBuilt, 60);
});
