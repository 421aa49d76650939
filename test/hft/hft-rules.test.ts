/**
 * The tick-taker's rules, one by one, on hand-built quote and trade sequences: level changes and
 * arming, the 50 ms guard at nanosecond resolution, the 100-share minimum, the 1.8 size
 * ratios, the position limit, pending accounting under partial fills and cancels, the cash
 * rule, the IOC fallback and the operator commands.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {nyTime} from '../../source/core/time.js';
import {IMBALANCE_THRESHOLD} from '../../source/strategies/hft.js';
import {ScriptedBroker} from '../_helpers/scripted-broker.js';
import {$, after, at, rig, type Rig} from './harness.js';

/**
 * Two level changes with one-cent spreads: the first (from 0/0) does not arm, the second
 * (from a penny level) does. Returns the arming quote's time; the level is bid/ask.
 */
function arm(r: Rig, t: {ms: number; ns: number}, bid: string, ask: string, bidSize = 1000, askSize = 100): {ms: number; ns: number} {
	const b = Number(bid);
	r.quote(t, (b - 0.01).toFixed(2), bidSize, (Number(ask) - 0.01).toFixed(2), askSize);
	const armed = after(t, 1_000_000);
	r.quote(armed, bid, bidSize, ask, askSize);
	assert.equal(r.strategy.state, 'ARMED');
	return armed;
}

/** A re-arm from the current penny level: one more level change one cent away. */
function rearm(r: Rig, t: {ms: number; ns: number}, bid: string, ask: string, bidSize = 1000, askSize = 100): {ms: number; ns: number} {
	r.quote(t, bid, bidSize, ask, askSize);
	assert.equal(r.strategy.state, 'ARMED');
	return t;
}

const LATER = 60_000_000; // 60 ms in ns: past the guard

test('a level change arms only when the old level had a one-cent spread; the first level (from 0/0) does not', () => {
	const r = rig();
	r.quote(at(10, 0, 0), '223.81', 500, '223.82', 100);
	assert.equal(r.strategy.state, 'DISARMED');
	assert.equal(r.strategy.stats.levelChanges, 1);
	r.quote(at(10, 0, 1), '223.82', 500, '223.83', 100);
	assert.equal(r.strategy.state, 'ARMED');
	const states = r.journal.ofType('state');
	assert.deepEqual(
		states.map(s => [s.strategy, s.from, s.to]),
		[['hft', 'DISARMED', 'ARMED']],
	);
});

test('a level from a sub-penny spread (0.006 rounds to 0.01) is a level, but the next one does not arm', () => {
	const r = rig();
	r.quote(at(10, 0, 0), '10.000', 100, '10.006', 100); // level (spread rounds to 0.01), from 0/0
	r.quote(at(10, 0, 1), '10.010', 100, '10.020', 100); // level, old spread 0.006: no arm
	assert.equal(r.strategy.stats.levelChanges, 2);
	assert.equal(r.strategy.state, 'DISARMED');
	r.quote(at(10, 0, 2), '10.021', 100, '10.031', 100); // old spread 0.010: arms
	assert.equal(r.strategy.state, 'ARMED');
});

test('spread rounding: 0.005 rounds up to a one-cent level, 0.015 does not', () => {
	const r = rig();
	r.quote(at(10, 0, 0), '10.00', 100, '10.015', 100);
	assert.equal(r.strategy.stats.levelChanges, 0);
	r.quote(at(10, 0, 1), '10.00', 100, '10.005', 100);
	assert.equal(r.strategy.stats.levelChanges, 1);
});

test('no level change unless both sides move; sizes are always taken', () => {
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83', 100, 100);
	r.quote(after(t, 1e6), '223.82', 1000, '223.84', 100); // bid unchanged
	r.quote(after(t, 2e6), '223.81', 1000, '223.83', 100); // ask unchanged
	r.quote(after(t, 3e6), '223.85', 1000, '223.87', 100); // both moved, spread 0.02
	assert.equal(r.strategy.stats.levelChanges, 2);
	// The level is still 223.82/223.83 but the sizes are the last quote's: a print at the
	// level's ask (not the book's) buys at the level's ask.
	r.trade(after(t, LATER), '223.83', 100);
	assert.deepEqual(r.orders(), [{side: 'buy', qty: 100, limit: 223.83, tif: 'ioc', type: 'limit'}]);
	const view = r.strategy.view().hft!;
	assert.equal(view.bidPrice, 223.85);
	assert.equal(view.askPrice, 223.87);
});

