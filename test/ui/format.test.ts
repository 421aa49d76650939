import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
	formatAge,
	formatChange,
	formatClock,
	formatCountdown,
	formatLogLine,
	formatPnl,
	formatPrice,
	formatQty,
	formatSpeed,
	formatUsd,
	MISSING,
	truncate,
} from '../../source/ui/format.js';
import {T0} from '../_helpers/snapshots.js';

test('money: dollars with separators, signed P&L, no negative zero', () => {
	assert.equal(formatUsd(100_234.567), '$100,234.57');
	assert.equal(formatUsd(-3.1), '-$3.10');
	assert.equal(formatUsd(-0.001), '$0.00');
	assert.equal(formatPnl(12.3), '+$12.30');
	assert.equal(formatPnl(-4), '-$4.00');
	assert.equal(formatPnl(0.004), '$0.00');
});

test('prices: two decimals, sub-penny prices below a dollar keep four', () => {
	assert.equal(formatPrice(187.2), '187.20');
	assert.equal(formatPrice(0.01), '0.01');
	assert.equal(formatPrice(0.1234), '0.1234');
	assert.equal(formatChange(1.25), '+1.25');
	assert.equal(formatChange(-0.4), '-0.40');
	assert.equal(formatChange(0.001), '0.00');
	assert.equal(formatQty(1200), '1,200');
});

test('NaN, Infinity and null render as a placeholder instead of throwing', () => {
	for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, null, undefined]) {
		assert.equal(formatUsd(bad), MISSING);
		assert.equal(formatPnl(bad), MISSING);
		assert.equal(formatPrice(bad), MISSING);
		assert.equal(formatChange(bad), MISSING);
		assert.equal(formatQty(bad), MISSING);
		assert.equal(formatAge(bad), MISSING);
		assert.equal(formatCountdown(bad), MISSING);
		assert.equal(formatSpeed(bad), MISSING);
	}
	assert.equal(formatClock(Number.NaN), '--:--:--');
});

test('ages and countdowns', () => {
	assert.equal(formatAge(12_999), '12s');
	assert.equal(formatAge(185_000), '3m05s');
	assert.equal(formatAge(3_720_000), '1h02m');
	assert.equal(formatAge(-5), MISSING);
	assert.equal(formatCountdown(5 * 3_600_000 + 25 * 60_000 + 7_000), '5:25:07');
	assert.equal(formatCountdown(-1), '0:00:00');
	assert.equal(formatSpeed(60), '60x');
	assert.equal(formatSpeed(0.5), '0.5x');
});

test('the clock is New York time', () => {
	assert.equal(formatClock(T0), '10:30:00');
	// Winter: UTC-5.
	assert.equal(formatClock(Date.parse('2024-01-10T15:00:05Z')), '10:00:05');
});

test('log lines: "HH:MM:SS SYMBOL text", engine lines use "-", levels shown, one line', () => {
	assert.equal(formatLogLine({ms: T0, symbol: 'AAPL', level: 'info', text: 'buy 10 @ 187.25'}), '10:30:00 AAPL buy 10 @ 187.25');
	assert.equal(formatLogLine({ms: T0, symbol: null, level: 'warn', text: 'slow\nfeed'}), '10:30:00 - WARN slow feed');
});

test('truncate marks a cut with an ellipsis', () => {
	assert.equal(truncate('BRK.B', 10), 'BRK.B');
	assert.equal(truncate('VERYLONGSYMBOL', 6), 'VERYL…');
	assert.equal(truncate('x', 0), '');
});
