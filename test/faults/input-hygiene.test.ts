/**
 * Input hygiene in the engine: bad bars, quotes and trades are dropped, journaled (rate-limited)
 * and never traded on; order updates for orders nobody placed never drive a strategy.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {nyTime} from '../../source/core/time.js';
import type {Bar, BrokerState, Order, OrderEvent, OrderRequest, Quote, Trade} from '../../source/core/types.js';
import {Engine} from '../../source/engine/engine.js';
import {barProblem, MarketGuard, quoteProblem, tradeProblem} from '../../source/engine/market-guard.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {validateRecord} from '../../source/journal/schema.js';
import {serializeRecord} from '../../source/journal/writer.js';
import type {Broker, OrderEventListener} from '../../source/ports/broker.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {$, DATE, bar, closesToBars, crossoverCloses, harness, ordersOf} from '../_helpers/bars.js';
import {addMicros, INVALID_MICROS, micros, mulQty, negMicros, ZERO_MICROS} from '../../source/core/money.js';

const good: Bar = bar('TSLA', '10:00', 100, 101, 99, 100.5);
const quote = (over: Partial<Quote> = {}): Quote => ({
	symbol: 'TSLA',
	ms: nyTime(DATE, 10, 0),
	ns: 0,
	bidPrice: $(100),
	bidSize: 300,
	askPrice: $(100.01),
	askSize: 200,
	...over,
});
const trade = (over: Partial<Trade> = {}): Trade => ({symbol: 'TSLA', ms: nyTime(DATE, 10, 0), ns: 0, price: $(100), size: 100, ...over});

test('bar checks: prices, range, volume, session window, time', () => {
	assert.equal(barProblem(good), null);
	const cases: Array<[Partial<Bar>, RegExp]> = [
		[{close: INVALID_MICROS}, /positive whole number/],
		[{open: micros(0)}, /positive whole number/],
		[{low: negMicros($(1))}, /positive whole number/],
		[{high: addMicros($(101), mulQty(micros(1), 0.5))}, /positive whole number/], // half a micro
		[{high: $(98)}, /high below low/],
		[{volume: -1}, /volume/],
		[{volume: Number.NaN}, /volume/],
		[{start: nyTime(DATE, 9, 29)}, /outside the regular session/],
		[{start: nyTime(DATE, 16, 0)}, /outside the regular session/],
		[{start: nyTime(DATE, 4, 0)}, /outside the regular session/],
		[{start: Number.NaN}, /no valid start time/],
	];
	for (const [over, pattern] of cases) assert.match(barProblem({...good, ...over}) ?? 'accepted', pattern, JSON.stringify(over));
	assert.equal(barProblem({...good, start: nyTime(DATE, 9, 30)}), null, '09:30 is in');
	assert.equal(barProblem({...good, start: nyTime(DATE, 15, 59)}), null, '15:59 is in');
});

test('quote and trade checks: crossed, one-sided, NaN, negative, zero', () => {
	assert.equal(quoteProblem(quote()), null);
	assert.equal(quoteProblem(quote({bidPrice: micros(0)})), null, 'a one-sided book is legal');
	assert.equal(quoteProblem(quote({askPrice: $(100)})), null, 'a locked book is legal');
	assert.equal(quoteProblem(quote({bidPrice: $(100.02)})), null, 'a crossed consolidated book is kept (the originals traded on it)');
	assert.equal(barProblem({...good, close: $(102)}), null, 'a close above the high is kept, as the originals did');
	assert.match(quoteProblem(quote({bidPrice: micros(0), askPrice: micros(0)}))!, /neither/);
	assert.match(quoteProblem(quote({askPrice: INVALID_MICROS}))!, /micro-dollars/);
	assert.match(quoteProblem(quote({bidPrice: micros(-5)}))!, /micro-dollars/);
	assert.match(quoteProblem(quote({bidSize: -100}))!, /size/);
	assert.match(quoteProblem(quote({askSize: Number.NaN}))!, /size/);
	assert.match(quoteProblem(quote({ms: Number.NaN}))!, /time/);
	assert.equal(tradeProblem(trade()), null);
	assert.match(tradeProblem(trade({price: micros(0)}))!, /price/);
	assert.match(tradeProblem(trade({price: negMicros($(1))}))!, /price/);
	assert.match(tradeProblem(trade({price: INVALID_MICROS}))!, /price/);
	assert.match(tradeProblem(trade({price: mulQty(micros(201), 0.5)}))!, /price/);
	assert.match(tradeProblem(trade({size: 0}))!, /size/);
	assert.match(tradeProblem(trade({size: -100}))!, /size/);
	assert.match(tradeProblem(trade({size: Number.POSITIVE_INFINITY}))!, /size/);
});

test('the guard reports the first 5 drops of a symbol, then 10, 100, 1000', () => {
	const guard = new MarketGuard();
	const lines: string[] = [];
	for (let i = 0; i < 1000; i++) {
		const line = guard.checkTrade(trade({price: micros(-1)}));
		assert.notEqual(line, null);
		if (line) lines.push(line);
	}
	assert.equal(guard.dropped, 1000);
	assert.equal(lines.length, 5 + 3);
	assert.match(lines[0]!, /^bad trade dropped: price is not a positive whole number of micro-dollars \(TSLA 2019-02-11T15:00:00\.000Z\)$/);
	assert.deepEqual(
		lines.slice(5).map(l => l.split(' ')[0]),
		['10', '100', '1000'],
	);
	assert.equal(guard.checkTrade(trade()), null, 'good events pass and are not counted');
	assert.equal(guard.droppedFor('TSLA'), 1000);
});

test('duplicate and out-of-order bars are dropped by the guard', () => {
	const guard = new MarketGuard();
	assert.equal(guard.checkBar(good), null);
	assert.match(guard.checkBar(good)!, /duplicate bar/);
	assert.match(guard.checkBar({...good, start: good.start - 60_000})!, /out of order/);
	assert.equal(guard.checkBar({...good, start: good.start + 60_000}), null);
});

test('bad bars in the middle of a crossover are dropped and journaled; the scalper trades as if they never came', () => {
	const clean = harness();
	clean.begin();
	const bars = closesToBars('TSLA', '09:30', crossoverCloses());
	for (const b of bars) clean.feed(b);
	assert.equal(clean.scalper.state, 'BUY_SUBMITTED');

	const h = harness();
	h.begin();
	const jump = bars.at(-1)!;
	for (const b of bars.slice(0, -1)) {
		h.feed(b);
		h.feed(b); // a duplicate of every bar
	}
	// Garbage that would cross the SMA if it were believed (a huge close), then the real jump.
	const garbage: Bar[] = [
		{...jump, close: INVALID_MICROS},
		{...jump, close: $(500), high: $(400), low: $(450)},
		{...jump, open: negMicros($(1))},
		{...jump, start: nyTime(DATE, 9, 15), close: $(500), high: $(500)},
		{...jump, start: nyTime(DATE, 16, 30), close: $(500), high: $(500)},
		{...jump, volume: -10},
	];
	for (const b of garbage) h.engine.onBar(b, jump.start + 60_000);
	assert.equal(h.scalper.state, 'TO_BUY', 'nothing traded on garbage');
	h.feed(jump);
	assert.deepEqual(ordersOf(h.journal), ordersOf(clean.journal));
	const errors = h.journal.ofType('error').map(e => e.message);
	assert.equal(errors.length, 6, 'first five drops one by one, then a summary at the 10th');
	assert.match(errors[0]!, /^bad bar dropped: duplicate bar \(TSLA /);
	assert.equal(h.engine.marketGuard.droppedFor('TSLA'), 21 + garbage.length);
	assert.ok(
		errors.some(e => /10 bad market events dropped for TSLA so far/.test(e)),
		errors.join('\n'),
	);
	for (const record of h.journal.records) assert.deepEqual(validateRecord(JSON.parse(serializeRecord(record))), []);
});

test('bad trades never move the last price; garbage quotes never reach the tick-taker', () => {
	const journal = new MemoryJournal();
	const broker = new EventBroker();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 'hyg'});
	const hft = engine.add('hft', (ctx, book) => new HftStrategy('TSLA', ctx, {maxQty: 500}, book('TSLA'))) as HftStrategy;
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: []}, nyTime(DATE, 9, 30));
	engine.onTrade(trade({price: $(100)}));
	engine.onTrade(trade({price: INVALID_MICROS}));
	engine.onTrade(trade({price: micros(0)}));
	engine.onTrade(trade({size: -100}));
	assert.equal(engine.lastPrice('TSLA'), $(100));
	const before = JSON.stringify(hft.view());
	engine.onQuote(quote({bidPrice: micros(0), askPrice: micros(0)}));
	engine.onQuote(quote({bidPrice: INVALID_MICROS}));
	engine.onQuote(quote({askSize: -1}));
	assert.equal(JSON.stringify(hft.view()), before, 'the tick-taker saw none of them');
	assert.equal(engine.marketGuard.dropped, 6);
	assert.deepEqual(
		journal.ofType('error').map(e => e.message.replace(/ \(TSLA .*\)$/, '')),
		[
			'bad trade dropped: price is not a positive whole number of micro-dollars',
			'bad trade dropped: price is not a positive whole number of micro-dollars',
			'bad trade dropped: size is not a number > 0',
			'bad quote dropped: neither a bid nor an ask',
			'bad quote dropped: a price is not a whole number of micro-dollars >= 0',
		],
	);
	assert.equal(broker.submitted.length, 0);
});

// --- order updates for orders nobody placed --------------------------------------------------

/** A broker that only records submissions; the test emits whatever events it likes. */
class EventBroker implements Broker {
	readonly submitted: OrderRequest[] = [];
	private readonly listeners: OrderEventListener[] = [];
	state: BrokerState = {cash: $(100_000), openOrders: [], positions: []};
	submitOrder(request: OrderRequest): void {
		this.submitted.push(request);
	}
	cancelOrder(): void {}
	onOrderEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {};
	}
	loadState(): Promise<BrokerState> {
		return Promise.resolve(this.state);
	}
	emit(event: OrderEvent): void {
		for (const l of this.listeners) l(event);
	}
}