test('the 50 ms guard compares nanoseconds: at level + 50 ms the print is ignored, 1 ns later followed', () => {
	const r = rig();
	const level = arm(r, at(10, 0, 0, 123, 456_789), '223.82', '223.83');
	r.trade(after(level, 50_000_000 - 1), '223.83', 100);
	r.trade(after(level, 50_000_000), '223.83', 100);
	assert.equal(r.orders().length, 0);
	assert.equal(r.strategy.state, 'ARMED');
	r.trade(after(level, 50_000_001), '223.83', 100);
	assert.equal(r.orders().length, 1);
	assert.equal(r.strategy.state, 'DISARMED');
});

test('the guard across a millisecond carry: level at ns 999999, print 50 ms + 1 ns later is at ns 0', () => {
	const r = rig();
	const level = arm(r, at(10, 0, 0, 5, 999_999), '223.82', '223.83');
	const edge = after(level, 50_000_000);
	assert.equal(edge.ns, 999_999);
	r.trade(edge, '223.83', 100);
	assert.equal(r.orders().length, 0);
	const next = after(level, 50_000_001);
	assert.equal(next.ns, 0);
	r.trade(next, '223.83', 100);
	assert.equal(r.orders().length, 1);
});

test('prints under 100 shares are ignored: 99 is not followed, 100 is', () => {
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 99);
	assert.equal(r.orders().length, 0);
	r.trade(after(t, LATER + 1), '223.83', 100);
	assert.equal(r.orders().length, 1);
});

test('buy ratio: the bid size must be above 1.8 x the ask size (180 vs 100 no, 181 yes; 9 vs 5 no)', () => {
	assert.equal(IMBALANCE_THRESHOLD, 1.8);
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83', 180, 100);
	r.trade(after(t, LATER), '223.83', 500);
	r.quote(after(t, LATER + 1), '223.82', 9, '223.83', 5);
	r.trade(after(t, LATER + 2), '223.83', 500);
	assert.equal(r.orders().length, 0);
	assert.equal(r.strategy.state, 'ARMED');
	r.quote(after(t, LATER + 3), '223.82', 181, '223.83', 100);
	r.trade(after(t, LATER + 4), '223.83', 500);
	assert.deepEqual(r.orders(), [{side: 'buy', qty: 100, limit: 223.83, tif: 'ioc', type: 'limit'}]);
});

test('sell ratio: the ask size must be above 1.8 x the bid size, and 100 shares must be held', () => {
	const r = rig();
	let t = arm(r, at(10, 0, 0), '223.82', '223.83', 100, 181);
	r.trade(after(t, LATER), '223.82', 500); // nothing held yet
	assert.equal(r.orders().length, 0);
	assert.equal(r.strategy.state, 'ARMED');
	// Buy 100 first.
	r.quote(after(t, LATER + 1), '223.82', 1000, '223.83', 500);
	r.trade(after(t, LATER + 2), '223.83', 100);
	assert.equal(r.position(), 100);
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84', 100, 180);
	r.trade(after(t, LATER), '223.83', 500);
	assert.equal(r.orders().length, 1);
	r.quote(after(t, LATER + 1), '223.83', 100, '223.84', 181);
	r.trade(after(t, LATER + 2), '223.83', 500);
	assert.deepEqual(r.orders()[1], {side: 'sell', qty: 100, limit: 223.83, tif: 'ioc', type: 'limit'});
	assert.equal(r.position(), 0);
});

