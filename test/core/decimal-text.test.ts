import assert from 'node:assert/strict';
import {test} from 'node:test';
import {decimalText} from '../../source/core/decimal-text.js';

test('decimalText writes a whole number as String does', () => {
	for (const n of [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 123_456, 1_000_000, 2 ** 31, 2 ** 32 + 7, Number.MAX_SAFE_INTEGER])
		assert.equal(decimalText(n), String(n));
	for (let n = 0; n < 20_000; n += 7) assert.equal(decimalText(n), String(n));
});
