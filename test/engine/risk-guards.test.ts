/**
 * The risk guards, each tripping once: daily loss limit (with and without flattening), orders
 * per minute, largest position per symbol, kill switch. Every trip is journaled once (`risk`
 * line); a guarded entry is refused (an `order_update` rejected with the guard's reason and
 * no order at the exchange); exits still go out; the operator's own (manual) orders pass.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SimBroker} from '../../source/adapters/sim/broker.js';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import type {BarSession} from '../../source/adapters/replay/minute-csv.js';
import {BarReplay} from '../../source/backtest/bar-runner.js';
import type {Bar} from '../../source/core/types.js';
import {Engine} from '../../source/engine/engine.js';
import {NO_LIMITS, type RiskLimits} from '../../source/engine/risk.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {validateRecord} from '../../source/journal/schema.js';
import {serializeRecord} from '../../source/journal/writer.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {$, DATE, bar, closesToBars, crossoverCloses} from '../_helpers/bars.js';

function rig(symbols: string[], limits: Partial<RiskLimits>) {
	const exchange = new SimExchange({cash: $(100_000)});
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: 'risk', risk: {...NO_LIMITS, ...limits}});
	for (const symbol of symbols)
		engine.add('scalp', (ctx, book) => new ScalpStrategy(symbol, ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book(symbol)));
	const replay = (bars: Bar[]): BarReplay => {
		const sessions: BarSession[] = [{date: DATE, bars: [...bars].sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : 1))}];
		const r = new BarReplay(sessions, engine, exchange);
		return r;
	};
	const scalper = (symbol: string) => engine.strategiesFor(symbol)[0] as ScalpStrategy;
	const risks = () => journal.ofType('risk');
	const refusals = (symbol: string) => journal.ofType('order_update').filter(u => u.symbol === symbol && u.event === 'rejected' && u.order_id === null);
	const submitted = (symbol: string, reason?: string) =>
		journal.ofType('order_submitted').filter(o => o.symbol === symbol && (reason === undefined || o.reason === reason));
	const journalValid = () => {
		for (const record of journal.records) assert.deepEqual(validateRecord(JSON.parse(serializeRecord(record))), [], JSON.stringify(record));
	};
	return {exchange, journal, engine, replay, scalper, risks, refusals, submitted, journalValid};
}

/** The crossover (buy 19 @ 101 placed at the arrival of the last bar) from `from`. */
const crossing = (symbol: string, from: string): Bar[] => closesToBars(symbol, from, crossoverCloses());

/**
 * XXX buys at 09:52 and crashes to 50 in its 09:52 bar (-$969 unrealized: the loss limit of
 * $500 trips at that arrival's checkup); YYY's buy goes out in that same step, before the
 * checkup, and fills after the trip (its take-profit is an exit); ZZZ signals after the trip.
 */
function lossDay(): Bar[] {
	return [
		...crossing('XXX', '09:30'),
		bar('XXX', '09:52', 101, 101, 40, 50),
		...Array.from({length: 4}, (_, i) => bar('XXX', `09:5${3 + i}`, 50, 50, 50, 50)),
		...crossing('YYY', '09:31'),
		bar('YYY', '09:53', 101, 101, 100.5, 101),
		...Array.from({length: 3}, (_, i) => bar('YYY', `09:5${4 + i}`, 101, 101, 101, 101)),
		...crossing('ZZZ', '09:33'),
		...Array.from({length: 2}, (_, i) => bar('ZZZ', `09:5${5 + i}`, 101, 101, 101, 101)),
	];
}

test('daily loss limit: trips once, refuses the next entry, lets exits through', () => {
	const r = rig(['XXX', 'YYY', 'ZZZ'], {maxDailyLoss: $(500)});
	r.replay(lossDay()).runToEnd();
	assert.equal(r.risks().length, 1, 'journaled once over many checkups');
	assert.equal(r.risks()[0]!.guard, 'daily_loss');
	assert.match(r.risks()[0]!.message, /^day P&L -\$969\.00 reached the -\$500 limit: no new entries$/);
	assert.deepEqual(r.engine.riskView()!.tripped, ['daily_loss']);
	// ZZZ's entry was refused, and never reached the exchange.
	assert.equal(r.submitted('ZZZ').length, 1);
	assert.equal(r.refusals('ZZZ').length, 1);
	assert.equal(r.refusals('ZZZ')[0]!.message, 'daily loss limit reached: no new entries');
	assert.equal(r.exchange.order(String(r.submitted('ZZZ')[0]!.client_order_id)), null);
	assert.equal(r.scalper('ZZZ').state, 'TO_BUY');
	// YYY's take-profit (an exit) went out after the trip.
	assert.equal(r.submitted('YYY', 'take_profit').length, 1);
	assert.equal(r.refusals('YYY').length, 0);
	r.journalValid();
});

test('daily loss limit with --flatten-on-loss: everything is sold at once', () => {
	const r = rig(['XXX', 'YYY', 'ZZZ'], {maxDailyLoss: $(500), flattenOnLoss: true});
	r.replay(lossDay()).runToEnd();
	assert.equal(r.risks().length, 1);
	assert.match(r.risks()[0]!.message, /no new entries, flattening$/);
	assert.equal(r.submitted('XXX', 'manual').length, 1, 'XXX: its take-profit canceled, a market exit placed');
	assert.equal(r.exchange.position('XXX'), null, 'XXX flat');
	assert.equal(r.refusals('XXX').length, 0);
	assert.equal(r.refusals('ZZZ').length, 1, 'still no new entry');
	r.journalValid();
});

