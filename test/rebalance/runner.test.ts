import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {addMicros, mulQty, parseMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import {readDailyData} from '../../source/adapters/replay/daily-csv.js';
import {executeAtOpen, newBook} from '../../source/backtest/rebalance/fills.js';
import {computeTotals} from '../../source/backtest/rebalance/metrics.js';
import {maxDrawdownPct as maxDrawdown} from '../../source/backtest/drawdown.js';
import {runRebalanceBacktest} from '../../source/backtest/rebalance/runner.js';
import type {RebalanceBacktestParams} from '../../source/backtest/rebalance/runner.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {barIndexOnDay} from '../../source/core/daily-bars.js';
import {planOrders} from '../../source/strategies/rebalance/plan.js';
import {FIXTURES, SAMPLE, makeData, weekdays} from './helpers.js';

const defaults = (over: Partial<RebalanceBacktestParams> = {}): RebalanceBacktestParams => ({
	days: 10,
	cash: parseMicros('500'),
	positionSize: parseMicros('100'),
	maxPositions: 5,
	bench: 'SPY',
	universe: null,
	...over,
});

test('backtest over the bundled sample keeps its invariants on every day', () => {
	const data = readDailyData(SAMPLE);
	const journal = new MemoryJournal();
	for (const maxPositions of [5, 3]) {
		const result = runRebalanceBacktest(data, defaults({days: 1000, maxPositions}), journal);
		assert.equal(result.days.length, 199); // every date but the first (which has no history)
		assert.equal(result.bench, null);
		assert.equal(result.benchNote, 'SPY not in the data');
		let trades = 0;
		for (const day of result.days) {
			assert.ok(day.positions.length <= maxPositions, `${day.date}: ${day.positions.length} positions`);
			assert.ok(day.cash >= 0, `${day.date}: cash ${day.cash}`);
			const firstBuy = day.orders.findIndex(o => o.side === 'buy');
			const lastSell = day.orders.map(o => o.side).lastIndexOf('sell');
			assert.ok(firstBuy === -1 || lastSell < firstBuy, `${day.date}: a buy before a sell`);
			const held = new Set(day.positions.map(p => p.symbol));
			for (const o of day.orders) if (o.side === 'buy' && o.outcome === 'filled') assert.ok(held.has(o.symbol));
			assert.equal(day.equity, day.cash + day.positions.reduce((sum, p) => sum + p.qty * p.close, 0));
			trades += day.orders.filter(o => o.outcome === 'filled').length;
		}
		assert.ok(trades > 50, `only ${trades} trades`);
		const totals = computeTotals(result);
		assert.equal(totals.fills, trades);
		assert.ok(totals.maxHeld <= maxPositions);
		assert.equal(totals.benchReturn, null);
	}
});

test('the journal has every required field: rebalance market day orders at 09:30 New York, then their fills', () => {
	const data = readDailyData(SAMPLE);
	const journal = new MemoryJournal();
	const result = runRebalanceBacktest(data, defaults(), journal);
	const submitted = journal.ofType('order_submitted');
	const updates = journal.ofType('order_update');
	assert.equal(
		submitted.length,
		result.days.reduce((n, d) => n + d.orders.length, 0),
	);
	assert.ok(submitted.length > 0);
	for (const r of submitted) {
		assert.equal(r.strategy, 'rebalance');
		assert.equal(r.reason, 'rebalance');
		assert.equal(r.order_type, 'market');
		assert.equal(r.time_in_force, 'day');
		assert.equal(r.limit_price, null);
		const date = r.client_order_id.slice(3, 13);
		assert.equal(r.client_order_id, `rb-${date}-${r.symbol}-${r.side}`);
		assert.equal(r.ts, nyTime(date, 9, 30));
	}
	assert.equal(new Date(submitted[0]!.ts).toISOString(), '2018-01-25T14:30:00.000Z');
	const fills = updates.filter(u => u.event === 'fill');
	assert.equal(fills.length, computeTotals(result).fills);
	for (const f of fills) assert.ok(f.filled_avg_price !== null && f.filled_avg_price > 0);
});

test('staleness in the backtest: a symbol without a bar on the previous trading day is neither ranked nor bought', () => {
	const dates = weekdays('2018-01-01', 30);
	const closes: Record<string, Array<number | null>> = {};
	for (let s = 0; s < 20; s++) closes[`S${String(s).padStart(2, '0')}`] = dates.map((_, i) => 50 + ((i * (s + 3)) % 7));
	// GAP is the most oversold symbol but has no bar on the day before the last day.
	closes.GAP = dates.map((_, i) => (i === 28 ? null : 90 - i));
	const data = makeData(dates, closes);
	const result = runRebalanceBacktest(data, defaults({days: 3, bench: null, maxPositions: 1}));
	const [bought, held, last] = result.days;
	assert.equal(bought!.top[0]!.symbol, 'GAP');
	assert.ok(bought!.orders.some(o => o.symbol === 'GAP' && o.side === 'buy' && o.outcome === 'filled'));
	// GAP has no bar on dates[28] but one on dates[27]: still ranked on dates[28], kept.
	assert.equal(held!.universe, 21);
	assert.deepEqual(held!.orders, []);
	// On dates[29] its last bar is two trading days old: out of the universe, so it is sold.
	assert.equal(last!.universe, 20);
	assert.ok(!last!.top.some(s => s.symbol === 'GAP'));
	assert.ok(last!.orders.some(o => o.symbol === 'GAP' && o.side === 'sell' && o.outcome === 'filled'));
	assert.ok(!last!.positions.some(p => p.symbol === 'GAP'));
});

test('fills: sells then buys at the open, a buy beyond the cash is rejected, no bar = unfilled', () => {
	const book = newBook(parseMicros('100'));
	const buy = executeAtOpen(book, {symbol: 'A', side: 'buy', qty: 3}, parseMicros('30'));
	assert.equal(buy.outcome, 'filled');
	assert.equal(book.cash, parseMicros('10'));
	const tooMuch = executeAtOpen(book, {symbol: 'B', side: 'buy', qty: 1}, parseMicros('10.0001'));
	assert.equal(tooMuch.outcome, 'rejected');
	assert.equal(book.cash, parseMicros('10'));
	const exact = executeAtOpen(book, {symbol: 'B', side: 'buy', qty: 1}, parseMicros('10'));
	assert.equal(exact.outcome, 'filled');
	assert.equal(book.cash, 0);
	const noBar = executeAtOpen(book, {symbol: 'A', side: 'sell', qty: 3}, null);
	assert.equal(noBar.outcome, 'expired');
	const sell = executeAtOpen(book, {symbol: 'A', side: 'sell', qty: 3}, parseMicros('31.5'));
	assert.equal(sell.realized, parseMicros('4.5'));
	assert.equal(book.cash, parseMicros('94.5'));
	assert.deepEqual([...book.holdings.keys()], ['B']);
});

test('max drawdown is the largest fall from a running peak', () => {
	assert.equal(maxDrawdown([100, 120, 90, 130, 117]), 0.25);
	assert.equal(maxDrawdown([1, 2, 3]), 0);
	assert.equal(maxDrawdown([]), 0);
});

interface RefDay {
	date: string;
	candidates: Array<{symbol: string}>;
	orders: Array<{symbol: string; side: 'buy' | 'sell'; qty: number; price: number; filled: boolean}>;
	cash: number;
	positions: Array<{symbol: string; qty: number; close: number}>;
	equity: number;
}

test("replaying the reference run's rankings reproduces the original's orders, fills, cash and equity", () => {
	const ref = JSON.parse(readFileSync(join(FIXTURES, 'reference-daily.json'), 'utf8')) as {days: RefDay[]; summary: {final_cash: number; final_equity: number}};
	const data = readDailyData(join(FIXTURES, 'reference-window.csv'));
	const priceOn = (symbol: string, date: string, field: 'open' | 'close') => {
		const s = data.series.get(symbol)!;
		const i = barIndexOnDay(s, data.dates.indexOf(date));
		return i === -1 ? null : s[field][i]!;
	};
	const book = newBook(parseMicros('500'));
	for (const day of ref.days) {
		const k = data.dates.indexOf(day.date);
		const prev = data.dates[k - 1]!;
		const last = (symbol: string) => priceOn(symbol, prev, 'close')!;
		const candidates = day.candidates.map(c => c.symbol).filter(s => last(s) <= book.cash);
		const plan = planOrders({
			date: day.date,
			candidates,
			holdings: [...book.holdings].map(([symbol, h]) => ({symbol, qty: h.qty})),
			lastMicros: last,
			positionSize: parseMicros('100'),
			maxPositions: 5,
		});
		const done = [...plan.sells, ...plan.buys].map(o => ({o, x: executeAtOpen(book, o, priceOn(o.symbol, day.date, 'open'))}));
		assert.deepEqual(
			done.map(({o, x}) => ({symbol: o.symbol, side: o.side, qty: o.qty, price: x.price === null ? null : x.price / 1e6, filled: x.outcome === 'filled'})),
			day.orders,
			day.date,
		);
		assert.equal(book.cash / 1e6, day.cash, `${day.date} cash`);
		let equity = book.cash;
		for (const [symbol, h] of book.holdings) equity = addMicros(equity, mulQty(priceOn(symbol, day.date, 'close')!, h.qty));
		assert.equal(equity / 1e6, day.equity, `${day.date} equity`);
		assert.deepEqual(
			[...book.holdings.keys()],
			day.positions.map(p => p.symbol),
		);
	}
	assert.equal(book.cash / 1e6, ref.summary.final_cash);
});
