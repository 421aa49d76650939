import {test} from 'node:test';
import assert from 'node:assert/strict';
import {addMicros, maxMicros, micros, minMicros, mulQty, negMicros, subMicros, sumMicros, ZERO_MICROS} from '../../source/core/money.js';

test('micros() takes whole micro-dollars and refuses anything else', () => {
	assert.equal(micros(316_475_000), 316_475_000);
	assert.equal(micros(-5), -5);
	assert.throws(() => micros(1.5), /not a whole number of micro-dollars: 1.5/);
	assert.throws(() => micros(Number.NaN), RangeError);
	assert.throws(() => micros(2 ** 53), RangeError);
});

test('the arithmetic helpers are plain integer arithmetic', () => {
	const price = micros(170_585_000);
	assert.equal(addMicros(price, micros(10_000)), 170_595_000);
	assert.equal(subMicros(price, micros(585_000)), 170_000_000);
	assert.equal(negMicros(price), -170_585_000);
	assert.equal(mulQty(price, 3), 511_755_000);
	assert.equal(minMicros(price, ZERO_MICROS), 0);
	assert.equal(maxMicros(price, ZERO_MICROS), price);
	assert.equal(sumMicros([price, price, micros(-1)]), 341_169_999);
	assert.equal(sumMicros([]), 0);
});
