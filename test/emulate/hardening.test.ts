/**
 * The emulator against hostile or careless clients (issue 14): websocket frame and auth
 * limits on both sockets, oversized request bodies.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MAX_FRAME_BYTES, PRE_AUTH_BYTES} from '../../source/emulate/ws-guard.js';
import {KEYS, Probe, api, limitBuy, startTestEmulator} from './_support.js';

test('/stream: a client that never authenticates is closed at the auth timeout', async () => {
	const h = await startTestEmulator({authTimeoutMs: 1000});
	try {
		const idle = await Probe.open(h.streamUrl, 'json');
		const good = await Probe.open(h.streamUrl, 'json');
		good.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
		await good.waitFor(m => m.data?.status === 'authorized');
		await idle.waitClosed(5000);
		assert.equal((await idle.waitFor(m => m.stream === 'authorization')).data.status, 'unauthorized');
		// The authenticated one stays past the timeout.
		await new Promise(resolve => setTimeout(resolve, 100));
		assert.equal(good.closed, false);
		good.close();
	} finally {
		await h.close();
	}
});

for (const which of ['stream', 'data'] as const) {
	test(`${which} socket: a large frame before auth drops the connection; after auth frames over the cap are refused`, async () => {
		const h = await startTestEmulator();
		const url = which === 'stream' ? h.streamUrl : h.dataStreamUrl('iex');
		try {
			const early = await Probe.open(url, 'json');
			early.ws.send('x'.repeat(PRE_AUTH_BYTES * 4));
			await early.waitClosed();

			const authed = await Probe.open(url, 'json');
			authed.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
			await authed.waitFor(m => m.data?.status === 'authorized' || m.msg === 'authenticated');
			// A frame bigger than the pre-auth budget is fine once authenticated (not a parse of it: 400/invalid).
			authed.ws.send(JSON.stringify({action: 'noop', pad: 'y'.repeat(PRE_AUTH_BYTES * 2)}));
			await authed.waitFor(m => m.T === 'error' || m.action === 'error');
			assert.equal(authed.closed, false);
			authed.ws.send('z'.repeat(MAX_FRAME_BYTES + 1));
			assert.equal(await authed.waitClosed(), 1009, 'message too big');
		} finally {
			await h.close();
		}
	});
}

test('an oversized POST body gets 413 with a JSON error, not a connection reset', async () => {
	const h = await startTestEmulator();
	try {
		const response = await fetch(`${h.baseUrl}/v2/orders`, {
			method: 'POST',
			headers: {'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secret, 'Content-Type': 'application/json'},
			body: JSON.stringify({symbol: 'AAPL', pad: 'p'.repeat(3 << 20)}),
		});
		assert.equal(response.status, 413);
		assert.match(((await response.json()) as {message: string}).message, /too large/);
		// The server is still fine.
		const account = await fetch(`${h.baseUrl}/v2/account`, {headers: {'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secret}});
		assert.equal(account.status, 200);
	} finally {
		await h.close();
	}
});

test('open buys hold buying power (403 past it, as Alpaca); a cancel gives it back; the account shows it', async () => {
	const h = await startTestEmulator({cash: 100_000});
	try {
		h.step();
		const first = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 300, '170.00'));
		assert.equal(first.status, 200);
		const account = await api(h, 'GET', '/v2/account');
		assert.equal(account.body.cash, '100000.00');
		assert.equal(account.body.buying_power, '49000.00');
		const second = await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 500, '100.00'));
		assert.equal(second.status, 403);
		assert.equal(second.body.message, 'insufficient buying power');
		assert.equal((await api(h, 'DELETE', `/v2/orders/${first.body.id}`)).status, 204);
		assert.equal((await api(h, 'GET', '/v2/account')).body.buying_power, '100000.00');
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 500, '100.00'))).status, 200);
		// Nothing that was accepted can take the cash below zero.
		for (let i = 0; i < 8; i++) h.step();
		assert.ok(h.exchange.cash >= 0);
	} finally {
		await h.close();
	}
});

test('bars route: a start or end date that does not exist is 400, not an empty 200', async () => {
	const h = await startTestEmulator();
	try {
		for (const query of ['start=2019-02-31', 'start=2019-02-30T14:30:00Z', 'end=2019-13-01']) {
			const reply = await api(h, 'GET', `/v2/stocks/AAPL/bars?timeframe=1Min&${query}`);
			assert.equal(reply.status, 400, query);
		}
		assert.equal((await api(h, 'GET', '/v2/stocks/AAPL/bars?timeframe=1Min&start=2019-02-11')).status, 200);
	} finally {
		await h.close();
	}
});
