/**
 * The scalper's state machine, one transition at a time, on the real engine and
 * simulated exchange with hand-built bars, plus a scripted broker for partial fills and
 * asynchronous rejections (what Alpaca does that bar mode cannot).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {nyTime} from '../../source/core/time.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {$, DATE, bar, closesToBars, crossoverCloses, harness, ordersOf} from '../_helpers/bars.js';
import {ScriptedBroker} from '../_helpers/scripted-broker.js';
import {micros} from '../../source/core/money.js';

/** Harness with the crossover fed: a buy of 19 @ 101 is open, submitted at 09:52. */
function withOpenBuy(options: Parameters<typeof harness>[0] = {}) {
	const h = harness(options);
	h.begin();
	for (const b of closesToBars('TSLA', '09:30', crossoverCloses())) h.feed(b);
	return h;
}

test('TO_BUY -> BUY_SUBMITTED: the SMA20 crossover submits a limit buy at the last price', () => {
	const h = withOpenBuy();
	assert.equal(h.scalper.state, 'BUY_SUBMITTED');
	assert.deepEqual(ordersOf(h.journal), [{time: '14:52', side: 'buy', type: 'limit', qty: 19, limit: 101, reason: 'signal'}]);
	const signal = h.journal.ofType('signal')[0]!;
	assert.equal(signal.close, 101);
	assert.equal(signal.sma, 100);
});

test('no signal before 21 bars, and none when the cross is only a touch (exact equality)', () => {
	const h = harness();
	h.begin();
	// 18 bars at 100, then 99, 101: a cross, but only 20 bars (sma[-2] needs 21).
	const bars = closesToBars('TSLA', '09:30', [...Array.from({length: 18}, () => 100), 99, 101, 101]);
	for (const b of bars.slice(0, 20)) h.feed(b);
	assert.equal(h.scalper.state, 'TO_BUY');
	h.feed(bars[20]!); // 21st bar: evaluated, but 101 is no longer a cross from below
	assert.equal(h.scalper.state, 'TO_BUY');
	// closes[-1] == sma[-1] exactly (20 x 100 == the sum 2000): the strict > fails...
	const tie = [100, 100, 101, ...Array.from({length: 17}, () => 100), 99];
	const h2 = harness();
	h2.begin();
	for (const b of closesToBars('TSLA', '09:30', [...tie, 100])) h2.feed(b);
	assert.equal(h2.scalper.state, 'TO_BUY');
	// ...and one hundredth more crosses.
	const h3 = harness();
	h3.begin();
	for (const b of closesToBars('TSLA', '09:30', [...tie, 100.01])) h3.feed(b);
	assert.equal(h3.scalper.state, 'BUY_SUBMITTED');
});

test('BUY_SUBMITTED -> TO_SELL -> SELL_SUBMITTED: a buy fill places the take-profit at max(avg + 0.01, last)', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 100.5, 100.8, 100.4, 100.6));
	assert.equal(h.scalper.state, 'SELL_SUBMITTED');
	const orders = ordersOf(h.journal);
	assert.deepEqual(orders[1], {time: '14:53', side: 'sell', type: 'limit', qty: 19, limit: 100.6, reason: 'take_profit'});
	const states = h.journal.ofType('state').map(s => `${s.from}>${s.to}`);
	assert.deepEqual(states, ['TO_BUY>BUY_SUBMITTED', 'BUY_SUBMITTED>TO_SELL', 'TO_SELL>SELL_SUBMITTED']);
});

test('take-profit uses avg + 0.01 when last is lower, rounded half up to the cent', () => {
	const h = withOpenBuy();
	// fill at min(101, open 100.995) = 100.995; last 100.9 < 101.005 -> round(101.005) = 101.01
	h.feed(bar('TSLA', '09:52', 100.995, 101, 100.8, 100.9));
	assert.equal(ordersOf(h.journal)[1]!.limit, 101.01);
});

test('SELL_SUBMITTED -> TO_BUY when the sell fills; realized P&L is exact', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 100.5, 100.8, 100.4, 100.6));
	h.feed(bar('TSLA', '09:53', 100.7, 100.9, 100.6, 100.8));
	assert.equal(h.scalper.state, 'TO_BUY');
	assert.equal(h.scalper.roundTrips, 1);
	// bought 19 @ 100.5, sold 19 @ max(100.6, open 100.7) = 100.7 -> 19 x 0.2 = 3.8
	assert.equal(h.engine.portfolio.book('scalp', 'TSLA').realized, $(3.8));
	assert.equal(h.exchange.cash, $(100_000) + $(3.8));
});

