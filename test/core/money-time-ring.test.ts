import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CENT, floorDiv, formatMicros, parseMicros, roundCentHalfUp, roundRatioCentHalfUp} from '../../source/core/money.js';
import {RollingSum} from '../../source/core/ring.js';
import {isRegularSessionStart, nyDate, nyTime, nyTimeOfDayMs, parseDuration, sessionTimes} from '../../source/core/time.js';
import {seededRandom} from '../../source/adapters/sim/synthetic.js';

test('parseMicros is exact and refuses what it cannot represent', () => {
	assert.equal(parseMicros('316.475'), 316_475_000);
	assert.equal(parseMicros('0.0001'), 100);
	assert.equal(parseMicros('12'), 12_000_000);
	assert.equal(parseMicros('-1.5'), -1_500_000);
	assert.equal(parseMicros('1.2345670'), 1_234_567);
	assert.ok(Number.isNaN(parseMicros('1.2345678')));
	assert.ok(Number.isNaN(parseMicros('1e3')));
	assert.ok(Number.isNaN(parseMicros('abc')));
	assert.ok(Number.isNaN(parseMicros('')));
});

test('cent rounding is half up, including ratios (avg + 0.01)', () => {
	assert.equal(roundCentHalfUp(parseMicros('170.585')), parseMicros('170.59'));
	assert.equal(roundCentHalfUp(parseMicros('170.5849')), parseMicros('170.58'));
	assert.equal(roundCentHalfUp(parseMicros('170.58')), parseMicros('170.58'));
	// avg of 2 shares costing 341.15 = 170.575; + 0.01 = 170.585 -> 170.59
	assert.equal(roundRatioCentHalfUp(parseMicros('341.15'), 2, CENT), parseMicros('170.59'));
	// 3 shares costing 300.01: 100.00333.. + 0.01 -> 100.01
	assert.equal(roundRatioCentHalfUp(parseMicros('300.01'), 3, CENT), parseMicros('100.01'));
	assert.equal(formatMicros(parseMicros('316.4750')), '316.475');
	assert.equal(formatMicros(parseMicros('3')), '3.00');
	assert.equal(floorDiv(2000_000_000, 316_475_000), 6);
	assert.equal(floorDiv(-7, 2), -4);
});

test('RollingSum matches a direct computation over random data', () => {
	const random = seededRandom(42);
	const sum = new RollingSum(20);
	const values: number[] = [];
	for (let i = 0; i < 500; i++) {
		const v = Math.round(random() * 1e9);
		values.push(v);
		sum.push(v);
		if (values.length >= 20)
			assert.equal(
				sum.sum,
				values.slice(-20).reduce((a, b) => a + b, 0),
			);
		if (values.length >= 21)
			assert.equal(
				sum.previousSum,
				values.slice(-21, -1).reduce((a, b) => a + b, 0),
			);
	}
});

test('New York time across daylight saving changes', () => {
	assert.equal(new Date(nyTime('2019-02-11', 9, 30)).toISOString(), '2019-02-11T14:30:00.000Z');
	assert.equal(new Date(nyTime('2013-10-07', 9, 30)).toISOString(), '2013-10-07T13:30:00.000Z');
	assert.equal(new Date(sessionTimes('2019-03-11').liquidation).toISOString(), '2019-03-11T19:55:00.000Z');
	assert.equal(nyDate(Date.parse('2019-02-12T04:59:00Z')), '2019-02-11');
	assert.equal(nyTimeOfDayMs(Date.parse('2019-02-11T14:30:00Z')), (9 * 60 + 30) * 60_000);
	assert.equal(isRegularSessionStart(Date.parse('2019-02-11T14:29:00Z')), false);
	assert.equal(isRegularSessionStart(Date.parse('2019-02-11T14:30:00Z')), true);
	assert.equal(isRegularSessionStart(Date.parse('2019-02-11T20:59:00Z')), true);
	assert.equal(isRegularSessionStart(Date.parse('2019-02-11T21:00:00Z')), false);
});

test('durations', () => {
	assert.equal(parseDuration('2m'), 120_000);
	assert.equal(parseDuration('90s'), 90_000);
	assert.equal(parseDuration('1h30m'), 5_400_000);
	assert.ok(Number.isNaN(parseDuration('2')));
	assert.ok(Number.isNaN(parseDuration('0s')));
	assert.ok(Number.isNaN(parseDuration('-2m')));
});

test('the SMA20 crossover equals a direct computation over random closes (exact)', async () => {
	const {smaCrossUp} = await import('../../source/strategies/signal.js');
	const random = seededRandom(7);
	const sum = new RollingSum(20);
	const closes: number[] = [];
	let fired = 0;
	for (let i = 0; i < 5000; i++) {
		// Cent prices around 100 with many exact ties between close and mean.
		const close = (9_990 + Math.floor(random() * 21)) * 10_000;
		closes.push(close);
		sum.push(close);
		let expected = false;
		if (closes.length >= 21) {
			const n = closes.length;
			const window = (end: number) => closes.slice(end - 20, end).reduce((a, b) => a + b, 0);
			// closes[-2] < mean(closes[-21..-2]) and closes[-1] > mean(closes[-20..-1]), as integers
			expected = 20 * closes[n - 2]! < window(n - 1) && 20 * closes[n - 1]! > window(n);
		}
		assert.equal(smaCrossUp(sum), expected, `at ${i}`);
		if (expected) fired += 1;
	}
	assert.ok(fired > 100);
});