test('a print away from the level, or at the level with the other side dominant, does nothing', () => {
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83', 1000, 100);
	r.trade(after(t, LATER), '223.825', 500); // inside the spread
	r.trade(after(t, LATER + 1), '223.82', 500); // at the bid, but the bid dominates
	r.trade(after(t, LATER + 2), '223.84', 500); // away
	assert.equal(r.orders().length, 0);
	assert.equal(r.strategy.state, 'ARMED');
});

test('an accepted order disarms until the next level change from a penny level', () => {
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 100);
	r.trade(after(t, LATER + 1), '223.83', 100);
	r.trade(after(t, 10 * LATER), '223.83', 100);
	assert.equal(r.orders().length, 1);
	assert.equal(r.strategy.state, 'DISARMED');
	const t2 = rearm(r, after(t, 11 * LATER), '223.83', '223.84');
	r.trade(after(t2, LATER), '223.84', 100);
	assert.equal(r.orders().length, 2);
	const sub = r.journal.ofType('order_submitted');
	assert.ok(sub.every(o => o.strategy === 'hft' && o.reason === 'imbalance' && o.order_type === 'limit' && o.time_in_force === 'ioc'));
});

test('the position may reach --hft-qty (the original stopped 100 short), never more', () => {
	const r = rig({maxQty: 200});
	let t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 100);
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84');
	r.trade(after(t, LATER), '223.84', 100);
	assert.equal(r.position(), 200);
	t = rearm(r, after(t, 2 * LATER), '223.84', '223.85');
	r.trade(after(t, LATER), '223.85', 100);
	assert.equal(r.orders().length, 2);
	assert.equal(r.position(), 200);
	assert.equal(r.strategy.state, 'ARMED', 'no order, so still armed');
});

test('position limit with partial fills: an IOC fills up to the displayed size, the rest is canceled, counted once', () => {
	const r = rig({maxQty: 200});
	let t = arm(r, at(10, 0, 0), '223.82', '223.83', 1000, 60);
	r.trade(after(t, LATER), '223.83', 100);
	assert.equal(r.position(), 60);
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 0});
	const events = r.journal.ofType('order_update').map(u => [u.event, u.filled_qty]);
	assert.deepEqual(events, [
		['new', 0],
		['partial_fill', 60],
		['canceled', 60],
	]);
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84', 1000, 100);
	r.trade(after(t, LATER), '223.84', 100);
	assert.equal(r.position(), 160);
	t = rearm(r, after(t, 2 * LATER), '223.84', '223.85', 1000, 100);
	r.trade(after(t, LATER), '223.85', 100); // 160 + 100 > 200
	assert.equal(r.orders().length, 2);
	for (const u of r.journal.ofType('order_update')) assert.ok(u.position_qty >= 0 && u.position_qty <= 200);
	assert.equal(r.strategy.stats.maxPosition, 160);
});

test('tick-mode fill: against the last quote before the print, at the displayed price if no worse than the limit', () => {
	const r = rig();
	let t = arm(r, at(10, 0, 0), '223.82', '223.83');
	// Not a level change (spread 0.02): the level's ask stays 223.83, the book's is 223.82.
	r.quote(after(t, 1e6), '223.80', 1000, '223.82', 300);
	r.trade(after(t, LATER), '223.83', 100);
	assert.deepEqual(r.orders()[0], {side: 'buy', qty: 100, limit: 223.83, tif: 'ioc', type: 'limit'});
	const fill = r.journal.ofType('order_update').find(u => u.event === 'fill')!;
	assert.equal(fill.filled_avg_price, 223.82, 'filled at the displayed ask, better than the limit');
	// Book ask above the limit: nothing fills, the order is canceled, the trader stays disarmed.
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84');
	r.quote(after(t, 1e6), '223.85', 1000, '223.87', 300);
	r.trade(after(t, LATER), '223.84', 100);
	const last = r.journal
		.ofType('order_update')
		.slice(-2)
		.map(u => [u.event, u.filled_qty]);
	assert.deepEqual(last, [
		['new', 0],
		['canceled', 0],
	]);
	assert.equal(r.position(), 100);
	assert.equal(r.strategy.stats.unfilled, 1);
	assert.equal(r.strategy.state, 'DISARMED');
});