test('a stale buy is canceled only when strictly older than 120 s', () => {
	const h = withOpenBuy();
	const submitted = nyTime(DATE, 9, 52);
	h.at(submitted + 120_000);
	h.engine.checkup(submitted + 120_000);
	assert.equal(h.scalper.state, 'BUY_SUBMITTED');
	h.at(submitted + 121_000);
	h.engine.checkup(submitted + 121_000);
	assert.equal(h.scalper.state, 'TO_BUY');
	const cancel = h.journal.ofType('cancel_requested')[0]!;
	assert.equal(cancel.reason, 'stale_buy');
	assert.equal(h.journal.ofType('order_update').at(-1)!.event, 'canceled');
});

test('bar mode: with 1-minute checkups a buy unfilled for 2 bars is canceled at the third', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 102, 102, 102, 102)); // 60 s
	h.feed(bar('TSLA', '09:53', 102, 102, 102, 102)); // 120 s: not yet
	assert.equal(h.scalper.state, 'BUY_SUBMITTED');
	h.feed(bar('TSLA', '09:54', 102, 102, 102, 102)); // 180 s
	assert.equal(h.scalper.state, 'TO_BUY');
});

test('the signal is evaluated for a bar arriving 15:54 but not 15:55', () => {
	const early = harness();
	early.begin();
	for (const b of closesToBars('TSLA', '15:32', crossoverCloses())) early.feed(b); // last bar 15:53, arrives 15:54
	assert.equal(early.scalper.state, 'BUY_SUBMITTED');
	const late = harness();
	late.begin();
	for (const b of closesToBars('TSLA', '15:33', crossoverCloses())) late.feed(b); // last arrives 15:55
	assert.equal(late.scalper.state, 'TO_BUY');
	assert.equal(late.journal.ofType('order_submitted').length, 0);
});

test('15:55 liquidation: the limit sell is canceled first, then a market sell follows (eod)', () => {
	const h = harness();
	h.begin();
	for (const b of closesToBars('TSLA', '15:30', crossoverCloses())) h.feed(b); // buy at 15:52
	h.feed(bar('TSLA', '15:52', 100.5, 100.8, 100.4, 100.6)); // filled at 15:53, take-profit placed
	assert.equal(h.scalper.state, 'SELL_SUBMITTED');
	h.feed(bar('TSLA', '15:53', 100.5, 100.55, 100.4, 100.5)); // arrives 15:54: no exit yet
	assert.equal(h.journal.ofType('cancel_requested').length, 0);
	h.feed(bar('TSLA', '15:54', 100.5, 100.55, 100.4, 100.5)); // arrives 15:55
	const cancels = h.journal.ofType('cancel_requested');
	assert.deepEqual(
		cancels.map(c => c.reason),
		['eod'],
	);
	const orders = ordersOf(h.journal);
	assert.deepEqual(orders.at(-1), {time: '20:55', side: 'sell', type: 'market', qty: 19, limit: null, reason: 'eod'});
	// the market sell is left alone at the next checkup, then fills at the next open
	h.feed(bar('TSLA', '15:55', 100.3, 100.5, 100.2, 100.4));
	assert.equal(h.journal.ofType('order_submitted').length, 3);
	assert.equal(h.scalper.state, 'TO_BUY');
	assert.equal(h.engine.portfolio.book('scalp', 'TSLA').qty, 0);
});

test('--exit-after: a position held longer than D is exited at market (cancel first)', () => {
	const h = withOpenBuy({exitAfterMs: 120_000});
	h.feed(bar('TSLA', '09:52', 100.5, 100.55, 100.4, 100.5)); // bought at 09:53
	h.feed(bar('TSLA', '09:53', 100.5, 100.5, 100.4, 100.5)); // held 60 s
	h.feed(bar('TSLA', '09:54', 100.5, 100.5, 100.4, 100.5)); // 120 s: not longer than D
	assert.equal(h.journal.ofType('cancel_requested').length, 0);
	h.feed(bar('TSLA', '09:55', 100.5, 100.5, 100.4, 100.5)); // 180 s
	assert.deepEqual(
		h.journal.ofType('cancel_requested').map(c => c.reason),
		['exit_after'],
	);
	assert.equal(ordersOf(h.journal).at(-1)!.reason, 'exit_after');
	assert.equal(ordersOf(h.journal).at(-1)!.type, 'market');
});

