/** The fault switches, one at a time, through raw HTTP and raw sockets. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {EmulatorHandle} from '../../source/emulate/server.js';
import {KEYS, Probe, api, limitBuy, settle, startTestEmulator} from './_support.js';

async function tradeProbe(h: EmulatorHandle): Promise<Probe> {
	const p = await Probe.open(h.streamUrl, 'json');
	p.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
	p.send({action: 'listen', data: {streams: ['trade_updates']}});
	await p.waitFor(m => m.stream === 'listening');
	return p;
}

async function dataProbe(h: EmulatorHandle): Promise<Probe> {
	const p = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
	p.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
	p.send({action: 'subscribe', bars: ['*']});
	await p.waitFor(m => m.T === 'subscription');
	return p;
}

const updatesOf = (p: Probe): any[] => p.messages.filter(m => m.stream === 'trade_updates').map(m => m.data);

function pong(p: Probe): Promise<boolean> {
	return new Promise(resolve => {
		const timer = setTimeout(() => resolve(false), 150);
		p.ws.once('pong', () => {
			clearTimeout(timer);
			resolve(true);
		});
		p.ws.ping();
	});
}

test('failRequests: a 500 burst, then a 429 burst on matching requests only', async () => {
	const h = await startTestEmulator();
	try {
		h.faults.failRequests(2, 500);
		for (let i = 0; i < 2; i++) {
			const reply = await api(h, 'GET', '/v2/account');
			assert.equal(reply.status, 500);
			assert.deepEqual(reply.body, {code: 50010000, message: 'internal server error'});
		}
		assert.equal((await api(h, 'GET', '/v2/account')).status, 200);
		h.faults.failRequests(1, 429, {method: 'POST', path: '/v2/orders'});
		assert.equal((await api(h, 'GET', '/v2/orders')).status, 200);
		const limited = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'after-429'));
		assert.equal(limited.status, 429);
		assert.equal(limited.body.code, 42910000);
		assert.equal(limited.headers.get('retry-after'), '1');
		assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
		assert.equal((await api(h, 'GET', '/v2/orders:by_client_order_id?client_order_id=after-429')).status, 404, 'a refused request did nothing');
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'after-429'))).status, 200);
	} finally {
		await h.close();
	}
});

test('slowResponses: the order is placed but the reply comes after the client gave up', async () => {
	const h = await startTestEmulator();
	try {
		h.faults.slowResponses(1, 5000);
		// The client gives up once the order is placed (a condition, not a guess at how long that takes).
		const giveUp = new AbortController();
		const posting = fetch(`${h.baseUrl}/v2/orders`, {
			method: 'POST',
			headers: {'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secret, 'Content-Type': 'application/json'},
			body: JSON.stringify(limitBuy('AAPL', 1, '150.00', 'lost-reply')),
			signal: giveUp.signal,
		});
		for (const deadline = Date.now() + 10_000; h.exchange.order('lost-reply') === null; ) {
			assert.ok(Date.now() < deadline, 'the order never reached the exchange');
			await new Promise(resolve => setTimeout(resolve, 1));
		}
		giveUp.abort(new DOMException('gave up waiting', 'TimeoutError'));
		await assert.rejects(posting, (error: Error) => error.name === 'TimeoutError');
		const placed = await api(h, 'GET', '/v2/orders:by_client_order_id?client_order_id=lost-reply');
		assert.equal(placed.status, 200);
		assert.equal(placed.body.status, 'new');
		// Retrying with the same client order id is refused as a duplicate.
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'lost-reply'))).body.message, 'client_order_id must be unique');
	} finally {
		await h.close();
	}
});

test('rejectOrders: synchronous 403, or accepted (pending_new) then a rejected trade update', async () => {
	const h = await startTestEmulator();
	const p = await tradeProbe(h);
	try {
		h.faults.rejectOrders(1);
		const refused = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'rj-1'));
		assert.equal(refused.status, 403);
		assert.deepEqual(refused.body, {code: 40310000, message: 'insufficient buying power'});
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'rj-1'))).status, 200, 'only the next one');

		h.faults.rejectOrders(1, {mode: 'event', message: 'order rejected by venue'});
		const accepted = await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '100.00', 'rj-2'));
		assert.equal(accepted.status, 200);
		assert.equal(accepted.body.status, 'pending_new');
		const rejected = await p.waitFor(m => m.data?.event === 'rejected');
		assert.equal(rejected.data.order.client_order_id, 'rj-2');
		assert.equal(rejected.data.order.status, 'rejected');
		assert.equal(rejected.data.reject_reason, undefined);
		assert.equal(rejected.data.order.reject_reason, 'order rejected by venue');
		assert.equal((await api(h, 'GET', `/v2/orders/${accepted.body.id}`)).body.status, 'rejected');
		assert.equal(h.exchange.order('rj-2'), null, 'the exchange never saw it');
	} finally {
		p.close();
		await h.close();
	}
});

test('partialFills: a fill arrives as partial_fill + fill with cumulative order fields', async () => {
	const h = await startTestEmulator();
	const p = await tradeProbe(h);
	try {
		h.faults.partialFills({qty: 3});
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 10, '170.00', 'pf'));
		h.step();
		await p.waitFor(m => m.data?.event === 'fill');
		const [, partial, fill] = updatesOf(p);
		assert.equal(partial.event, 'partial_fill');
		assert.equal(partial.qty, '3');
		assert.equal(partial.price, '170');
		assert.equal(partial.position_qty, '3');
		assert.equal(partial.order.status, 'partially_filled');
		assert.equal(partial.order.filled_qty, '3');
		assert.equal(partial.order.filled_at, null);
		assert.equal(fill.event, 'fill');
		assert.equal(fill.qty, '7');
		assert.equal(fill.position_qty, '10');
		assert.equal(fill.order.filled_qty, '10');
		assert.notEqual(partial.execution_id, fill.execution_id);

		h.faults.partialFills({fraction: 0.5});
		await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '10', side: 'sell', type: 'market', time_in_force: 'day', client_order_id: 'pf-out'});
		h.step();
		await p.waitFor(m => m.data?.event === 'fill' && m.data.order.client_order_id === 'pf-out');
		const sells = updatesOf(p).filter(u => u.order.client_order_id === 'pf-out' && u.event !== 'new');
		assert.deepEqual(
			sells.map(u => [u.event, u.qty, u.position_qty]),
			[
				['partial_fill', '5', '5'],
				['fill', '5', '0'],
			],
		);
	} finally {
		p.close();
		await h.close();
	}
});

test('duplicate and reorder trade updates', async () => {
	const h = await startTestEmulator();
	const p = await tradeProbe(h);
	try {
		h.faults.duplicateTradeUpdates(true);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'd1'));
		await p.waitFor(m => m.data?.order?.client_order_id === 'd1');
		await settle();
		assert.equal(updatesOf(p).filter(u => u.order.client_order_id === 'd1').length, 2);
		h.faults.duplicateTradeUpdates(false);

		h.faults.reorderTradeUpdates(true);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'r1'));
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'r2'));
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'r3'));
		await p.waitFor(m => m.data?.order?.client_order_id === 'r1');
		// r3 is held for a partner; turning reordering off releases it.
		h.faults.reorderTradeUpdates(false);
		await p.waitFor(m => m.data?.order?.client_order_id === 'r3');
		assert.deepEqual(
			updatesOf(p)
				.map(u => u.order.client_order_id)
				.filter((id: string) => id.startsWith('r')),
			['r2', 'r1', 'r3'],
		);
	} finally {
		p.close();
		await h.close();
	}
});

test('holdTradeUpdates: updates queue while held (the emulator still counts as idle), then go out in order', async () => {
	const h = await startTestEmulator();
	const p = await tradeProbe(h);
	try {
		h.faults.holdTradeUpdates(true);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'held-1'));
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'held-2'));
		await h.whenIdle();
		assert.equal(updatesOf(p).length, 0, 'held back');
		h.faults.holdTradeUpdates(false);
		await h.whenIdle();
		assert.deepEqual(
			updatesOf(p).map(u => u.order.client_order_id),
			['held-1', 'held-2'],
		);
	} finally {
		p.close();
		await h.close();
	}
});

test('delayTradeUpdates: updates come late (after the HTTP reply), none are lost', async () => {
	const h = await startTestEmulator();
	const p = await tradeProbe(h);
	try {
		h.faults.delayTradeUpdates(10_000);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'late-1'));
		await settle();
		assert.equal(updatesOf(p).length, 0, 'held back');
		h.faults.delayTradeUpdates(20);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'late-2'));
		await p.waitFor(m => m.data?.order?.client_order_id === 'late-2');
	} finally {
		p.close();
		await h.close();
	}
});

test('silence: sockets stay open but send nothing (no pongs) until switched back', async () => {
	const h = await startTestEmulator();
	const t = await tradeProbe(h);
	const d = await dataProbe(h);
	try {
		assert.equal(await pong(t), true);
		h.faults.silenceTradeStream(true);
		h.faults.silenceDataStream(true);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '171.00', 's1'));
		h.step();
		assert.equal(await pong(t), false);
		assert.equal(await pong(d), false);
		await settle();
		assert.equal(updatesOf(t).length, 0);
		assert.equal(d.messages.filter(m => m.T === 'b').length, 0);
		assert.equal(t.closed || d.closed, false);
		// The order filled meanwhile: REST tells the truth.
		assert.equal((await api(h, 'GET', '/v2/orders:by_client_order_id?client_order_id=s1')).body.status, 'filled');
		h.faults.silenceTradeStream(false);
		h.faults.silenceDataStream(false);
		assert.equal(await pong(d), true);
		h.step();
		await d.waitFor(m => m.T === 'b');
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 's2'));
		await t.waitFor(m => m.data?.order?.client_order_id === 's2');
		assert.equal(
			updatesOf(t).some(u => u.order.client_order_id === 's1'),
			false,
			'what was sent while silent is lost',
		);
	} finally {
		t.close();
		d.close();
		await h.close();
	}
});

test('drop either websocket; reset turns every switch off', async () => {
	const h = await startTestEmulator();
	const t = await tradeProbe(h);
	const d = await dataProbe(h);
	try {
		assert.equal(h.faults.dropTradeStream(), 1);
		await t.waitClosed();
		assert.equal(h.faults.dropDataStream('close'), 1);
		assert.equal(await d.waitClosed(), 1001);
		// Reconnecting works.
		const again = await tradeProbe(h);
		h.faults.failRequests(5, 503);
		h.faults.rejectOrders(3);
		h.faults.duplicateTradeUpdates(true);
		h.faults.reset();
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'clean'))).status, 200);
		await again.waitFor(m => m.data?.order?.client_order_id === 'clean');
		await settle();
		assert.equal(updatesOf(again).length, 1);
		again.close();
	} finally {
		t.close();
		d.close();
		await h.close();
	}
});

test("injected frames: bytes go out as they are, values in the client's codec; subscribers are counted", async () => {
	const h = await startTestEmulator();
	assert.deepEqual(h.subscribers(), {tradeUpdates: 0, bars: 0});
	const t = await tradeProbe(h);
	const d = await dataProbe(h);
	try {
		assert.deepEqual(h.subscribers(), {tradeUpdates: 1, bars: 1});
		t.ws.removeAllListeners('message'); // the probe would choke on what comes next
		const raw = new Promise<Buffer>(resolve => t.ws.once('message', (data: Buffer) => resolve(data)));
		assert.equal(h.faults.injectTradeFrame(Buffer.from('{"stream":"trade_updates"')), 1);
		assert.equal((await raw).toString('utf8'), '{"stream":"trade_updates"', 'byte for byte (the probe could not even parse it)');
		assert.equal(h.faults.injectDataFrame([{T: 'b', S: 'AAPL', o: 'garbage'}]), 1);
		assert.deepEqual(await d.waitFor(m => m.o === 'garbage'), {T: 'b', S: 'AAPL', o: 'garbage'}, 'msgpack-encoded for a msgpack client');
	} finally {
		t.close();
		d.close();
		await h.close();
	}
});
