/**
 * The SIM session as the console drives it: fixed replay speeds and the snapshot fields the
 * panels show (replay date, change since the session open, synthetic data).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {signalLabel, type ConsoleConfig} from '../../source/commands/console.js';
import {bundledMinuteData} from '../../source/paths.js';
import {DEFAULT_HFT_PARAMS, DEFAULT_SCALP_PARAMS} from '../../source/strategies/params.js';
import {composeSimSession} from '../../source/session/compose-sim.js';
import {SPEED_STEPS, stepSpeed, type Scheduler} from '../../source/session/sim-session.js';
import {OrderHistory} from '../../source/engine/order-history.js';
import {micros} from '../../source/core/money.js';

function manualScheduler(): Scheduler & {advance(ms: number): void} {
	let now = 0;
	const timers = new Map<number, {at: number; fn: () => void}>();
	let next = 1;
	return {
		now: () => now,
		setTimeout(fn, ms) {
			const id = next++;
			timers.set(id, {at: now + ms, fn});
			return id;
		},
		clearTimeout(handle) {
			timers.delete(handle as number);
		},
		advance(ms) {
			const end = now + ms;
			for (;;) {
				const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
				if (!due) break;
				timers.delete(due[0]);
				now = due[1].at;
				due[1].fn();
			}
			now = end;
		},
	};
}

function config(dir: string, overrides: Partial<ConsoleConfig> = {}): ConsoleConfig {
	return {
		mode: 'sim',
		symbols: ['AAPL'],
		hft: null,
		hftQty: 500,
		lot: micros(2000e6),
		cash: micros(100_000e6),
		speed: 60,
		exitAfterMs: null,
		signal: null,
		dataPaths: null,
		journalPath: join(dir, 'journal.jsonl'),
		logFile: join(dir, 'scalp-tui.log'),
		feed: 'iex',
		yesLive: false,
		risk: {maxDailyLoss: null, flattenOnLoss: false, maxOrdersPerMinute: null, maxPositionUsd: null},
		scalpParams: DEFAULT_SCALP_PARAMS,
		hftParams: DEFAULT_HFT_PARAMS,
		...overrides,
	};
}

function withSession(
	overrides: Partial<ConsoleConfig>,
	run: (session: ReturnType<typeof composeSimSession>, scheduler: ReturnType<typeof manualScheduler>) => Promise<void> | void,
) {
	return async () => {
		const dir = mkdtempSync(join(tmpdir(), 'scalp-sim-console-'));
		const scheduler = manualScheduler();
		const session = composeSimSession(config(dir, overrides), {dataPaths: [bundledMinuteData()], scheduler});
		try {
			session.start();
			await run(session, scheduler);
		} finally {
			await session.shutdown({how: 'cancel_orders', reason: 'test'});
			rmSync(dir, {recursive: true, force: true});
		}
	};
}

test('the fixed speeds step up and down and stop at the ends', () => {
	assert.deepEqual(SPEED_STEPS, [1, 10, 30, 60, 120, 300, 600, 1800, 3600]);
	assert.equal(stepSpeed(60, true), 120);
	assert.equal(stepSpeed(60, false), 30);
	assert.equal(stepSpeed(3600, true), 3600);
	assert.equal(stepSpeed(1, false), 1);
	// An odd --speed joins the ladder at the next step.
	assert.equal(stepSpeed(45, true), 60);
	assert.equal(stepSpeed(45, false), 30);
});

test(
	'+ then - comes back to 60x (and every fixed speed is reachable)',
	withSession({}, session => {
		assert.equal(session.speed, 60);
		assert.equal(session.changeSpeed(2), 120);
		assert.equal(session.changeSpeed(0.5), 60);
		assert.equal(session.changeSpeed(0.5), 30);
		assert.equal(session.changeSpeed(2), 60);
		const seen: number[] = [];
		for (let i = 0; i < 12; i++) seen.push(session.changeSpeed(2)!);
		assert.deepEqual(seen, [120, 300, 600, 1800, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600]);
		assert.equal(session.snapshot().speed, 3600);
	}),
);

test(
	'the snapshot says which day is replayed and the change since that session opened (not since the first day)',
	withSession({speed: 3600}, (session, scheduler) => {
		const first = session.snapshot();
		assert.equal(first.sessionDate, '2019-02-11');
		// Into the second replayed day.
		for (let i = 0; i < 200 && session.snapshot().sessionDate !== '2019-02-12'; i++) scheduler.advance(100);
		scheduler.advance(2000);
		const snapshot = session.snapshot();
		assert.equal(snapshot.sessionDate, '2019-02-12');
		const aapl = snapshot.symbols.find(view => view.symbol === 'AAPL')!;
		const open = Number(readFileSync(join(bundledMinuteData(), 'AAPL_2019-02-12.csv'), 'utf8').split('\n')[1]!.split(',')[1]);
		assert.ok(aapl.lastPrice !== null && aapl.change !== null);
		assert.equal(Number(aapl.change.toFixed(4)), Number((aapl.lastPrice - open).toFixed(4)), `change ${aapl.change} from open ${open}`);
		assert.equal(aapl.synthetic, false);
		assert.equal(snapshot.signalName, null);
		assert.equal(snapshot.smaLength, 20);
	}),
);

test(
	'the SMA length shown is the configured one (--sma)',
	withSession({scalpParams: {...DEFAULT_SCALP_PARAMS, smaWindow: 30}}, session => {
		assert.equal(session.snapshot().smaLength, 30);
	}),
);

test(
	'symbols without recorded data and the tick-taker book are marked synthetic; the signal name is passed on',
	withSession({symbols: ['AAPL', 'ZZZZ'], hft: 'AAPL', signalName: 'breakout'}, (session, scheduler) => {
		scheduler.advance(2000);
		const snapshot = session.snapshot();
		const marks = snapshot.symbols.map(view => `${view.symbol}/${view.strategy}:${view.synthetic}`);
		assert.deepEqual(marks, ['AAPL/scalp:false', 'AAPL/hft:true', 'ZZZZ/scalp:true']);
		assert.equal(snapshot.signalName, 'breakout');
	}),
);

test('a custom signal is named by its function, else by its file', () => {
	assert.equal(
		signalLabel(function breakout() {
			return false;
		}, './signals/x.mjs'),
		'breakout',
	);
	assert.equal(
		signalLabel(() => false, './signals/mean-revert.mjs'),
		'mean-revert',
	);
});

test(
	'open buys hold buying power in the SIM console: 60 symbols on $20,000 never take cash below zero (issue 14)',
	withSession(
		{
			symbols: Array.from({length: 60}, (_, i) => `Z${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`),
			cash: micros(20_000e6),
		},
		(session, scheduler) => {
			let lowest = Infinity;
			let buys = 0;
			for (let second = 0; second < 400; second++) {
				scheduler.advance(1000);
				const snapshot = session.snapshot();
				lowest = Math.min(lowest, snapshot.cash);
				buys = Math.max(buys, snapshot.symbols.filter(s => s.position !== null && s.position.qty > 0).length);
			}
			assert.ok(buys >= 5, `enough entries to spend the cash (${buys} positions at once)`);
			assert.ok(lowest >= 0, `cash went to ${lowest / 1e6}`);
		},
	),
);

test(
	"the snapshot carries each symbol's recent orders with status, fills and reason (the o list)",
	withSession({speed: 3600}, (session, scheduler) => {
		for (let i = 0; i < 100 && !session.snapshot().symbols[0]!.orders.some(o => o.status === 'filled' && o.side === 'sell'); i++) scheduler.advance(100);
		const orders = session.snapshot().symbols[0]!.orders;
		const buy = orders.find(o => o.side === 'buy' && o.status === 'filled');
		assert.ok(buy, JSON.stringify(orders));
		assert.equal(buy.reason, 'signal');
		assert.equal(buy.filledQty, buy.qty);
		assert.ok(buy.avgFillPrice !== null && buy.avgFillPrice > 100);
		const sell = orders.find(o => o.side === 'sell' && o.status === 'filled');
		assert.equal(sell?.reason, 'take_profit');
		// Unchanged orders keep their array (the list re-renders only when something happened).
		assert.equal(session.snapshot().symbols[0]!.orders, session.snapshot().symbols[0]!.orders);
	}),
);

test('the order list is bounded per symbol and updates an order in place', () => {
	const history = new OrderHistory(3);
	for (let i = 0; i < 5; i++) history.sent('AAPL', {clientOrderId: `c${i}`, side: 'buy', type: 'limit', qty: 10, limitPrice: micros(100e6)}, 'signal', i);
	assert.deepEqual(
		history.list('AAPL').map(o => o.clientOrderId),
		['c2', 'c3', 'c4'],
	);
	const before = history.list('AAPL');
	assert.equal(history.list('AAPL'), before, 'same array while nothing changes');
	history.event(
		{
			event: 'partial_fill',
			order: {
				symbol: 'AAPL',
				clientOrderId: 'c3',
				side: 'buy',
				type: 'limit',
				qty: 10,
				limitPrice: micros(100e6),
				timeInForce: 'day',
				id: 'b3',
				status: 'partially_filled',
				filledQty: 4,
				filledNotional: micros(4 * 99.5e6),
				submittedMs: 3,
				submittedNs: 0,
			},
			ms: 9,
			ns: 0,
			fillQty: 4,
			fillPrice: micros(99.5e6),
			positionQty: 4,
			atSubmission: false,
		},
		9,
	);
	const after = history.list('AAPL');
	assert.notEqual(after, before);
	assert.equal(after.length, 3);
	assert.deepEqual(
		{...after[1], updatedMs: 0},
		{
			clientOrderId: 'c3',
			side: 'buy',
			type: 'limit',
			qty: 10,
			limitPrice: 100,
			reason: 'signal',
			status: 'partially_filled',
			filledQty: 4,
			avgFillPrice: 99.5,
			submittedMs: 3,
			updatedMs: 0,
			message: null,
		},
	);
	assert.deepEqual(history.list('MSFT'), []);
});