test('a sell canceled by the broker is bailed out at market', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 100.5, 100.55, 100.4, 100.5));
	const sellId = h.scalper.openOrderId()!;
	h.exchange.cancel(sellId);
	assert.equal(ordersOf(h.journal).at(-1)!.reason, 'bailout');
	assert.equal(h.scalper.state, 'SELL_SUBMITTED');
});

test('a buy beyond cash is rejected at submission: stays TO_BUY, rejection journaled', () => {
	const h = withOpenBuy({cash: 1000});
	assert.equal(h.scalper.state, 'TO_BUY');
	const update = h.journal.ofType('order_update')[0]!;
	assert.equal(update.event, 'rejected');
	assert.match(update.message ?? '', /buying power/);
});

test('a sell refused at submission waits in TO_SELL (no retry loop)', () => {
	const broker = new ScriptedBroker();
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 't'});
	const s = engine.add(
		'scalp',
		(ctx, book) => new ScalpStrategy('TSLA', ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book('TSLA')),
	) as ScalpStrategy;
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: []}, nyTime(DATE, 9, 30));
	for (const b of closesToBars('TSLA', '09:30', crossoverCloses())) {
		engine.setLastPrice('TSLA', b.close);
		engine.setTime(b.start + 60_000);
		engine.onBar(b, b.start + 60_000);
	}
	broker.refuseNext = 'insufficient qty available';
	broker.fill(broker.last().clientOrderId, 19, $(101));
	assert.equal(s.state, 'TO_SELL');
	assert.equal(broker.submitted.length, 2);
});

function scripted() {
	const broker = new ScriptedBroker();
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 't'});
	const s = engine.add(
		'scalp',
		(ctx, book) => new ScalpStrategy('TSLA', ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book('TSLA')),
	) as ScalpStrategy;
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: []}, nyTime(DATE, 9, 30));
	for (const b of closesToBars('TSLA', '09:30', crossoverCloses())) {
		engine.setLastPrice('TSLA', b.close);
		engine.setTime(b.start + 60_000);
		broker.now = b.start + 60_000;
		engine.onBar(b, b.start + 60_000);
	}
	return {broker, journal, engine, s, buyId: broker.last().clientOrderId};
}

test('partial fill then stale cancel: TO_SELL with a take-profit for the shares held', () => {
	const {broker, engine, s, buyId} = scripted();
	broker.fill(buyId, 7, $(101));
	assert.equal(s.state, 'BUY_SUBMITTED');
	assert.equal(engine.portfolio.book('scalp', 'TSLA').qty, 7);
	broker.finish(buyId, 'canceled');
	assert.equal(s.state, 'SELL_SUBMITTED');
	const sell = broker.last();
	assert.equal(sell.side, 'sell');
	assert.equal(sell.qty, 7);
	assert.equal(sell.limitPrice, $(101.01));
});

test('partial fill then fill: the position counts every share once', () => {
	const {broker, engine, s, buyId} = scripted();
	broker.fill(buyId, 7, $(101));
	broker.fill(buyId, 12, $(100.9));
	assert.equal(engine.portfolio.book('scalp', 'TSLA').qty, 19);
	assert.equal(s.state, 'SELL_SUBMITTED');
	assert.equal(broker.last().qty, 19);
	// avg = (7 x 101 + 12 x 100.9) / 19 = 100.93684..., + 0.01 -> 100.95 (last 101 is lower? no: 101 > 100.9468)
	assert.equal(broker.last().limitPrice, $(101));
});

test('an asynchronous rejection of a buy (HTTP 403 after the call) returns to TO_BUY', () => {
	const {broker, s, buyId} = scripted();
	broker.finish(buyId, 'rejected', true, 'insufficient buying power');
	assert.equal(s.state, 'TO_BUY');
});

