/**
 * Strategy parameters as flags: the defaults are the originals' (order for order against the
 * reference runs), each parameter changes exactly the rule it names, and bad values are one
 * line naming the flag as typed, exit 2.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../../source/backtest/scalp-backtest.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {bundledMinuteData} from '../../source/paths.js';
import {DEFAULT_HFT_PARAMS, DEFAULT_SCALP_PARAMS, describeScalpParams} from '../../source/strategies/params.js';
import {scalpParamsFromFlags} from '../../source/strategy-flags.js';
import {$, bar, closesToBars, crossoverCloses, harness, ordersOf} from '../_helpers/bars.js';
import {after, at, rig} from '../hft/harness.js';
import {runCliInProcess} from '../_helpers/cli.js';
import {micros} from '../../source/core/money.js';

const fixtures = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../fixtures/scalp');
const orderKey = (o: {ts: number; symbol: string; side: string; order_type: string; qty: number; limit_price: number | null}) =>
	`${new Date(o.ts).toISOString()}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}`;

test('defaults are the originals: explicit default flags give the reference orders, order for order', () => {
	const symbols = ['AAPL', 'AMZN', 'MSFT', 'QQQ', 'SPY', 'TSLA'];
	const reference = JSON.parse(readFileSync(join(fixtures, 'fleet_2019-02-11_2019-02-15.json'), 'utf8'));
	const theirs = (reference.orders as {ts: string; symbol: string; side: string; order_type: string; qty: number; limit_price: number | null}[]).map(
		o => `${o.ts}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}`,
	);
	const fromFlags = scalpParamsFromFlags({sma: '20', takeProfit: '0.01', staleBuy: '120s', eod: '15:55'});
	assert.deepEqual(fromFlags, DEFAULT_SCALP_PARAMS);
	const data = loadMinuteData([bundledMinuteData()], symbols);
	for (const params of [undefined, fromFlags]) {
		const journal = new MemoryJournal();
		runScalpBacktest({
			sessions: toSessions(data.bars),
			symbols,
			lot: micros(2000e6),
			cash: micros(100_000e6),
			exitAfterMs: null,
			signal: null,
			journal,
			...(params ? {params} : {}),
		});
		// Same orders in the same sequence as the original's run.
		assert.deepEqual(journal.ofType('order_submitted').map(orderKey), theirs);
	}
	assert.equal(describeScalpParams(DEFAULT_SCALP_PARAMS, micros(2000e6)), 'sma 20 · take-profit 0.01 · stale-buy 120s · eod 15:55 · lot 2000');
});

test('--sma 10: the crossover is decided on a 10-bar window after 11 bars', () => {
	const h = harness({params: {...DEFAULT_SCALP_PARAMS, smaWindow: 10}});
	h.begin();
	// 10 bars at 100, a dip to 99 and 101: a cross of the 10-bar SMA on the 12th bar.
	for (const b of closesToBars('TSLA', '09:30', [...Array.from({length: 10}, () => 100), 99, 101])) h.feed(b);
	assert.equal(h.scalper.state, 'BUY_SUBMITTED');
	const signal = h.journal.ofType('signal')[0]!;
	assert.equal(signal.signal, 'sma10_cross');
	assert.equal(signal.sma, 100);
	assert.equal(signal.prev_sma, 99.9);
	// The default window has not seen enough bars for the same sequence.
	const d = harness();
	d.begin();
	for (const b of closesToBars('TSLA', '09:30', [...Array.from({length: 10}, () => 100), 99, 101])) d.feed(b);
	assert.equal(d.scalper.state, 'TO_BUY');
});

test('--take-profit 0.05: the take-profit sell is at average + 0.05', () => {
	const h = harness({params: {...DEFAULT_SCALP_PARAMS, takeProfit: $(0.05)}});
	h.begin();
	for (const b of closesToBars('TSLA', '09:30', crossoverCloses())) h.feed(b);
	h.feed(bar('TSLA', '09:52', 100.5, 100.8, 100.4, 100.5)); // the buy of 19 fills at 100.5
	assert.deepEqual(ordersOf(h.journal)[1], {time: '14:53', side: 'sell', type: 'limit', qty: 19, limit: 100.55, reason: 'take_profit'});
});

test('--stale-buy 60s: an unfilled buy is canceled after 60 s instead of 120 s', () => {
	for (const [staleBuyMs, cancelAt] of [
		[60_000, '14:54'],
		[120_000, '14:55'],
	] as const) {
		const h = harness({params: {...DEFAULT_SCALP_PARAMS, staleBuyMs}});
		h.begin();
		for (const b of closesToBars('TSLA', '09:30', crossoverCloses())) h.feed(b);
		// Bars above the limit: the buy never fills.
		for (const b of closesToBars('TSLA', '09:52', [102, 102, 102, 102])) h.feed(b);
		const cancel = h.journal.ofType('cancel_requested')[0]!;
		assert.equal(cancel.reason, 'stale_buy');
		assert.equal(new Date(cancel.ts).toISOString().slice(11, 16), cancelAt, `stale-buy ${staleBuyMs}`);
	}
});

test('--eod 15:00: no entries from 15:00 and positions sold at market at 15:00', () => {
	const eodMs = 15 * 3_600_000;
	const late = harness({params: {...DEFAULT_SCALP_PARAMS, eodMs}});
	late.begin();
	for (const b of closesToBars('TSLA', '14:39', crossoverCloses())) late.feed(b); // signal bar arrives at 15:01
	assert.equal(ordersOf(late.journal).length, 0);
	const h = harness({params: {...DEFAULT_SCALP_PARAMS, eodMs}});
	h.begin();
	for (const b of closesToBars('TSLA', '14:30', crossoverCloses())) h.feed(b); // buy at 14:52
	h.feed(bar('TSLA', '14:52', 100.5, 100.8, 100.4, 100.6)); // fills; take-profit at 100.6... not reached
	for (const b of closesToBars('TSLA', '14:53', [100.2, 100.2, 100.2, 100.2, 100.2, 100.2, 100.2, 100.2])) h.feed(b);
	const exits = ordersOf(h.journal).filter(o => o.reason === 'eod');
	assert.equal(exits.length, 1);
	assert.equal(exits[0]!.type, 'market');
	// 15:00 New York is 20:00 UTC in February.
	assert.ok(exits[0]!.time >= '20:00' && exits[0]!.time <= '20:01', exits[0]!.time);
});

test('--hft-ratio 3 and --hft-size 200: the tick-taker follows 3x imbalances with 200-share orders', () => {
	assert.deepEqual(DEFAULT_HFT_PARAMS, {ratio: 1.8, size: 100});
	const r = rig({params: {ratio: 3, size: 200}});
	r.quote(at(10, 0, 0), '223.81', 300, '223.82', 100);
	const t = after(at(10, 0, 0), 1_000_000);
	r.quote(t, '223.82', 300, '223.83', 100);
	assert.equal(r.strategy.state, 'ARMED');
	r.trade(after(t, 60_000_000), '223.83', 500); // 300 is not above 3 x 100
	assert.equal(r.orders().length, 0);
	r.quote(after(t, 60_000_001), '223.82', 301, '223.83', 100);
	r.trade(after(t, 60_000_002), '223.83', 500);
	assert.deepEqual(r.orders(), [{side: 'buy', qty: 200, limit: 223.83, tif: 'ioc', type: 'limit'}]);
});

test('bad parameter values: one line naming the flag as typed, exit 2', async () => {
	const cases: [string[], RegExp][] = [
		[['backtest', 'TSLA', '--sma', '0'], /^scalp-tui: --sma must be a whole number from 2 to 390, got "0"\n$/],
		[['backtest', 'TSLA', '--take-profit', 'abc'], /^scalp-tui: --take-profit needs a dollar amount like 0\.01, got "abc"\n$/],
		[['backtest', 'TSLA', '--stale-buy', '2 minutes'], /^scalp-tui: --stale-buy needs a duration like 90s, 2m or 1h, got "2 minutes"\n$/],
		[['backtest', 'TSLA', '--eod', '17:00'], /^scalp-tui: --eod must be a New York time after 09:30 and at most 16:00, got "17:00"\n$/],
		[['backtest', '--strategy', 'hft', '--hft-ratio', '0.5'], /^scalp-tui: --hft-ratio must be from 1 to 1000, got "0.5"\n$/],
		[['backtest', '--strategy', 'hft', '--hft-size', '300'], /^scalp-tui: --hft-qty \(500\) must be at least --hft-size \(300\)|^$/],
		[['backtest', 'TSLA', '--hft-ratio', '2'], /^scalp-tui: --hft-ratio does not apply to backtest --strategy scalp\n$/],
	];
	// In this process (the CLI's own exit route): the real binary's exit status 2 is test/faults/bad-inputs'.
	for (const [args, expected] of cases) {
		const r = await runCliInProcess(args);
		if (args.includes('300')) {
			// 300 <= 500: valid, runs the backtest.
			assert.equal(r.status, 0, r.stderr);
			continue;
		}
		assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stderr, expected);
		assert.equal(r.stdout, '');
	}
	const tooBig = await runCliInProcess(['backtest', '--strategy', 'hft', '--hft-size', '600']);
	assert.equal(tooBig.status, 2);
	assert.equal(tooBig.stderr, 'scalp-tui: --hft-qty (500) must be at least --hft-size (600)\n');
});

test('the backtest report names the parameters in force', async () => {
	const r = await runCliInProcess(['backtest', 'TSLA', '--sma', '30', '--take-profit', '0.02', '--eod', '15:30', '--stale-buy', '90s']);
	assert.equal(r.status, 0, r.stderr);
	assert.match(r.stdout, /SMA30 scalper/);
	assert.match(r.stdout, /params sma 30 · take-profit 0\.02 · stale-buy 90s · eod 15:30 · lot 2000/);
	const json = await runCliInProcess(['backtest', 'TSLA', '--sma', '30', '--json']);
	assert.equal(json.status, 0, json.stderr);
	assert.deepEqual(JSON.parse(json.stdout).params, {sma: 30, take_profit: 0.01, stale_buy: '120s', eod: '15:55', lot: 2000});
});
