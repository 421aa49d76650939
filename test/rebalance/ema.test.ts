import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {AdjustedEma, decayFactor, emaLast, emaSeries} from '../../source/strategies/rebalance/ema.js';
import {scoreCloses, scoreOf} from '../../source/strategies/rebalance/score.js';
import {readDailyData} from '../../source/adapters/replay/daily-csv.js';
import {FIXTURES} from './helpers.js';

test('decay factor of span 10 is 1 - 2/11 (alpha from the centre of mass, as pandas derives it)', () => {
	assert.equal(decayFactor(10), 1 - 2 / 11);
	assert.equal(decayFactor(10), 1 - 1 / (1 + 4.5));
	assert.throws(() => decayFactor(0));
});

test('adjusted EMA equals values computed by hand', () => {
	// weights (9/11)^i: y1 = (2 + 9/11) / (1 + 9/11) = 31/20; y2 = (3 + 18/11 + 81/121) / (1 + 9/11 + 81/121) = 642/301
	const ys = emaSeries([1, 2, 3], 10);
	assert.equal(ys[0], 1);
	assert.ok(Math.abs(ys[1]! - 31 / 20) < 1e-15, String(ys[1]));
	assert.ok(Math.abs(ys[2]! - 642 / 301) < 1e-15, String(ys[2]));
	// span 3: alpha 1/2, weights 1, 1/2, 1/4: y2 of [4, 8, 2] = (2 + 4 + 1) / 1.75 = 4
	assert.equal(emaLast([4, 8, 2], 3), 4);
});

test('adjusted EMA matches the closed form (sum of weighted values over sum of weights)', () => {
	let seed = 7;
	const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 100 + 1;
	const xs = Array.from({length: 300}, rnd);
	const f = 1 - 2 / 11;
	const ys = emaSeries(xs);
	for (const t of [0, 1, 5, 10, 50, 299]) {
		let num = 0;
		let den = 0;
		for (let i = 0; i <= t; i++) {
			const w = f ** i;
			num += w * xs[t - i]!;
			den += w;
		}
		const closed = num / den;
		assert.ok(Math.abs(ys[t]! - closed) <= 1e-12 * closed, `t=${t}: ${ys[t]} vs ${closed}`);
	}
});

test('a constant series stays exactly constant (pandas skips the update when nothing changes)', () => {
	const ema = new AdjustedEma(10);
	for (let i = 0; i < 100; i++) assert.equal(ema.push(0.1), 0.1);
	assert.equal(ema.count, 100);
});

test('score is (last - ema) / last and needs more than 10 closes', () => {
	assert.equal(scoreOf(90, 100), (90 - 100) / 90);
	assert.equal(scoreCloses('X', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), null);
	const s = scoreCloses('X', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
	assert.ok(s && s.score > 0 && s.last === 11);
});

test("the EMA score reproduces pandas' values of the reference run to its 12 printed decimals (UAL, ALK on 2018-01-25)", () => {
	const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference-daily.json'), 'utf8')) as {
		days: Array<{date: string; candidates: Array<{symbol: string; score: number}>}>;
	};
	const day = reference.days[0]!;
	assert.equal(day.date, '2018-01-25');
	const data = readDailyData([join(FIXTURES, 'UAL.csv'), join(FIXTURES, 'ALK.csv')]);
	for (const symbol of ['UAL', 'ALK']) {
		const series = data.series.get(symbol)!;
		const closes: number[] = [];
		for (let i = 0; i < series.length; i++) if (data.dates[series.day[i]!]! < day.date) closes.push(series.close[i]! / 1e6);
		const mine = scoreCloses(symbol, closes)!;
		const expected = day.candidates.find(c => c.symbol === symbol)!.score;
		// The reference prints 12 decimals.
		assert.equal(Number(mine.score.toFixed(12)), expected, symbol);
	}
});
