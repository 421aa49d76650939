/**
 * The broker restarts under a running paper session (issue 14): `emulate` stopped and started
 * again on the same port, a fresh account replaying the same data. The session reconnects,
 * adopts the new broker's orders and positions, and hears every later fill: ids are unique
 * across emulator starts, and orders the new broker does not know are dropped.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CYCLE, journalOf} from './_rig.js';
import {A, assertRoundTrips, BUY_FILL, M, TIMEOUT, withRig} from './_scenario.js';
import type {Rig} from './_rig.js';

function reconnected(rig: Rig): Promise<void> {
	return new Promise(resolve => {
		const off = rig.adapter.broker.onReconnected(() => {
			off();
			resolve();
		});
	});
}

function assertFillsJournaled(rig: Rig): number {
	const fills = new Set(
		journalOf(rig, 'order_update')
			.filter(r => r.event === 'fill')
			.map(r => String(r.client_order_id)),
	);
	const filled = rig.emulator.exchange.allOrders().filter(o => o.status === 'filled');
	for (const order of filled) assert.ok(fills.has(order.clientOrderId), `${order.clientOrderId} filled at the new broker but was never journaled`);
	return filled.length;
}

test('emulator restarted between round trips: the fills after the restart are journaled; positions and cash equal the new emulator', TIMEOUT, async () => {
	await withRig({cycles: 3}, async rig => {
		await rig.step(CYCLE);
		assertRoundTrips(rig, {[A]: 1, [M]: 1});
		const back = reconnected(rig);
		await rig.restartEmulator(CYCLE);
		await back;
		await rig.settle();
		await rig.step(CYCLE);
		assert.equal(assertFillsJournaled(rig), 4, 'a buy and a take-profit per symbol at the new broker');
		assert.equal(rig.scalper(A).roundTrips, 2);
		assert.equal(rig.scalper(M).roundTrips, 2);
	});
});

test(
	'emulator restarted with a take-profit open: the adapter drops the order the new broker does not know, the session follows the new account',
	TIMEOUT,
	async () => {
		await withRig({cycles: 3}, async rig => {
			await rig.step(BUY_FILL);
			assert.equal(rig.scalper(A).state, 'SELL_SUBMITTED');
			const back = reconnected(rig);
			await rig.restartEmulator(BUY_FILL);
			await back;
			await rig.settle();
			assert.deepEqual(rig.adapter.broker.openOrders(), [], 'no order left that the broker does not know');
			assert.ok(rig.logs.some(l => /the broker no longer knows this order/.test(l)));
			assert.equal(rig.scalper(A).state, 'TO_BUY', 'flat at the new broker: waiting for the next entry');
			await rig.step(2 * CYCLE - BUY_FILL);
			assert.equal(assertFillsJournaled(rig), 4);
		});
	},
);
