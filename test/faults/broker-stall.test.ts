/**
 * Quit while the broker stalls (issue 14): the trade-updates socket is silent and no REST
 * request is answered. The quit has one deadline, says what it is waiting for and what was
 * left, and ends.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {cycleBars, startRig} from './_rig.js';
import {A, M, SIGNAL, TIMEOUT} from './_scenario.js';

test('quit during a broker stall: one bounded wait that names the open orders, then the session ends', TIMEOUT, async () => {
	const bars = new Map([
		[A, cycleBars(A, 100, 1)],
		[M, cycleBars(M, 50, 1)],
	]);
	const rig = await startRig({symbols: [A, M], bars, shutdownDeadlineMs: 1500});
	try {
		await rig.step(SIGNAL);
		assert.equal(rig.engine.openOrders().length, 2, 'both buys open');
		rig.emulator.faults.silenceTradeStream(true);
		rig.emulator.faults.slowResponses(1000, 60_000, {});
		await rig.shutdown('cancel_orders');
		assert.ok(
			rig.logs.some(l => /quit: waiting up to 1\.5 s for 2 open order\(s\) to be canceled \(AAPL, MSFT\)/.test(l)),
			rig.logs.slice(-10).join('\n'),
		);
		assert.ok(rig.logs.some(l => /quit: gave up waiting for 2 open order\(s\) to be canceled \(AAPL, MSFT\): the broker did not confirm in time/.test(l)));
		assert.ok(rig.logs.some(l => /quit \(test\): orders still open at the broker/.test(l)));
	} finally {
		rig.emulator.faults.reset();
		await rig.close();
	}
});