test('rebuild (_init_state): position/orders -> state', () => {
	const cases = [
		{positions: [], orders: [], want: 'TO_BUY'},
		{positions: [{symbol: 'TSLA', qty: 5, costBasis: $(500)}], orders: [], want: 'TO_SELL'},
		{positions: [{symbol: 'TSLA', qty: 5, costBasis: $(500)}], orders: ['sell'], want: 'SELL_SUBMITTED'},
		{positions: [], orders: ['buy'], want: 'BUY_SUBMITTED'},
	] as const;
	for (const c of cases) {
		const broker = new ScriptedBroker();
		const engine = new Engine({mode: 'paper', broker, journal: new MemoryJournal(), runTag: 't'});
		const s = engine.add(
			'scalp',
			(ctx, book) => new ScalpStrategy('TSLA', ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book('TSLA')),
		) as ScalpStrategy;
		const openOrders = c.orders.map((side, i) => ({
			id: `x${i}`,
			clientOrderId: `old-sc-TSLA-${side}-${i + 1}`,
			symbol: 'TSLA',
			side,
			type: 'limit' as const,
			qty: 5,
			limitPrice: $(100),
			timeInForce: 'day' as const,
			status: 'new' as const,
			filledQty: 0,
			filledNotional: micros(0),
			submittedMs: nyTime(DATE, 10, 0),
			submittedNs: 0,
		}));
		engine.beginSession(DATE, {cash: $(100_000), openOrders, positions: [...c.positions]}, nyTime(DATE, 10, 1));
		assert.equal(s.state, c.want, JSON.stringify(c));
		assert.equal(s.openOrderId(), openOrders[0]?.clientOrderId ?? null);
	}
});

test('pause: no new entries, an open entry is withdrawn, exits still managed; resume re-enables', () => {
	const h = withOpenBuy();
	h.engine.pause('TSLA');
	assert.equal(h.scalper.state, 'TO_BUY');
	assert.deepEqual(
		h.journal.ofType('cancel_requested').map(c => c.reason),
		['pause'],
	);
	assert.deepEqual(
		h.journal.ofType('command').map(c => c.command),
		['pause'],
	);
	// another crossover while paused: nothing
	for (const b of closesToBars('TSLA', '10:00', crossoverCloses())) h.feed(b);
	assert.equal(h.journal.ofType('order_submitted').length, 1);
	h.engine.resume('TSLA');
	for (const b of closesToBars('TSLA', '10:30', crossoverCloses())) h.feed(b);
	assert.equal(h.journal.ofType('order_submitted').length, 2);
});

test('paused symbol with a position is still liquidated at 15:55', () => {
	const h = harness();
	h.begin();
	for (const b of closesToBars('TSLA', '15:30', crossoverCloses())) h.feed(b);
	h.feed(bar('TSLA', '15:52', 100.5, 100.55, 100.4, 100.5));
	h.engine.pause('TSLA');
	h.feed(bar('TSLA', '15:53', 100.5, 100.5, 100.4, 100.5));
	h.feed(bar('TSLA', '15:54', 100.5, 100.5, 100.4, 100.5));
	assert.equal(ordersOf(h.journal).at(-1)!.reason, 'eod');
});

test('force-sell: cancel the take-profit, then sell at market (manual)', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 100.5, 100.55, 100.4, 100.5));
	h.engine.forceSell('TSLA');
	assert.deepEqual(
		h.journal.ofType('cancel_requested').map(c => c.reason),
		['manual'],
	);
	const last = ordersOf(h.journal).at(-1)!;
	assert.equal(last.type, 'market');
	assert.equal(last.reason, 'manual');
	assert.deepEqual(
		h.journal.ofType('command').map(c => c.command),
		['force_sell'],
	);
});

test('operator cancel of a sell: no market bailout; the take-profit is placed again (no unmanaged TO_SELL)', () => {
	const h = withOpenBuy();
	h.feed(bar('TSLA', '09:52', 100.5, 100.55, 100.4, 100.5));
	const before = ordersOf(h.journal);
	const tp = before.at(-1)!;
	assert.equal(tp.side, 'sell');
	h.engine.cancel('TSLA');
	assert.equal(h.scalper.state, 'SELL_SUBMITTED');
	const after = ordersOf(h.journal);
	assert.equal(after.length, before.length + 1);
	const again = after.at(-1)!;
	assert.equal(again.side, 'sell');
	assert.equal(again.type, 'limit');
	assert.equal(again.qty, tp.qty);
	assert.equal(again.reason, 'take_profit');
	assert.equal(again.limit, tp.limit);
	assert.notEqual(h.scalper.openOrderId(), null);
});

