/** The discrete market clock: steps, session ends, pacing by speed, manual mode. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {StepReport} from '../../source/emulate/replay.js';
import {DAY1, DAY2, api, limitBuy, startTestEmulator} from './_support.js';

test('manual steps: arrivals in time order, a session-end step, then the next session; false at the end', async () => {
	const h = await startTestEmulator();
	const reports: StepReport[] = [];
	h.onStep(r => reports.push(r));
	try {
		assert.deepEqual(h.sessionDates, [DAY1, DAY2]);
		assert.equal(h.now, Date.parse(`${DAY1}T14:30:00Z`), 'starts at the first bar start');
		let steps = 0;
		while (h.step()) steps += 1;
		assert.equal(steps, 5 + 1 + 3 + 1);
		assert.equal(h.finished, true);
		assert.equal(h.step(), false);
		assert.deepEqual(
			reports.map(r => `${r.kind} ${new Date(r.time).toISOString().slice(11, 16)} ${r.bars.map(b => b.symbol).join('+')}`),
			[
				'arrival 14:31 AAPL+MSFT',
				'arrival 14:32 AAPL+MSFT',
				'arrival 14:33 AAPL+MSFT',
				'arrival 14:34 AAPL+MSFT',
				'arrival 14:35 AAPL+MSFT',
				'session_end 14:35 ',
				'arrival 14:31 AAPL+MSFT',
				'arrival 14:32 AAPL+MSFT',
				'arrival 14:33 AAPL+MSFT',
				'session_end 14:33 ',
			],
		);
		assert.equal(reports[6]!.date, DAY2);
	} finally {
		await h.close();
	}
});

test('between steps the clock stands still: orders are stamped with the current arrival time', async () => {
	const h = await startTestEmulator();
	try {
		h.step();
		h.step();
		const a = (await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00'))).body;
		const b = (await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00'))).body;
		assert.equal(a.created_at, `${DAY1}T14:32:00Z`);
		assert.equal(b.created_at, `${DAY1}T14:32:00Z`);
		assert.equal((await api(h, 'GET', '/v2/clock')).body.timestamp, '2019-02-11T09:32:00-05:00');
	} finally {
		await h.close();
	}
});

test('pacing: a speed moves the clock by itself; speed 0 stops it; bad speeds are refused', async () => {
	const h = await startTestEmulator();
	try {
		const stepped = new Promise<StepReport>(resolve => {
			const off = h.onStep(r => {
				off();
				resolve(r);
			});
		});
		h.setSpeed(600_000); // a market minute per 0.1 ms of wall time
		const first = await stepped;
		assert.equal(first.kind, 'arrival');
		const ended = new Promise<void>(resolve => h.onStep(() => h.finished && resolve()));
		await ended;
		assert.equal(h.finished, true);
		h.setSpeed(0);
		assert.throws(() => h.setSpeed(-1), RangeError);
		assert.throws(() => h.setSpeed(Number.NaN), RangeError);
	} finally {
		await h.close();
	}
});

test('order of work in a step: fills (trade updates) before the bars are published; expiries before the session-end report', async () => {
	const h = await startTestEmulator();
	const log: string[] = [];
	h.exchange.onEvent(e => log.push(`${e.event}:${e.order.clientOrderId}`));
	h.onStep(r => log.push(`${r.kind}:${r.bars.length}`));
	try {
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '170.00', 'o1'));
		await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '50.00', 'o2'));
		while (h.step() && log.at(-1) !== 'session_end:0') {
			// until the first session ends
		}
		assert.deepEqual(log, ['new:o1', 'new:o2', 'fill:o1', 'arrival:2', 'arrival:2', 'arrival:2', 'arrival:2', 'arrival:2', 'expired:o2', 'session_end:0']);
	} finally {
		await h.close();
	}
});
