/**
 * The emulator's account reports `last_equity` as Alpaca does: the equity at the previous
 * trading day's close (the start of today's P&L), unchanged by today's moves.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DAY1, DAY2, api, limitBuy, startTestEmulator} from './_support.js';

test("account last_equity: today's moves leave it alone; after a close it is that close's equity", async () => {
	const handle = await startTestEmulator();
	try {
		const start = (await api(handle, 'GET', '/v2/account')).body;
		assert.equal(start.last_equity, '100000.00');
		assert.equal((await api(handle, 'POST', '/v2/orders', limitBuy('AAPL', 100, '180.00', 'le-1'))).status, 200);
		let closeEquity: string | null = null;
		for (let i = 0; i < 20; i++) {
			assert.equal(handle.step(), true);
			const clock = (await api(handle, 'GET', '/v2/clock')).body;
			const account = (await api(handle, 'GET', '/v2/account')).body;
			const date = String(clock.timestamp).slice(0, 10);
			if (date === DAY1) {
				assert.equal(account.last_equity, '100000.00', 'moves during the day do not touch it');
				closeEquity = account.equity;
			} else {
				assert.equal(date, DAY2);
				assert.notEqual(closeEquity, '100000.00', 'the position moved the equity on day 1');
				assert.equal(account.last_equity, closeEquity, "day 2 counts from day 1's close");
				return;
			}
		}
		assert.fail('never reached the second day');
	} finally {
		await handle.close();
	}
});