test('a later-answering broker: pending counts toward the limit; partial then fill counts once (not 140)', () => {
	const broker = new ScriptedBroker();
	const r = rig({maxQty: 200, broker});
	let t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 100);
	const first = broker.last().clientOrderId;
	assert.deepEqual(r.strategy.pending, {buy: 100, sell: 0});
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84');
	r.trade(after(t, LATER), '223.84', 100); // 0 + 100 pending + 100 <= 200
	const second = broker.last().clientOrderId;
	assert.equal(broker.submitted.length, 2);
	t = rearm(r, after(t, 2 * LATER), '223.84', '223.85');
	r.trade(after(t, LATER), '223.85', 100); // 0 + 200 pending + 100 > 200
	assert.equal(broker.submitted.length, 2);
	assert.equal(r.strategy.view().hft!.pendingBuy, 200);

	broker.fill(first, 40, $('223.83'));
	assert.equal(r.position(), 40);
	assert.deepEqual(r.strategy.pending, {buy: 160, sell: 0});
	broker.fill(first, 60, $('223.83'));
	assert.equal(r.position(), 100, 'the final fill adds 60, not the cumulative 100 again');
	assert.deepEqual(r.strategy.pending, {buy: 100, sell: 0});
	broker.finish(second, 'canceled');
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 0});
	assert.equal(r.position(), 100);

	// Sell side: a partial fill then a cancel releases the rest.
	t = rearm(r, after(t, 3 * LATER), '223.85', '223.86', 100, 1000);
	r.trade(after(t, LATER), '223.85', 100);
	const sell = broker.last();
	assert.equal(sell.side, 'sell');
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 100});
	broker.fill(sell.clientOrderId, 30, $('223.85'));
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 70});
	broker.finish(sell.clientOrderId, 'canceled');
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 0});
	assert.equal(r.position(), 70);
	t = rearm(r, after(t, 2 * LATER), '223.86', '223.87', 100, 1000);
	r.trade(after(t, LATER), '223.86', 100); // 70 held: no sell
	assert.equal(broker.submitted.length, 3);
});

test('cash: at $570, 100 shares need $57,000, so with $100,000 the second buy is refused and the trader stays armed', () => {
	const r = rig({cash: 100_000, symbol: 'GOOG'});
	let t = arm(r, at(10, 0, 0), '570.00', '570.01');
	r.trade(after(t, LATER), '570.01', 100);
	assert.equal(r.position(), 100);
	t = rearm(r, after(t, 2 * LATER), '570.01', '570.02');
	r.trade(after(t, LATER), '570.02', 100);
	assert.equal(r.strategy.state, 'ARMED');
	assert.equal(r.strategy.stats.ordersRefused, 1);
	r.trade(after(t, 2 * LATER), '570.02', 200);
	assert.equal(r.strategy.stats.ordersRefused, 2);
	assert.equal(r.strategy.state, 'ARMED');
	// Refused orders were never submitted: the journal keeps their rejection only.
	assert.equal(r.journal.ofType('order_submitted').length, 1);
	const rejected = r.journal.ofType('order_update').filter(u => u.event === 'rejected');
	assert.equal(rejected.length, 2);
	assert.match(rejected[0]!.message ?? '', /buying power/);
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 0});
	// A sell still works, and disarms.
	r.quote(after(t, 3 * LATER), '570.01', 100, '570.02', 1000);
	r.trade(after(t, 4 * LATER), '570.01', 100);
	assert.equal(r.position(), 0);
	assert.equal(r.strategy.state, 'DISARMED');
	assert.match(r.strategy.view().hft!.lastActions.join('\n'), /refused/);
});

