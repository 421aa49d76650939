/** The simulated exchange's bar-mode fill model and broker rules at their boundaries. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import type {OrderEvent, OrderRequest} from '../../source/core/types.js';
import {$, bar} from '../_helpers/bars.js';

function setup(cash = 100_000) {
	const ex = new SimExchange({cash: $(cash)});
	const events: OrderEvent[] = [];
	ex.onEvent(e => events.push(e));
	return {ex, events};
}

let n = 0;
const order = (over: Partial<OrderRequest>): OrderRequest => ({
	symbol: 'TSLA',
	side: 'buy',
	type: 'limit',
	qty: 10,
	limitPrice: $(100),
	timeInForce: 'day',
	clientOrderId: `c${++n}`,
	...over,
});

test('limit buy fills when low touches the limit exactly, at min(limit, open)', () => {
	const {ex, events} = setup();
	const b = bar('TSLA', '10:00', 100.5, 101, 100, 100.7);
	ex.setTime(b.start);
	ex.submit(order({limitPrice: $(100)}));
	ex.setTime(b.start + 60_000);
	ex.matchBar(b);
	assert.equal(events.at(-1)!.event, 'fill');
	assert.equal(events.at(-1)!.fillPrice, $(100));
	assert.equal(events.at(-1)!.ms, b.start + 60_000);
});

test('limit buy does not fill when low is a hundredth of a cent above the limit', () => {
	const {ex, events} = setup();
	const b = bar('TSLA', '10:00', 100.5, 101, 100.0001, 100.7);
	ex.setTime(b.start);
	ex.submit(order({limitPrice: $(100)}));
	ex.matchBar(b);
	assert.equal(events.at(-1)!.event, 'new');
});

test('limit buy above the open fills at the open; limit sell below the open fills at the open', () => {
	const {ex, events} = setup();
	const b = bar('TSLA', '10:00', 99, 101, 98, 100);
	ex.setTime(b.start);
	ex.submit(order({limitPrice: $(100)}));
	ex.matchBar(b);
	assert.equal(events.at(-1)!.fillPrice, $(99));
	ex.submit(order({side: 'sell', limitPrice: $(95)}));
	const b2 = bar('TSLA', '10:01', 97, 99, 96, 98);
	ex.setTime(b2.start);
	ex.matchBar(b2);
	assert.equal(events.at(-1)!.event, 'fill');
	assert.equal(events.at(-1)!.fillPrice, $(97));
});

test('limit sell fills when high touches exactly, at max(limit, open)', () => {
	const {ex, events} = setup();
	const b0 = bar('TSLA', '09:59', 100, 100, 100, 100);
	ex.setTime(b0.start);
	ex.setLastPrice('TSLA', $(100));
	ex.submit(order({type: 'market', limitPrice: null}));
	ex.matchBar(b0);
	const b = bar('TSLA', '10:00', 100, 100.25, 99.9, 100.1);
	ex.setTime(b.start);
	ex.submit(order({side: 'sell', limitPrice: $(100.25)}));
	ex.matchBar(b);
	assert.equal(events.at(-1)!.event, 'fill');
	assert.equal(events.at(-1)!.fillPrice, $(100.25));
});

test('an order submitted at s is matched against the bar starting at s; one submitted after s is not', () => {
	const {ex, events} = setup();
	const b = bar('TSLA', '10:00', 100, 100, 100, 100);
	ex.setTime(b.start);
	ex.submit(order({limitPrice: $(100)}));
	ex.setTime(b.start + 1);
	ex.submit(order({limitPrice: $(100)}));
	ex.matchBar(b);
	const fills = events.filter(e => e.event === 'fill');
	assert.equal(fills.length, 1);
	assert.equal(fills[0]!.order.submittedMs, b.start);
});

test('market orders fill at the open; fills are whole', () => {
	const {ex, events} = setup();
	ex.setLastPrice('TSLA', $(100));
	const b = bar('TSLA', '10:00', 100.37, 102, 99, 101);
	ex.setTime(b.start);
	ex.submit(order({type: 'market', limitPrice: null, qty: 25}));
	ex.matchBar(b);
	assert.equal(events.at(-1)!.fillQty, 25);
	assert.equal(events.at(-1)!.fillPrice, $(100.37));
	assert.equal(ex.cash, $(100_000) - 25 * $(100.37));
});

test('a buy is rejected at submission when qty x limit exceeds cash; open buys reserve nothing', () => {
	const {ex, events} = setup(1000);
	ex.submit(order({qty: 10, limitPrice: $(100)})); // exactly 1000: allowed
	assert.equal(events.at(-1)!.event, 'new');
	ex.submit(order({qty: 10, limitPrice: $(100)})); // still 1000 cash: allowed (no reservation)
	assert.equal(events.at(-1)!.event, 'new');
	ex.submit(order({qty: 10, limitPrice: $(100.01)}));
	assert.equal(events.at(-1)!.event, 'rejected');
	assert.equal(events.at(-1)!.atSubmission, true);
});

test('a market buy is checked at qty x last', () => {
	const {ex, events} = setup(1000);
	ex.setLastPrice('TSLA', $(100.01));
	ex.submit(order({type: 'market', limitPrice: null, qty: 10}));
	assert.equal(events.at(-1)!.event, 'rejected');
});

test('a sell beyond position minus open sells is rejected; qty <= 0 is rejected', () => {
	const {ex, events} = setup();
	ex.setLastPrice('TSLA', $(100));
	ex.submit(order({type: 'market', limitPrice: null, qty: 10}));
	ex.matchBar(bar('TSLA', '09:30', 100, 100, 100, 100));
	ex.submit(order({side: 'sell', qty: 6, limitPrice: $(105)}));
	assert.equal(events.at(-1)!.event, 'new');
	ex.submit(order({side: 'sell', qty: 5, limitPrice: $(105)}));
	assert.equal(events.at(-1)!.event, 'rejected');
	ex.submit(order({side: 'sell', qty: 4, limitPrice: $(105)}));
	assert.equal(events.at(-1)!.event, 'new');
	ex.submit(order({qty: 0}));
	assert.equal(events.at(-1)!.event, 'rejected');
});

test('cancel delivers canceled before it returns; expireAll expires what is left', () => {
	const {ex, events} = setup();
	ex.submit(order({clientOrderId: 'a'}));
	ex.submit(order({clientOrderId: 'b'}));
	const before = events.length;
	assert.equal(ex.cancel('a'), true);
	assert.equal(events.length, before + 1);
	assert.equal(events.at(-1)!.event, 'canceled');
	assert.equal(ex.cancel('a'), false);
	ex.expireAll();
	assert.equal(events.at(-1)!.event, 'expired');
	assert.equal(events.at(-1)!.order.clientOrderId, 'b');
	assert.equal(ex.hasOpenOrders(), false);
});

test('IOC: fills against the displayed size at the displayed price, rest canceled', () => {
	const {ex, events} = setup();
	ex.setQuote({symbol: 'TSLA', ms: 0, ns: 0, bidPrice: $(99.99), bidSize: 300, askPrice: $(100), askSize: 60});
	ex.submit(order({timeInForce: 'ioc', qty: 100, limitPrice: $(100)}));
	const kinds = events.map(e => e.event);
	assert.deepEqual(kinds, ['new', 'partial_fill', 'canceled']);
	assert.equal(events[1]!.fillQty, 60);
	ex.submit(order({timeInForce: 'ioc', qty: 100, limitPrice: $(99.99)}));
	assert.deepEqual(
		events.slice(3).map(e => e.event),
		['new', 'canceled'],
	);
});

test('open buys reserve nothing by default (backtests); with reserveOpenBuys they hold buying power until filled or ended', () => {
	const contract = setup(100_000);
	contract.ex.submit(order({qty: 600, limitPrice: $(100)}));
	contract.ex.submit(order({qty: 600, limitPrice: $(100)}));
	assert.deepEqual(
		contract.events.map(e => e.event),
		['new', 'new'],
	);

	const ex = new SimExchange({cash: $(100_000), reserveOpenBuys: true});
	const events: OrderEvent[] = [];
	ex.onEvent(e => events.push(e));
	const first = order({qty: 600, limitPrice: $(100)});
	ex.submit(first);
	assert.equal(ex.buyingPower(), $(40_000));
	ex.submit(order({qty: 600, limitPrice: $(100)}));
	assert.equal(events.at(-1)!.event, 'rejected');
	assert.equal(events.at(-1)!.message, 'insufficient buying power');
	// A fill below the limit spends less than was held; the rest comes back.
	const b = bar('TSLA', '10:00', 99, 99.5, 98, 99);
	ex.setTime(b.start + 60_000);
	ex.matchBar(b);
	assert.equal(ex.cash, $(100_000 - 600 * 99));
	assert.equal(ex.buyingPower(), ex.cash);
	ex.submit(order({qty: 300, limitPrice: $(100)}));
	assert.equal(ex.buyingPower(), ex.cash - $(30_000));
	ex.expireAll();
	assert.equal(ex.buyingPower(), ex.cash);
});
