/** Trade-updates websocket with raw ws: both auth forms, listen, JSON in binary frames, events. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DAY1, KEYS, Probe, api, limitBuy, settle, startTestEmulator} from './_support.js';

async function listening(url: string, form: 'auth' | 'authenticate'): Promise<Probe> {
	const p = await Probe.open(url, 'json');
	p.send(
		form === 'auth' ? {action: 'auth', key: KEYS.keyId, secret: KEYS.secret} : {action: 'authenticate', data: {key_id: KEYS.keyId, secret_key: KEYS.secret}},
	);
	await p.waitFor(m => m.stream === 'authorization');
	p.send({action: 'listen', data: {streams: ['trade_updates']}});
	await p.waitFor(m => m.stream === 'listening');
	return p;
}

test('auth in both forms; listen before auth is unauthorized; listening echoes the set; binary JSON frames', async () => {
	const h = await startTestEmulator();
	const early = await Probe.open(h.streamUrl, 'json');
	try {
		early.send({action: 'listen', data: {streams: ['trade_updates']}});
		assert.deepEqual(await early.waitFor(m => m.stream === 'authorization'), {stream: 'authorization', data: {action: 'listen', status: 'unauthorized'}});
		early.send({action: 'authenticate', data: {key_id: KEYS.keyId, secret_key: KEYS.secret}});
		assert.deepEqual(await early.waitFor(m => m.data?.status === 'authorized'), {
			stream: 'authorization',
			data: {action: 'authenticate', status: 'authorized'},
		});
		early.send({action: 'listen', data: {streams: ['trade_updates', 'bogus']}});
		assert.deepEqual(await early.waitFor(m => m.stream === 'listening'), {stream: 'listening', data: {streams: ['trade_updates']}});
		assert.ok(early.binaryFlags.every(Boolean), 'JSON in binary frames, as the paper server sends');

		const modern = await listening(h.streamUrl, 'auth');
		assert.equal(modern.messages[0].data.status, 'authorized');
		// A duplicate listen is tolerated; [] stops the stream.
		modern.send({action: 'listen', data: {streams: []}});
		await modern.waitFor(m => m.stream === 'listening' && m.data.streams.length === 0);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00'));
		await early.waitFor(m => m.stream === 'trade_updates');
		await settle();
		assert.equal(modern.messages.filter(m => m.stream === 'trade_updates').length, 0);
		modern.close();
	} finally {
		early.close();
		await h.close();
	}
});

test('bad keys: unauthorized, then the server closes', async () => {
	const h = await startTestEmulator();
	try {
		const p = await Probe.open(h.streamUrl, 'json');
		p.send({action: 'auth', key: KEYS.keyId, secret: 'wrong'});
		assert.deepEqual(await p.waitFor(m => m.stream === 'authorization'), {stream: 'authorization', data: {action: 'authenticate', status: 'unauthorized'}});
		await p.waitClosed();
	} finally {
		await h.close();
	}
});

test('events: new, fill with per-execution price/qty and signed position_qty, canceled, expired', async () => {
	const h = await startTestEmulator();
	const p = await listening(h.streamUrl, 'authenticate');
	try {
		const buy = (await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 10, '170.00', 'ev-buy'))).body;
		const low = (await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '50.00', 'ev-low'))).body;
		const stale = (await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '51.00', 'ev-stale'))).body;
		h.step();
		await api(h, 'DELETE', `/v2/orders/${stale.id}`);
		const sell = (
			await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '4', side: 'sell', type: 'market', time_in_force: 'day', client_order_id: 'ev-sell'})
		).body;
		h.step();
		for (let i = 0; i < 4; i++) h.step(); // to the session end
		await p.waitFor(m => m.data?.event === 'expired');
		const updates = p.messages.filter(m => m.stream === 'trade_updates').map(m => m.data);
		assert.deepEqual(
			updates.map(u => [u.event, u.order.client_order_id, u.order.status]),
			[
				['new', 'ev-buy', 'new'],
				['new', 'ev-low', 'new'],
				['new', 'ev-stale', 'new'],
				['fill', 'ev-buy', 'filled'],
				['canceled', 'ev-stale', 'canceled'],
				['new', 'ev-sell', 'new'],
				['fill', 'ev-sell', 'filled'],
				['expired', 'ev-low', 'expired'],
			],
		);
		const fill = updates[3];
		assert.equal(fill.timestamp, `${DAY1}T14:31:00Z`);
		assert.equal(fill.price, '170');
		assert.equal(fill.qty, '10');
		assert.equal(fill.position_qty, '10');
		assert.match(fill.execution_id, /^[0-9a-f-]{36}$/);
		assert.equal(fill.order.id, buy.id);
		assert.equal(fill.order.filled_qty, '10');
		assert.equal(fill.order.filled_avg_price, '170');
		const sold = updates[6];
		assert.equal(sold.order.id, sell.id);
		assert.equal(sold.price, '170.1', 'market sell at the next open');
		assert.equal(sold.qty, '4');
		assert.equal(sold.position_qty, '6');
		assert.equal(updates[7].order.id, low.id);
		assert.equal(updates[7].order.expired_at, `${DAY1}T14:35:00Z`);
		for (const u of updates.filter(x => x.event !== 'fill')) assert.equal('price' in u, false);
	} finally {
		p.close();
		await h.close();
	}
});
