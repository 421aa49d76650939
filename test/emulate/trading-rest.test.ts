/** Trading REST v2 with raw fetch: shapes, status codes and Alpaca's error bodies. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startEmulator} from '../../source/emulate/server.js';
import {DAY1, KEYS, api, limitBuy, sampleBars, startTestEmulator} from './_support.js';

test('auth: missing or unknown key 401, wrong secret 403, right pair 200', async () => {
	const h = await startTestEmulator();
	try {
		const none = await api(h, 'GET', '/v2/account', undefined, null);
		assert.equal(none.status, 401);
		assert.deepEqual(none.body, {message: 'unauthorized.'});
		assert.equal((await api(h, 'GET', '/v2/account', undefined, {keyId: 'OTHER', secret: KEYS.secret})).status, 401);
		const wrongSecret = await api(h, 'GET', '/v2/account', undefined, {keyId: KEYS.keyId, secret: 'nope'});
		assert.equal(wrongSecret.status, 403);
		assert.equal((await api(h, 'GET', '/v2/account')).status, 200);
		// Market data needs the same headers.
		assert.equal((await api(h, 'GET', '/v2/stocks/AAPL/trades/latest', undefined, null)).status, 401);
	} finally {
		await h.close();
	}
});

test('auth: with no configured keys any non-empty pair is accepted, an empty one is not', async () => {
	const h = await startEmulator({bars: sampleBars(), keys: null, manualClock: true});
	try {
		assert.equal((await api(h, 'GET', '/v2/account', undefined, {keyId: 'anything', secret: 'goes'})).status, 200);
		assert.equal((await api(h, 'GET', '/v2/account', undefined, {keyId: 'anything', secret: ''})).status, 401);
	} finally {
		await h.close();
	}
});

test('keys default to APCA_API_KEY_ID / APCA_API_SECRET_KEY from the environment', async () => {
	const saved = {id: process.env['APCA_API_KEY_ID'], secret: process.env['APCA_API_SECRET_KEY']};
	process.env['APCA_API_KEY_ID'] = 'ENVKEY';
	process.env['APCA_API_SECRET_KEY'] = 'env-secret';
	try {
		const h = await startEmulator({bars: sampleBars(), manualClock: true});
		try {
			assert.equal((await api(h, 'GET', '/v2/clock', undefined, {keyId: 'ENVKEY', secret: 'env-secret'})).status, 200);
			assert.equal((await api(h, 'GET', '/v2/clock')).status, 401);
		} finally {
			await h.close();
		}
	} finally {
		if (saved.id === undefined) delete process.env['APCA_API_KEY_ID'];
		else process.env['APCA_API_KEY_ID'] = saved.id;
		if (saved.secret === undefined) delete process.env['APCA_API_SECRET_KEY'];
		else process.env['APCA_API_SECRET_KEY'] = saved.secret;
	}
});

test('account: strings for money, ACTIVE, no PDT fields; request id header', async () => {
	const h = await startTestEmulator({cash: 25_000});
	try {
		const reply = await api(h, 'GET', '/v2/account');
		assert.match(reply.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
		const a = reply.body;
		assert.equal(a.status, 'ACTIVE');
		assert.equal(a.currency, 'USD');
		assert.equal(a.cash, '25000.00');
		assert.equal(a.equity, '25000.00');
		assert.equal(a.buying_power, '25000.00');
		assert.equal(typeof a.id, 'string');
		for (const gone of ['pattern_day_trader', 'daytrade_count', 'daytrading_buying_power']) assert.equal(gone in a, false, gone);
	} finally {
		await h.close();
	}
});

test('clock: discrete replay time in New York offset; closed after the session ends', async () => {
	const h = await startTestEmulator();
	try {
		let clock = (await api(h, 'GET', '/v2/clock')).body;
		assert.deepEqual(clock, {
			timestamp: '2019-02-11T09:30:00-05:00',
			is_open: true,
			next_open: '2019-02-12T09:30:00-05:00',
			next_close: '2019-02-11T16:00:00-05:00',
		});
		h.step();
		assert.equal((await api(h, 'GET', '/v2/clock')).body.timestamp, '2019-02-11T09:31:00-05:00');
		for (let i = 0; i < 4; i++) h.step();
		assert.equal((await api(h, 'GET', '/v2/clock')).body.timestamp, '2019-02-11T09:35:00-05:00');
		h.step(); // session end
		clock = (await api(h, 'GET', '/v2/clock')).body;
		assert.equal(clock.is_open, false);
		assert.equal(clock.next_open, '2019-02-12T09:30:00-05:00');
		assert.equal(clock.next_close, '2019-02-12T16:00:00-05:00');
		h.step(); // first bar of day 2
		clock = (await api(h, 'GET', '/v2/clock')).body;
		assert.equal(clock.timestamp, '2019-02-12T09:31:00-05:00');
		assert.equal(clock.is_open, true);
	} finally {
		await h.close();
	}
});

test('calendar: the data sessions, filtered by start/end in either date form', async () => {
	const h = await startTestEmulator();
	try {
		const all = (await api(h, 'GET', '/v2/calendar')).body;
		assert.deepEqual(
			all.map((d: {date: string}) => d.date),
			['2019-02-11', '2019-02-12'],
		);
		assert.deepEqual(all[0], {date: '2019-02-11', open: '09:30', close: '16:00', session_open: '0400', session_close: '2000', settlement_date: '2019-02-12'});
		const one = (await api(h, 'GET', '/v2/calendar?start=2019-02-12T00:00:00.000Z&end=2019-02-20')).body;
		assert.deepEqual(
			one.map((d: {date: string}) => d.date),
			['2019-02-12'],
		);
		assert.equal((await api(h, 'GET', '/v2/calendar?start=yesterday')).status, 422);
	} finally {
		await h.close();
	}
});

test('assets: the replayed symbols; unknown 404', async () => {
	const h = await startTestEmulator();
	try {
		const list = (await api(h, 'GET', '/v2/assets?status=active')).body;
		assert.deepEqual(
			list.map((a: {symbol: string}) => a.symbol),
			['AAPL', 'MSFT'],
		);
		const aapl = (await api(h, 'GET', '/v2/assets/AAPL')).body;
		assert.equal(aapl.tradable, true);
		assert.equal(aapl.class, 'us_equity');
		assert.equal((await api(h, 'GET', `/v2/assets/${aapl.id}`)).body.symbol, 'AAPL');
		const missing = await api(h, 'GET', '/v2/assets/ZZZZ');
		assert.equal(missing.status, 404);
		assert.equal(missing.body.code, 40410000);
	} finally {
		await h.close();
	}
});

test('orders: POST shape, lookups by id and client order id, list filters', async () => {
	const h = await startTestEmulator();
	try {
		const placed = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 10, '169.50', 'c-1'));
		assert.equal(placed.status, 200);
		const o = placed.body;
		assert.match(o.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		assert.equal(o.client_order_id, 'c-1');
		assert.equal(o.qty, '10');
		assert.equal(o.filled_qty, '0');
		assert.equal(o.filled_avg_price, null);
		assert.equal(o.limit_price, '169.5');
		assert.equal(o.status, 'new');
		assert.equal(o.type, 'limit');
		assert.equal(o.order_type, 'limit');
		assert.equal(o.time_in_force, 'day');
		assert.equal(o.created_at, `${DAY1}T14:30:00Z`);
		assert.equal(o.expires_at, `${DAY1}T21:00:00Z`);
		assert.equal(o.extended_hours, false);

		assert.deepEqual((await api(h, 'GET', `/v2/orders/${o.id}`)).body, o);
		assert.deepEqual((await api(h, 'GET', '/v2/orders:by_client_order_id?client_order_id=c-1')).body, o);
		const bad = await api(h, 'GET', '/v2/orders/not-a-uuid');
		assert.equal(bad.status, 422);
		assert.equal(bad.body.code, 40010001);
		const unknown = await api(h, 'GET', '/v2/orders/00000000-0000-4000-8000-000000000000');
		assert.equal(unknown.status, 404);
		assert.deepEqual(unknown.body, {code: 40410000, message: 'order not found'});
		assert.equal((await api(h, 'GET', '/v2/orders:by_client_order_id?client_order_id=nope')).status, 404);

		await api(h, 'POST', '/v2/orders', {...limitBuy('MSFT', 1, '104.00', 'c-2')});
		// No client order id: one is made up.
		const anonymous = (await api(h, 'POST', '/v2/orders', {...limitBuy('MSFT', 1, '100.00')})).body;
		assert.match(anonymous.client_order_id, /^[0-9a-f-]{36}$/);

		const open = (await api(h, 'GET', '/v2/orders')).body;
		assert.deepEqual(
			open.map((x: {client_order_id: string}) => x.client_order_id),
			[anonymous.client_order_id, 'c-2', 'c-1'],
		);
		const asc = (await api(h, 'GET', '/v2/orders?direction=asc&limit=2&symbols=AAPL,MSFT')).body;
		assert.deepEqual(
			asc.map((x: {client_order_id: string}) => x.client_order_id),
			['c-1', 'c-2'],
		);
		assert.equal((await api(h, 'GET', '/v2/orders?symbols=MSFT&side=buy')).body.length, 2);
		assert.equal((await api(h, 'GET', '/v2/orders?status=closed')).body.length, 0);
		assert.equal((await api(h, 'GET', '/v2/orders?status=bogus')).status, 422);

		h.step(); // AAPL bar 0: low 169.50 -> c-1 fills; MSFT bar 0 low 104.50 -> c-2 rests
		const closed = (await api(h, 'GET', '/v2/orders?status=closed')).body;
		assert.deepEqual(
			closed.map((x: {client_order_id: string; status: string}) => [x.client_order_id, x.status]),
			[['c-1', 'filled']],
		);
	} finally {
		await h.close();
	}
});

test('orders: validation replies (422) with Alpaca codes and messages', async () => {
	const h = await startTestEmulator();
	try {
		const expect = async (body: unknown, status: number, code: number, message: RegExp | string): Promise<void> => {
			const reply = await api(h, 'POST', '/v2/orders', body);
			assert.equal(reply.status, status, JSON.stringify(reply.body));
			assert.equal(reply.body.code, code);
			if (typeof message === 'string') assert.equal(reply.body.message, message);
			else assert.match(reply.body.message, message);
		};
		await expect(limitBuy('AAPL', 1, '170.123'), 422, 42210000, 'invalid limit_price 170.123. sub-penny increment does not fulfill minimum pricing criteria');
		await expect(limitBuy('AAPL', 1, (0.1 + 0.2) as unknown as string), 422, 42210000, /sub-penny/);
		await expect(limitBuy('AAPL', 1, '0.12345'), 422, 42210000, /sub-penny/);
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '0.1234'))).status, 200, 'four decimals are fine below $1');
		assert.equal((await api(h, 'POST', '/v2/orders', {...limitBuy('AAPL', 1, '160.10'), qty: 2})).status, 200, 'numbers as well as strings');
		await expect({...limitBuy('AAPL', 1, '170'), qty: '0'}, 422, 42210000, 'qty must be > 0');
		await expect({...limitBuy('AAPL', 1, '170'), qty: '1.5'}, 422, 42210000, 'asset "AAPL" is not fractionable');
		await expect({...limitBuy('AAPL', 1, '170'), qty: undefined, notional: '100'}, 422, 42210000, 'asset "AAPL" is not fractionable');
		await expect({...limitBuy('AAPL', 1, '170'), type: 'stop'}, 422, 42210000, /not supported/);
		await expect({...limitBuy('AAPL', 1, '170'), order_class: 'bracket'}, 422, 42210000, /not supported/);
		await expect({...limitBuy('AAPL', 1, '170'), time_in_force: 'fok'}, 422, 42210000, /not supported/);
		await expect({...limitBuy('AAPL', 1, '170'), time_in_force: 'gtc', extended_hours: true}, 422, 42210000, 'extended hours order must be DAY limit orders');
		await expect({...limitBuy('ZZZZ', 1, '170')}, 422, 40010001, 'asset "ZZZZ" not found');
		await expect({...limitBuy('AAPL', 1, '170'), side: 'short'}, 422, 40010001, /invalid side/);
		await expect({...limitBuy('AAPL', 1, '170'), limit_price: undefined}, 422, 40010001, /limit_price is required/);
		await expect({...limitBuy('AAPL', 1, '170'), client_order_id: 'x'.repeat(129)}, 422, 40010001, /128/);
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150', 'dup'))).status, 200);
		await expect(limitBuy('AAPL', 1, '150', 'dup'), 422, 40010001, 'client_order_id must be unique');
		const malformed = await api(h, 'POST', '/v2/orders', '{"symbol":');
		assert.equal(malformed.status, 400);
		assert.deepEqual(malformed.body, {code: 40010000, message: 'request body format is invalid'});
	} finally {
		await h.close();
	}
});

test('orders: 403 insufficient buying power, insufficient qty (held_for_orders), wash trade', async () => {
	const h = await startTestEmulator({cash: 5000});
	try {
		const tooBig = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 100, '170.00'));
		assert.equal(tooBig.status, 403);
		assert.equal(tooBig.body.code, 40310000);
		assert.equal(tooBig.body.message, 'insufficient buying power');

		const sellNothing = await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '1', side: 'sell', type: 'market', time_in_force: 'day'});
		assert.equal(sellNothing.status, 403);
		assert.equal(sellNothing.body.message, 'insufficient qty available for order (requested: 1, available: 0)');

		// Buy 20 and let it fill, then hold 15 in a sell.
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 20, '170.00', 'b1'));
		h.step();
		const sell1 = (await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '15', side: 'sell', type: 'limit', limit_price: '175.00', time_in_force: 'day'}))
			.body;
		const held = await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '10', side: 'sell', type: 'limit', limit_price: '176.00', time_in_force: 'day'});
		assert.equal(held.status, 403);
		assert.deepEqual(held.body, {
			code: 40310000,
			message: 'insufficient qty available for order (requested: 10, available: 5)',
			available: '5',
			existing_qty: '20',
			held_for_orders: '15',
			related_orders: [sell1.id],
			symbol: 'AAPL',
		});
		const position = (await api(h, 'GET', '/v2/positions/AAPL')).body;
		assert.equal(position.qty_available, '5');

		// A buy at or above the resting sell limit would trade against it.
		const wash = await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '175.00'));
		assert.equal(wash.status, 403);
		assert.deepEqual(wash.body, {
			code: 40310000,
			message: 'potential wash trade detected. use complex orders',
			reject_reason: 'opposite side limit order exists',
			existing_order_id: sell1.id,
		});
		assert.equal((await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '174.99'))).status, 200, 'below the sell limit is fine');
		const marketWash = await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '1', side: 'buy', type: 'market', time_in_force: 'day'});
		assert.equal(marketWash.status, 403);
		assert.equal(marketWash.body.reject_reason, 'opposite side limit order exists');
		// A sell at or below an open buy's limit is a wash trade too.
		const sellWash = await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '1', side: 'sell', type: 'limit', limit_price: '174.99', time_in_force: 'day'});
		assert.equal(sellWash.status, 403);
		assert.match(sellWash.body.message, /wash trade/);
	} finally {
		await h.close();
	}
});

test('cancel: 204, then 422 for a finished order; cancel all 207; canceled update state', async () => {
	const h = await startTestEmulator();
	try {
		const a = (await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 1, '150.00', 'x1'))).body;
		const b = (await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '100.00', 'x2'))).body;
		const c = (await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 1, '99.00', 'x3'))).body;
		const first = await api(h, 'DELETE', `/v2/orders/${a.id}`);
		assert.equal(first.status, 204);
		assert.equal(first.body, null);
		const again = await api(h, 'DELETE', `/v2/orders/${a.id}`);
		assert.equal(again.status, 422);
		assert.deepEqual(again.body, {code: 42210000, message: 'order is already in "canceled" state'});
		const canceled = (await api(h, 'GET', `/v2/orders/${a.id}`)).body;
		assert.equal(canceled.status, 'canceled');
		assert.equal(canceled.canceled_at, `${DAY1}T14:30:00Z`);
		assert.equal((await api(h, 'DELETE', '/v2/orders/00000000-0000-4000-8000-00000000000f')).status, 404);
		const all = await api(h, 'DELETE', '/v2/orders');
		assert.equal(all.status, 207);
		assert.deepEqual(
			all.body.map((e: {id: string; status: number; body: {status: string}}) => [e.id, e.status, e.body.status]),
			[
				[b.id, 200, 'canceled'],
				[c.id, 200, 'canceled'],
			],
		);
	} finally {
		await h.close();
	}
});

test('replace (PATCH): old order replaced, new order linked by replaces/replaced_by', async () => {
	const h = await startTestEmulator();
	try {
		const old = (await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 5, '150.00', 'r1'))).body;
		const replaced = await api(h, 'PATCH', `/v2/orders/${old.id}`, {limit_price: '151.00', client_order_id: 'r2'});
		assert.equal(replaced.status, 200);
		assert.equal(replaced.body.replaces, old.id);
		assert.equal(replaced.body.limit_price, '151');
		assert.equal(replaced.body.qty, '5');
		const before = (await api(h, 'GET', `/v2/orders/${old.id}`)).body;
		assert.equal(before.status, 'replaced');
		assert.equal(before.replaced_by, replaced.body.id);
		const notOpen = await api(h, 'PATCH', `/v2/orders/${old.id}`, {qty: '1'});
		assert.equal(notOpen.status, 422);
	} finally {
		await h.close();
	}
});

test('positions: 404 when none; close one (market order, qty and percentage); close all 207', async () => {
	const h = await startTestEmulator();
	try {
		const none = await api(h, 'GET', '/v2/positions/AAPL');
		assert.equal(none.status, 404);
		assert.deepEqual(none.body, {code: 40410000, message: 'position does not exist'});
		assert.equal((await api(h, 'DELETE', '/v2/positions/AAPL')).status, 404);
		await api(h, 'POST', '/v2/orders', limitBuy('AAPL', 10, '170.00'));
		await api(h, 'POST', '/v2/orders', limitBuy('MSFT', 4, '105.00'));
		h.step();
		const positions = (await api(h, 'GET', '/v2/positions')).body;
		assert.deepEqual(
			positions.map((p: {symbol: string; qty: string; side: string}) => [p.symbol, p.qty, p.side]),
			[
				['AAPL', '10', 'long'],
				['MSFT', '4', 'long'],
			],
		);
		const aapl = positions[0];
		assert.equal(aapl.avg_entry_price, '170');
		assert.equal(aapl.current_price, '170.2');
		assert.equal(aapl.market_value, '1702.00');
		assert.equal(aapl.cost_basis, '1700.00');
		assert.equal(aapl.unrealized_pl, '2.00');
		const part = await api(h, 'DELETE', '/v2/positions/AAPL?qty=3');
		assert.equal(part.status, 200);
		assert.equal(part.body.qty, '3');
		assert.equal(part.body.side, 'sell');
		assert.equal(part.body.type, 'market');
		const half = await api(h, 'DELETE', '/v2/positions/MSFT?percentage=50');
		assert.equal(half.body.qty, '2');
		const all = await api(h, 'DELETE', '/v2/positions?cancel_orders=true');
		assert.equal(all.status, 207);
		assert.deepEqual(
			all.body.map((e: {symbol: string; status: number; body: {qty: string}}) => [e.symbol, e.status, e.body.qty]),
			[
				['AAPL', 200, '10'],
				['MSFT', 200, '4'],
			],
		);
		h.step();
		assert.deepEqual((await api(h, 'GET', '/v2/positions')).body, []);
		const account = (await api(h, 'GET', '/v2/account')).body;
		assert.equal(account.long_market_value, '0.00');
	} finally {
		await h.close();
	}
});

test('rate limit: 429 after the per-minute budget, with X-RateLimit-* and Retry-After', async () => {
	const h = await startTestEmulator({rateLimitPerMinute: 3});
	try {
		for (let i = 0; i < 3; i++) {
			const reply = await api(h, 'GET', '/v2/clock');
			assert.equal(reply.status, 200);
			assert.equal(reply.headers.get('x-ratelimit-limit'), '3');
			assert.equal(reply.headers.get('x-ratelimit-remaining'), String(2 - i));
			assert.match(reply.headers.get('x-ratelimit-reset') ?? '', /^\d{10}$/);
		}
		const limited = await api(h, 'GET', '/v2/clock');
		assert.equal(limited.status, 429);
		assert.deepEqual(limited.body, {code: 42910000, message: 'rate limit exceeded'});
		assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
		assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
		// Market data has its own budget.
		assert.equal((await api(h, 'GET', '/v2/stocks/AAPL/trades/latest')).status, 200);
	} finally {
		await h.close();
	}
});

test('unknown endpoint 404, wrong method 405', async () => {
	const h = await startTestEmulator();
	try {
		assert.equal((await api(h, 'GET', '/v2/watchlists')).status, 404);
		assert.equal((await api(h, 'PUT', '/v2/account', {})).status, 405);
	} finally {
		await h.close();
	}
});