function foreignOrder(clientOrderId: string, over: Partial<Order> = {}): Order {
	return {
		clientOrderId,
		id: `x-${clientOrderId}`,
		symbol: 'TSLA',
		side: 'buy',
		type: 'limit',
		qty: 50,
		limitPrice: $(100),
		timeInForce: 'day',
		status: 'new',
		filledQty: 0,
		filledNotional: micros(0),
		submittedMs: nyTime(DATE, 10, 0),
		submittedNs: 0,
		...over,
	};
}

function eventOf(kind: OrderEvent['event'], order: Order, fillQty = 0, fillPrice = ZERO_MICROS): OrderEvent {
	return {event: kind, order, ms: nyTime(DATE, 10, 1), ns: 0, fillQty, fillPrice, positionQty: 0, atSubmission: false};
}

function scalpEngine() {
	const journal = new MemoryJournal();
	const broker = new EventBroker();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 'run2'});
	const scalper = engine.add(
		'scalp',
		(ctx, book) => new ScalpStrategy('TSLA', ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book('TSLA')),
	) as ScalpStrategy;
	return {journal, broker, engine, scalper};
}

test('an update for an order nobody placed is journaled and booked as manual; no strategy acts on it', () => {
	const {journal, broker, engine, scalper} = scalpEngine();
	engine.beginSession(DATE, broker.state, nyTime(DATE, 9, 30));
	for (const b of closesToBars('TSLA', '09:30', crossoverCloses().slice(0, -1))) {
		engine.setTime(b.start + 60_000);
		engine.setLastPrice('TSLA', b.close);
		engine.onBar(b, b.start + 60_000);
	}
	assert.equal(scalper.state, 'TO_BUY');
	// Another run's (or another client's) buy fills on the scalper's symbol.
	const order = foreignOrder('run1-sc-TSLA-buy-7');
	broker.emit(eventOf('new', order));
	broker.emit(eventOf('fill', {...order, status: 'filled', filledQty: 50, filledNotional: mulQty($(100), 50)}, 50, $(100)));
	// A garbled id too: a sell of shares nobody here holds.
	broker.emit(eventOf('new', foreignOrder('%%garbage', {side: 'sell', qty: 5})));
	assert.equal(scalper.state, 'TO_BUY', 'the scalper did not take the shares as its own');
	assert.equal(engine.portfolio.book('scalp', 'TSLA').qty, 0);
	assert.equal(engine.portfolio.book('manual', 'TSLA').qty, 50, 'the shares are booked, so totals match the broker');
	assert.equal(engine.portfolio.symbolQty('TSLA'), 50);
	assert.equal(broker.submitted.length, 0, 'no order was placed in reaction');
	const errors = journal.ofType('error').map(e => e.message);
	assert.equal(errors.length, 2, 'one line per unknown order');
	assert.match(
		errors[0]!,
		/^new for unknown order "run1-sc-TSLA-buy-7" \(TSLA buy 50\): not placed by this session nor listed by the broker; no strategy acts on it$/,
	);
	assert.match(errors[1]!, /unknown order "%%garbage"/);
	assert.equal(journal.ofType('order_update').length, 3, 'the updates themselves stay in the journal');
	// The next rebuild lists the garbled sell as open at the broker: now it is adopted.
	const open = foreignOrder('%%garbage', {side: 'sell', qty: 5});
	engine.beginSession(DATE, {cash: $(95_000), openOrders: [open], positions: [{symbol: 'TSLA', qty: 50, costBasis: mulQty($(100), 50)}]}, nyTime(DATE, 10, 5));
	assert.equal(scalper.openOrderId(), '%%garbage', 'the broker listed it: the scalper owns it now');
});

test("before the first session begins, and for this run's own ids, updates are adopted as before", () => {
	const {broker, engine, journal} = scalpEngine();
	broker.emit(eventOf('new', foreignOrder('run1-sc-TSLA-buy-3')));
	assert.equal(journal.ofType('error').length, 0, 'the rebuild that follows decides');
	engine.beginSession(DATE, broker.state, nyTime(DATE, 9, 30));
	broker.emit(eventOf('new', foreignOrder('run2-sc-TSLA-buy-99')));
	assert.equal(journal.ofType('error').length, 0);
	assert.equal(engine.openOrders().length, 1, 'run2-sc-TSLA-buy-99 is ours; the other one was not listed at the rebuild');
});
