import assert from 'node:assert/strict';
import {test} from 'node:test';
import {allocateSessions, barAt, columnsFromBars, isColumnar, ROW_BYTES, SessionBuffer, sessionBars} from '../../source/core/session-columns.js';
import type {Bar} from '../../source/core/types.js';
import {micros} from '../../source/core/money.js';

const bar = (symbol: string, start: number, close: number): Bar => ({
	symbol,
	start,
	open: micros(close - 1),
	high: micros(close + 2),
	low: micros(close - 3),
	close: micros(close),
	volume: 100,
});

test('columns from Bar sessions round-trip exactly, share one buffer and a sorted symbol table', () => {
	const sessions = [
		{date: '2024-03-04', bars: [bar('AAA', 60_000, 5_000_000), bar('ZZZ', 60_000, 612_345_000_000), bar('AAA', 120_500, 5_010_000)]},
		{date: '2024-03-05', bars: [bar('MMM', 180_000, 7)]},
	];
	const cols = columnsFromBars(sessions);
	assert.deepEqual(cols[0]!.symbols, ['AAA', 'MMM', 'ZZZ']);
	assert.equal(cols[0]!.symbols, cols[1]!.symbols);
	assert.deepEqual([...cols[0]!.symbol], [0, 2, 0]);
	assert.deepEqual(sessionBars(cols[0]!), sessions[0]!.bars);
	assert.deepEqual(sessionBars(cols[1]!), sessions[1]!.bars);
	// A price above $4,294.97 and a start with seconds survive (Float64 columns).
	assert.equal(barAt(cols[0]!, 1).close, 612_345_000_000);
	assert.equal(barAt(cols[0]!, 2).start, 120_500);
	// Each row is a new object: a strategy may keep it.
	assert.notEqual(barAt(cols[0]!, 0), barAt(cols[0]!, 0));
	const buffers = new Set(cols.flatMap(c => [c.symbol, c.start, c.open, c.high, c.low, c.close, c.volume].map(a => a.buffer)));
	assert.equal(buffers.size, 1);
	assert.equal([...buffers][0]!.byteLength, 4 * ROW_BYTES);
	assert.ok(isColumnar(cols[0]!));
	assert.ok(!isColumnar(sessions[0]!));
});

test('sessions can be backed by a SharedArrayBuffer, and rows of one session never overlap another', () => {
	const out = allocateSessions(['a', 'b', 'c'], [2, 0, 3], ['X'], true);
	assert.ok(out[0]!.open.buffer instanceof SharedArrayBuffer);
	out[0]!.open.fill(1);
	out[0]!.symbol.fill(7);
	out[2]!.open.fill(3);
	out[2]!.symbol.fill(9);
	assert.deepEqual([...out[0]!.open], [1, 1]);
	assert.deepEqual([...out[2]!.open], [3, 3, 3]);
	assert.deepEqual([...out[0]!.symbol], [7, 7]);
	assert.equal(out[1]!.length, 0);
	assert.deepEqual([...out[2]!.high], [0, 0, 0]);
});

test('narrow sessions hold prices and volumes as Uint32 in the same one buffer (32 bytes a row)', () => {
	const out = allocateSessions(['a', 'b'], [2, 3], ['X'], false, {narrowPrices: true, narrowVolume: true});
	for (const s of out) {
		for (const c of [s.open, s.high, s.low, s.close, s.volume, s.symbol]) assert.ok(c instanceof Uint32Array);
		assert.ok(s.start instanceof Float64Array);
	}
	assert.equal(out[0]!.open.buffer.byteLength, 5 * 32);
	out[1]!.close.set([4_294_967_295, 1, 2]);
	out[0]!.close.set([7, 8]);
	assert.deepEqual([...out[1]!.close], [4_294_967_295, 1, 2]);
	assert.deepEqual([...out[0]!.volume], [0, 0]);
	const mixed = allocateSessions(['a'], [2], ['X'], false, {narrowPrices: false, narrowVolume: true});
	assert.ok(mixed[0]!.open instanceof Float64Array && mixed[0]!.volume instanceof Uint32Array);
});

test('a session buffer hands out one session at a time in the same room, never more rows than it holds', () => {
	const room = new SessionBuffer(3, ['X', 'Y'], {narrowPrices: true, narrowVolume: true});
	const first = room.session('2024-03-04', 3);
	first.close.fill(5);
	first.symbol.set([0, 1, 1]);
	assert.equal(first.length, 3);
	const second = room.session('2024-03-05', 2);
	assert.equal(second.length, 2);
	assert.equal(second.date, '2024-03-05');
	assert.deepEqual(second.symbols, ['X', 'Y']);
	// The same rows: what the first session held is what the second starts with.
	assert.equal(second.close.buffer, first.close.buffer);
	assert.deepEqual([...second.close], [5, 5]);
	assert.ok(second.open instanceof Uint32Array && second.start instanceof Float64Array);
	assert.throws(() => room.session('2024-03-06', 4), RangeError);
});
