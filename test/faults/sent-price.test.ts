/**
 * The journal records the limit price that was sent (issue 14): an entry at a sub-penny last
 * price (101.0049) goes to Alpaca as 101.00, and the journal says 101, not 101.0049. SIM and
 * backtests send prices as they are (the simulated exchange takes any price), so their journals do not change.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {dollarsToMicros} from '../../source/core/money.js';
import {cycleBars, journalOf} from './_rig.js';
import {A, M, SIGNAL, TIMEOUT, withRig} from './_scenario.js';

test('paper: a sub-penny limit is journaled as sent (whole cents, ties up), and the broker holds that price', TIMEOUT, async () => {
	const aapl = cycleBars(A, 100, 1);
	// The signal bar closes at a sub-penny price: the entry's limit is that last price.
	const signal = aapl[SIGNAL - 1]!;
	aapl[SIGNAL - 1] = {...signal, close: dollarsToMicros(101.0049)};
	await withRig(
		{
			bars: new Map([
				[A, aapl],
				[M, cycleBars(M, 50, 1)],
			]),
		},
		async rig => {
			await rig.step(SIGNAL);
			const entry = journalOf(rig, 'order_submitted').find(r => r.symbol === A && r.side === 'buy');
			assert.ok(entry, 'the entry was submitted');
			assert.equal(entry.limit_price, 101);
			const atBroker = rig.emulator.exchange.allOrders().find(o => o.clientOrderId === entry.client_order_id);
			assert.equal(atBroker?.limitPrice, dollarsToMicros(101));
			assert.ok(
				rig.logs.some(l => /AAPL limit 101\.0049 sent as 101\.00/.test(l)),
				rig.logs.join('\n'),
			);
		},
	);
});
