import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseMicros} from '../../source/core/money.js';
import type {DailyBar} from '../../source/core/daily-bars.js';
import {decideRebalance} from '../../source/strategies/rebalance/decide.js';
import {parseUniverse} from '../../source/adapters/replay/universe-file.js';
import {weekdays} from './helpers.js';

function bars(symbol: string, dates: readonly string[], closes: readonly number[]): DailyBar[] {
	return dates.map((date, i) => {
		const c = parseMicros(String(closes[i]));
		return {symbol, date, open: c, high: c, low: c, close: c, volume: 1};
	});
}

const days = weekdays('2018-01-01', 16); // Mon 2018-01-01 .. Mon 2018-01-22
const rising = (n: number) => Array.from({length: n}, (_, i) => 50 + i);
const falling = (n: number) => Array.from({length: n}, (_, i) => 80 - i);

test('staleness rule: only symbols with a bar on the previous trading day are ranked', () => {
	const today = days[15]!; // a Monday
	const prev = days[14]!; // the Friday before
	const map = new Map<string, DailyBar[]>();
	for (let s = 0; s < 20; s++) map.set(`S${String(s).padStart(2, '0')}`, bars(`S${String(s).padStart(2, '0')}`, days.slice(0, 15), rising(15)));
	// STALE is the most oversold but its last bar is two trading days old.
	map.set('STALE', bars('STALE', days.slice(0, 14), falling(14)));
	const d = decideRebalance({
		date: today,
		bars: map,
		universe: null,
		bench: null,
		cash: parseMicros('1000'),
		holdings: [],
		positionSize: parseMicros('100'),
		maxPositions: 5,
	});
	assert.equal(d.prevDate, prev);
	assert.equal(d.universeSize, 20);
	assert.ok(!d.ranked.some(s => s.symbol === 'STALE'));
	// The original's 2-calendar-day rule would have emptied this Monday's universe; ours does not.
	assert.equal(d.ranked.length, 20);
});

test('bars on or after the trading day are ignored (no look-ahead); the benchmark is never ranked', () => {
	const map = new Map<string, DailyBar[]>();
	for (let s = 0; s < 20; s++) map.set(`S${s}`, bars(`S${s}`, days, rising(16)));
	map.set('SPY', bars('SPY', days, falling(16)));
	const d = decideRebalance({
		date: days[15]!,
		bars: map,
		universe: null,
		bench: 'SPY',
		cash: parseMicros('1000'),
		holdings: [],
		positionSize: parseMicros('100'),
		maxPositions: 5,
	});
	assert.equal(d.prevDate, days[14]);
	assert.ok(!d.ranked.some(s => s.symbol === 'SPY'));
	assert.equal(d.ranked[0]!.last, 64); // the close of days[14], not of days[15]
});

test('a symbol needs more than 10 closes to be scored; the universe list restricts the ranking', () => {
	const map = new Map<string, DailyBar[]>();
	map.set('TEN', bars('TEN', days.slice(5, 15), falling(10)));
	map.set('ELEVEN', bars('ELEVEN', days.slice(4, 15), falling(11)));
	map.set('OUT', bars('OUT', days.slice(0, 15), falling(15)));
	const d = decideRebalance({
		date: days[15]!,
		bars: map,
		universe: ['TEN', 'ELEVEN'],
		bench: null,
		cash: parseMicros('1000'),
		holdings: [],
		positionSize: parseMicros('100'),
		maxPositions: 5,
	});
	assert.equal(d.universeSize, 2);
	assert.deepEqual(
		d.ranked.map(s => s.symbol),
		['ELEVEN'],
	);
});

test('universe files: comments, metadata, header, one symbol per line', () => {
	const u = parseUniverse('# as-of: 2018-02-07\n# source: somewhere\nsymbol\nmmm\nBRK.B,Berkshire\n\nMMM\n', 'u.csv');
	assert.deepEqual(u.symbols, ['MMM', 'BRK.B']);
	assert.equal(u.meta['as-of'], '2018-02-07');
	assert.throws(() => parseUniverse('symbol\nok\nnot a symbol\n', 'u.csv'), /u\.csv:3: not a symbol/);
	assert.throws(() => parseUniverse('# nothing\n', 'u.csv'), /no symbols/);
});