function rebuildWithPosition(replaceExitOnRebuild: boolean | undefined, atMs = nyTime(DATE, 10, 1), last = 0) {
	const broker = new ScriptedBroker();
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 't'});
	const s = engine.add(
		'scalp',
		(ctx, book) =>
			new ScalpStrategy(
				'TSLA',
				ctx,
				{lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false, ...(replaceExitOnRebuild === undefined ? {} : {replaceExitOnRebuild})},
				book('TSLA'),
			),
	) as ScalpStrategy;
	if (last > 0) engine.setLastPrice('TSLA', micros(last));
	// 7 shares at an average of 100.005: take-profit = round(100.015) half up = 100.02
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: [{symbol: 'TSLA', qty: 7, costBasis: $(700.035)}]}, atMs);
	return {broker, journal, engine, s};
}

test('rebuild with a held position and no exit order: the take-profit is placed again (console option)', () => {
	const {journal, s} = rebuildWithPosition(true);
	assert.equal(s.state, 'SELL_SUBMITTED');
	const orders = ordersOf(journal);
	assert.equal(orders.length, 1);
	assert.equal(orders[0]!.side, 'sell');
	assert.equal(orders[0]!.type, 'limit');
	assert.equal(orders[0]!.qty, 7);
	assert.equal(orders[0]!.limit, 100.02);
	assert.equal(orders[0]!.reason, 'take_profit');
	// last above average + take-profit: the limit is the last price, cent-rounded half up
	const higher = rebuildWithPosition(true, nyTime(DATE, 10, 1), $(101.235));
	assert.equal(ordersOf(higher.journal)[0]!.limit, 101.24);
});

test('rebuild: backtests (option off) keep the original TO_SELL; after the end-of-day time nothing is placed', () => {
	const off = rebuildWithPosition(undefined);
	assert.equal(off.s.state, 'TO_SELL');
	assert.equal(ordersOf(off.journal).length, 0);
	const late = rebuildWithPosition(true, nyTime(DATE, 15, 56));
	assert.equal(late.s.state, 'TO_SELL');
	assert.equal(ordersOf(late.journal).length, 0);
});

test("a custom signal sees this session's bars and decides the entry", () => {
	const seen: number[] = [];
	const h = harness({
		signal: bars => {
			seen.push(bars.length);
			return bars.length === 25;
		},
	});
	h.begin();
	for (const b of closesToBars(
		'TSLA',
		'09:30',
		Array.from({length: 30}, () => 50),
	))
		h.feed(b);
	assert.deepEqual(seen.slice(0, 2), [21, 22]);
	assert.equal(ordersOf(h.journal)[0]!.qty, 40);
	assert.equal(ordersOf(h.journal)[0]!.time, '14:55');
});

test('a lot too small for one share skips the entry with an error line', () => {
	const h = withOpenBuy({lot: $(50)});
	assert.equal(h.scalper.state, 'TO_BUY');
	assert.match(h.journal.ofType('error')[0]!.message, /0 shares/);
});

test('liquidate all pauses every symbol it sold (no buying again at the next signal) and says so', () => {
	const lines: string[] = [];
	const broker = new ScriptedBroker();
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 't', logSink: line => lines.push(line.text)});
	const opts = {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false};
	const tsla = engine.add('scalp', (ctx, book) => new ScalpStrategy('TSLA', ctx, opts, book('TSLA'))) as ScalpStrategy;
	const aapl = engine.add('scalp', (ctx, book) => new ScalpStrategy('AAPL', ctx, opts, book('AAPL'))) as ScalpStrategy;
	engine.setLastPrice('TSLA', $(100));
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: [{symbol: 'TSLA', qty: 5, costBasis: $(500)}]}, nyTime(DATE, 10, 0));
	const paused = engine.liquidateAll();
	assert.deepEqual(paused, ['TSLA']);
	assert.equal(tsla.paused, true);
	assert.equal(aapl.paused, false, 'a symbol with nothing to sell keeps trading');
	assert.ok(
		lines.some(l => /liquidate: paused TSLA/.test(l)),
		lines.join('\n'),
	);
	assert.deepEqual(
		journal.ofType('command').map(c => `${c.command}:${c.symbol}`),
		['liquidate_all:null', 'pause:TSLA'],
	);
});
