import {test} from 'node:test';
import assert from 'node:assert/strict';
import {type Micros, parseMicros} from '../../source/core/money.js';
import {planOrders, rebalanceOrderId, sharesFor} from '../../source/strategies/rebalance/plan.js';
import {rankScores, selectCandidates, topCount, topIndices} from '../../source/strategies/rebalance/rank.js';
import type {Scored} from '../../source/strategies/rebalance/score.js';

const sc = (symbol: string, score: number, last = 10): Scored => ({symbol, score, last, ema: last});
const usd = (text: string) => parseMicros(text);

test('ranking is ascending by score, ties broken by symbol', () => {
	const ranked = rankScores([sc('MSFT', -0.01), sc('B', -0.05), sc('AA', -0.05), sc('A', -0.05), sc('Z', -0.2), sc('C', 0.3)]);
	assert.deepEqual(
		ranked.map(s => s.symbol),
		['Z', 'A', 'AA', 'B', 'MSFT', 'C'],
	);
	// -0 and 0 are equal scores: the symbol decides.
	assert.deepEqual(
		rankScores([sc('Y', 0), sc('X', -0)]).map(s => s.symbol),
		['X', 'Y'],
	);
});

test('the top cut is floor(n / 20)', () => {
	assert.equal(topCount(19), 0);
	assert.equal(topCount(20), 1);
	assert.equal(topCount(505), 25);
	assert.equal(topCount(504), 25);
	assert.equal(topCount(100), 5);
	assert.equal(topCount(99), 4);
});

test('cash filter keeps last <= cash exactly, with no refill from further down the ranking', () => {
	const ranked = Array.from({length: 40}, (_, i) => sc(`S${String(i).padStart(2, '0')}`, -1 + i / 100));
	const last = new Map<string, Micros>([
		['S00', usd('100.000001')], // one micro-dollar above the cash
		['S01', usd('100')], // exactly the cash: kept
		['S02', usd('5')],
	]);
	const sel = selectCandidates(ranked, s => last.get(s) ?? usd('1'), usd('100'));
	assert.equal(sel.top.length, 2); // floor(40 / 20)
	assert.deepEqual(
		sel.candidates.map(s => s.symbol),
		['S01'],
	);
	assert.deepEqual(
		sel.tooExpensive.map(s => s.symbol),
		['S00'],
	);
});

test('shares are floor(position_size / last) computed exactly', () => {
	assert.equal(sharesFor(usd('100'), usd('33.8')), 2);
	assert.equal(sharesFor(usd('100'), usd('0.8')), 125); // float floor division says 124
	assert.equal(sharesFor(usd('100'), usd('100.0001')), 0);
	assert.equal(sharesFor(usd('100'), usd('100')), 1);
});

test('sells every held non-candidate; buys in rank order, at most max_positions - (held - sold)', () => {
	const prices: Record<string, string> = {A: '10', B: '20', C: '30', D: '40', E: '50', F: '60'};
	const plan = planOrders({
		date: '2018-01-25',
		candidates: ['A', 'B', 'C', 'D', 'E', 'F'],
		holdings: [
			{symbol: 'X', qty: 3},
			{symbol: 'C', qty: 2},
			{symbol: 'Y', qty: 1},
		],
		lastMicros: s => usd(prices[s]!),
		positionSize: usd('100'),
		maxPositions: 5,
	});
	assert.deepEqual(
		plan.sells.map(o => [o.symbol, o.qty]),
		[
			['X', 3],
			['Y', 1],
		],
	);
	// held 3, sold 2: 5 - (3 - 2) = 4 buys, in rank order, skipping the held C.
	assert.equal(plan.buySlots, 4);
	assert.deepEqual(
		plan.buys.map(o => [o.symbol, o.qty]),
		[
			['A', 10],
			['B', 5],
			['D', 2],
			['E', 2],
		],
	);
	assert.deepEqual(plan.overLimit, ['F']);
	assert.equal(plan.buys[0]!.clientOrderId, 'rb-2018-01-25-A-buy');
	assert.equal(plan.sells[0]!.clientOrderId, rebalanceOrderId('2018-01-25', 'X', 'sell'));
});

test('a candidate whose quantity is 0 is skipped without using a slot', () => {
	const prices: Record<string, string> = {A: '150', B: '20', C: '101', D: '30'};
	const plan = planOrders({
		date: '2018-01-25',
		candidates: ['A', 'B', 'C', 'D'],
		holdings: [],
		lastMicros: s => usd(prices[s]!),
		positionSize: usd('100'),
		maxPositions: 2,
	});
	assert.deepEqual(
		plan.buys.map(o => o.symbol),
		['B', 'D'],
	);
	assert.deepEqual(plan.zeroQty, ['A', 'C']);
});

test('no buy slots when already at max positions and nothing sold; more positions than allowed buy nothing', () => {
	const held = ['A', 'B', 'C'].map(symbol => ({symbol, qty: 1}));
	const full = planOrders({date: 'd', candidates: ['A', 'B', 'C', 'D'], holdings: held, lastMicros: () => usd('1'), positionSize: usd('100'), maxPositions: 3});
	assert.equal(full.buys.length, 0);
	assert.equal(full.sells.length, 0);
	const over = planOrders({
		date: 'd',
		candidates: ['A', 'B', 'D'],
		holdings: [...held, {symbol: 'E', qty: 1}],
		lastMicros: () => usd('1'),
		positionSize: usd('100'),
		maxPositions: 2,
	});
	// held 4, sold C and E: 2 - (4 - 2) = 0 slots.
	assert.deepEqual(
		over.sells.map(o => o.symbol),
		['C', 'E'],
	);
	assert.equal(over.buySlots, 0);
	assert.deepEqual(over.buys, []);
});

test("the backtest's partial ranking (topIndices) orders exactly like the full sort, ties included", () => {
	let seed = 42;
	const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
	for (let round = 0; round < 50; round++) {
		const n = 1 + Math.floor(rnd() * 120);
		// Few distinct values: many ties, which the symbol (index) order must break.
		const scores = Array.from({length: n}, () => (rnd() < 0.05 ? Number.NaN : Math.floor(rnd() * 8) / 100 - 0.04));
		const scored = scores.map((score, i) => sc(`S${String(i).padStart(3, '0')}`, score));
		const full = rankScores(scored.filter(s => !Number.isNaN(s.score))).map(s => Number(s.symbol.slice(1)));
		for (const k of [0, 1, 3, topCount(n) + 3, n + 5]) {
			assert.deepEqual(topIndices(scores, k), full.slice(0, k), `n=${n} k=${k}`);
		}
	}
});