test('orders per minute: the order past the rate is refused and journaled once per symbol; manual orders pass', () => {
	const r = rig(['AAA', 'BBB', 'CCC'], {maxOrdersPerMinute: 2});
	const bars = [...crossing('AAA', '09:30'), ...crossing('BBB', '09:30'), ...crossing('CCC', '09:30')];
	const replay = r.replay(bars);
	replay.runToEnd();
	assert.equal(r.submitted('AAA').length + r.submitted('BBB').length + r.submitted('CCC').length, 3);
	assert.equal(r.refusals('CCC').length, 1, 'the third buy in the same minute');
	assert.equal(r.refusals('CCC')[0]!.message, 'order rate limit');
	assert.equal(r.refusals('AAA').length + r.refusals('BBB').length, 0);
	assert.equal(r.risks().length, 1);
	assert.equal(r.risks()[0]!.guard, 'orders_per_minute');
	assert.equal(r.risks()[0]!.symbol, 'CCC');
	r.journalValid();
});

test('orders per minute: at the limit strategy orders are refused, an operator force-sell still passes', () => {
	const r = rig(['AAA', 'BBB', 'CCC', 'DDD'], {maxOrdersPerMinute: 2});
	const bars = [
		...crossing('AAA', '09:30'),
		bar('AAA', '09:52', 101, 101, 100.5, 101),
		bar('AAA', '09:53', 101, 101, 101, 101),
		...crossing('BBB', '09:32'),
		...crossing('CCC', '09:32'),
		...crossing('DDD', '09:32'),
	];
	const replay = r.replay(bars);
	// To 09:54: AAA holds 19 with its take-profit open; BBB, CCC and DDD signal together.
	while (replay.step() !== null && r.engine.now < Date.parse('2019-02-11T14:54:00Z'));
	assert.equal(r.exchange.position('AAA')?.qty, 19);
	assert.equal(r.refusals('BBB').length + r.refusals('CCC').length, 0);
	assert.equal(r.refusals('DDD').length, 1, 'the third order of the minute');
	r.engine.forceSell('AAA');
	assert.equal(r.submitted('AAA', 'manual').length, 1);
	assert.equal(r.refusals('AAA').length, 0, 'the manual exit passed the full window');
	assert.equal(r.exchange.order(String(r.submitted('AAA', 'manual')[0]!.client_order_id))?.status, 'new', 'it is at the exchange');
	r.journalValid();
});

test('largest position per symbol: the buy past the cap is refused, journaled once however often it signals', () => {
	const r = rig(['AAA'], {maxPositionUsd: $(1000)});
	const twice = [...crossing('AAA', '09:30'), ...closesToBars('AAA', '09:52', crossoverCloses())];
	r.replay(twice).runToEnd();
	assert.equal(r.refusals('AAA').length, 2, 'both signals refused');
	assert.equal(r.refusals('AAA')[0]!.message, 'position cap');
	assert.equal(r.exchange.allOrders().length, 0);
	assert.equal(r.risks().length, 1, 'journaled once');
	assert.equal(r.risks()[0]!.guard, 'max_position');
	assert.match(r.risks()[0]!.message, /^AAA: \$1919\.00 would exceed the \$1000 position cap$/);
	r.journalValid();
});

test('largest position per symbol: exits are never capped', () => {
	const r = rig(['AAA'], {maxPositionUsd: $(2000)});
	const bars = [...crossing('AAA', '09:30'), bar('AAA', '09:52', 101, 101, 100.5, 101), bar('AAA', '09:53', 101, 102, 101, 101.5)];
	r.replay(bars).runToEnd();
	assert.equal(r.submitted('AAA', 'take_profit').length, 1);
	assert.equal(r.refusals('AAA').length, 0);
	assert.equal(r.scalper('AAA').roundTrips, 1);
	assert.equal(r.risks().length, 0);
});

test('kill switch: open orders are canceled, strategies send nothing more, journaled once; the operator may still exit', () => {
	const r = rig(['AAA', 'BBB'], {});
	const bars = [...crossing('AAA', '09:30'), bar('AAA', '09:52', 101, 101, 100.5, 101), ...crossing('BBB', '09:33')];
	const replay = r.replay(bars);
	// Run to 09:53: AAA bought and has its take-profit open; BBB has not signaled yet.
	while (replay.step() !== null && r.engine.now < Date.parse('2019-02-11T14:53:00Z'));
	assert.equal(r.scalper('AAA').state, 'SELL_SUBMITTED');
	r.engine.killSwitch();
	r.engine.killSwitch(); // pressed twice
	assert.equal(r.exchange.state().openOrders.length, 0, 'the take-profit was canceled');
	assert.equal(r.refusals('AAA').length, 1, 'and the automatic bailout that followed was refused: the operator decides');
	assert.equal(r.refusals('AAA')[0]!.message, 'kill switch engaged');
	replay.runToEnd();
	assert.equal(r.refusals('BBB').length, 1, 'BBB signaled after the kill: refused');
	assert.equal(r.refusals('BBB')[0]!.message, 'kill switch engaged');
	assert.equal(r.risks().filter(x => x.guard === 'kill_switch').length, 1, 'journaled once');
	assert.equal(r.journal.ofType('command').filter(c => c.command === 'kill_switch').length, 2, 'each press is a command line');
	assert.equal(r.engine.riskView()!.killed, true);
	// The operator's force-sell still goes out.
	r.engine.forceSell('AAA');
	assert.equal(r.submitted('AAA', 'manual').length, 1);
	assert.equal(r.refusals('AAA').length, 1, 'not refused');
	assert.ok(r.exchange.order(String(r.submitted('AAA', 'manual')[0]!.client_order_id)), 'at the exchange');
	r.journalValid();
});
