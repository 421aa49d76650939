import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {test} from 'node:test';
import {readBarFile} from '../../source/adapters/cache/arrow-file.js';
import {barsToColumns, encodeColumns} from '../../source/adapters/cache/columns.js';
import type {Bar} from '../../source/core/types.js';
import {micros} from '../../source/core/money.js';

const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof import('apache-arrow');

const bars: Bar[] = [
	{
		symbol: 'X',
		start: 60_000 * 28_000_000,
		open: micros(5_000_000_000),
		high: micros(5_100_000_000),
		low: micros(4_900_000_000),
		close: micros(5_000_010_000),
		volume: 0.5,
	},
	{symbol: 'X', start: 60_000 * 28_000_001, open: micros(1_000_000), high: micros(2_000_000), low: micros(1_000_000), close: micros(1_500_000), volume: 12},
];

test('the direct reader returns what the library decodes, narrow and wide columns, as views of the bytes', () => {
	const bytes = encodeColumns(barsToColumns(bars));
	const cols = readBarFile(bytes);
	assert.ok(cols);
	const table = arrow.tableFromIPC(bytes);
	for (const name of ['t', 'o', 'h', 'l', 'c', 'v'] as const) {
		const expected = table.getChild(name)!.toArray();
		assert.equal(cols[name].constructor, expected.constructor, name);
		assert.deepEqual([...cols[name]], [...expected], name);
	}
	assert.equal(cols.length, 2);
});

test('another layout, a truncated or a damaged file gives null or the same columns, never an exception', () => {
	const other = arrow.tableToIPC(arrow.tableFromArrays({x: Int32Array.of(1, 2)}), 'file');
	assert.equal(readBarFile(other), null);
	const bytes = encodeColumns(barsToColumns(bars));
	for (let cut = 0; cut < bytes.length; cut += 13) assert.equal(readBarFile(bytes.subarray(0, cut)), null);
	for (let i = 0; i < bytes.length; i++) {
		const damaged = Uint8Array.from(bytes);
		damaged[i]! ^= 0xa5;
		assert.doesNotThrow(() => readBarFile(damaged));
	}
});