test('a broker that refuses IOC: day limit canceled at once as the original did, said in the log, kept afterwards', () => {
	const broker = new ScriptedBroker();
	const r = rig({broker});
	broker.refuseNext = 'time_in_force ioc is not enabled for this account';
	let t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 100);
	assert.equal(broker.submitted.length, 2);
	assert.equal(broker.submitted[0]!.timeInForce, 'ioc');
	const day = broker.submitted[1]!;
	assert.deepEqual([day.side, day.type, day.qty, day.limitPrice, day.timeInForce], ['buy', 'limit', 100, $('223.83'), 'day']);
	assert.deepEqual(broker.canceled, [day.clientOrderId]);
	assert.ok(r.logs.some(l => l.level === 'warn' && /falling back to day limit orders canceled at once/.test(l.text)));
	assert.equal(r.strategy.iocFallback, true);
	assert.equal(r.strategy.state, 'DISARMED');
	broker.finish(day.clientOrderId, 'canceled');
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 0});
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84');
	r.trade(after(t, LATER), '223.84', 100);
	assert.equal(broker.submitted[2]!.timeInForce, 'day');
	assert.equal(broker.canceled.length, 2);
});

test('pause: no new trades while paused (quotes still followed); resume trades again', () => {
	const r = rig();
	const t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.engine.pause('AMZN');
	r.trade(after(t, LATER), '223.83', 100);
	assert.equal(r.orders().length, 0);
	r.quote(after(t, LATER + 1), '223.82', 2000, '223.83', 100);
	assert.equal(r.strategy.view().hft!.bidSize, 2000);
	r.engine.resume('AMZN');
	r.trade(after(t, LATER + 2), '223.83', 100);
	assert.equal(r.orders().length, 1);
});

test('force sell: open orders are canceled first, then the position is sold at market', () => {
	const broker = new ScriptedBroker();
	const r = rig({broker});
	let t = arm(r, at(10, 0, 0), '223.82', '223.83');
	r.trade(after(t, LATER), '223.83', 100);
	broker.fill(broker.last().clientOrderId, 100, $('223.83'));
	t = rearm(r, after(t, 2 * LATER), '223.83', '223.84');
	r.trade(after(t, LATER), '223.84', 100);
	const open = broker.last().clientOrderId;
	r.engine.forceSell('AMZN');
	assert.deepEqual(broker.canceled, [open]);
	assert.equal(broker.submitted.length, 2, 'the market sell waits for the cancel');
	broker.finish(open, 'canceled');
	const exit = broker.last();
	assert.deepEqual([exit.side, exit.type, exit.qty, exit.limitPrice, exit.timeInForce], ['sell', 'market', 100, null, 'day']);
	assert.equal(r.journal.ofType('order_submitted').at(-1)!.reason, 'manual');
	r.engine.forceSell('AMZN'); // an open market sell is left alone
	assert.equal(broker.submitted.length, 3);
	assert.deepEqual(r.strategy.pending, {buy: 0, sell: 100});
});

test('view: book, spread, threshold, armed, pending, limit and recent actions', () => {
	const r = rig({maxQty: 300});
	const t = arm(r, at(10, 0, 0), '223.82', '223.83', 900, 300);
	r.trade(after(t, LATER), '223.83', 100);
	const v = r.strategy.view();
	assert.equal(v.state, 'DISARMED');
	assert.deepEqual(
		{...v.hft!, lastActions: undefined},
		{
			bidPrice: 223.82,
			bidSize: 900,
			askPrice: 223.83,
			askSize: 300,
			spread: 0.01,
			threshold: 1.8,
			armed: false,
			pendingBuy: 0,
			pendingSell: 0,
			maxQty: 300,
			lastActions: undefined,
		},
	);
	assert.deepEqual(v.hft!.lastActions, ['buy 100 @ 223.83 (bid 900 x ask 300)', 'bought 100 @ 223.83 -> 100']);
	assert.equal(v.openOrder, null);
});

test('a new session forgets the level: disarmed, and the first level change does not arm', () => {
	const r = rig();
	arm(r, at(10, 0, 0), '223.82', '223.83');
	r.engine.beginSession('2012-06-22', r.exchange!.state(), nyTime('2012-06-22', 9, 30));
	assert.equal(r.strategy.state, 'DISARMED');
	r.quote({ms: nyTime('2012-06-22', 9, 30, 1), ns: 0}, '223.84', 100, '223.85', 100);
	assert.equal(r.strategy.state, 'DISARMED');
});
