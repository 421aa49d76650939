import {test} from 'node:test';
import assert from 'node:assert/strict';
import {applyFill, type Holding} from '../../source/core/position.js';
import {Drawdown, maxDrawdownPct} from '../../source/backtest/drawdown.js';
import {dollarsToMicros, micros} from '../../source/core/money.js';

const $ = dollarsToMicros;

test('average cost: buys add their cost, a partial sell takes its share of it and realizes the rest', () => {
	const h: Holding = {qty: 0, costBasis: micros(0)};
	assert.equal(applyFill(h, 'buy', 10, $(10)), 0);
	assert.equal(applyFill(h, 'buy', 10, $(13)), 0);
	assert.deepEqual(h, {qty: 20, costBasis: $(230)});
	assert.equal(applyFill(h, 'sell', 5, $(12)), $(60) - $(57.5));
	assert.deepEqual(h, {qty: 15, costBasis: $(172.5)});
	assert.equal(applyFill(h, 'sell', 15, $(11)), $(165) - $(172.5));
	assert.deepEqual(h, {qty: 0, costBasis: 0});
});

test('average cost: the removed cost rounds to the micro and the last share takes what is left', () => {
	const h: Holding = {qty: 3, costBasis: micros(100)};
	assert.equal(applyFill(h, 'sell', 1, micros(40)), 40 - 33);
	assert.deepEqual(h, {qty: 2, costBasis: 67});
	assert.equal(applyFill(h, 'sell', 2, micros(40)), 80 - 67);
	assert.deepEqual(h, {qty: 0, costBasis: 0});
});

test('average cost: a sell beyond the position closes it and opens a short at the fill price', () => {
	const h: Holding = {qty: 10, costBasis: $(100)};
	assert.equal(applyFill(h, 'sell', 15, $(12)), $(120) - $(100));
	assert.deepEqual(h, {qty: -5, costBasis: -$(60)});
	// Adding to the short adds its proceeds; covering part realizes proceeds - cost per share.
	assert.equal(applyFill(h, 'sell', 5, $(14)), 0);
	assert.deepEqual(h, {qty: -10, costBasis: -$(130)});
	assert.equal(applyFill(h, 'buy', 4, $(10)), $(52) - $(40));
	assert.deepEqual(h, {qty: -6, costBasis: -$(78)});
	// A buy beyond the short covers it all and opens a long at the fill price.
	assert.equal(applyFill(h, 'buy', 8, $(15)), $(78) - $(90));
	assert.deepEqual(h, {qty: 2, costBasis: $(30)});
});

test('drawdown: largest fall from a running peak, in units and as a fraction of the peak', () => {
	const d = new Drawdown();
	for (const v of [100, 120, 90, 130, 117]) d.observe(v);
	assert.equal(d.max, 30);
	assert.equal(d.maxPct, 0.25);
	const pnl = new Drawdown(0);
	for (const v of [-5, 3, -2]) pnl.observe(v);
	assert.equal(pnl.max, 5);
	assert.equal(maxDrawdownPct([1, 2, 3]), 0);
	assert.equal(maxDrawdownPct([]), 0);
});
