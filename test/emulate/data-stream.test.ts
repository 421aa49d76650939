/** Market-data websocket with raw ws: msgpack handshake, subscriptions, bars, error codes. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DAY1, KEYS, Probe, settle, startTestEmulator} from './_support.js';

const auth = {action: 'auth', key: KEYS.keyId, secret: KEYS.secret};

test('msgpack: connected, auth, full-state subscription, then trades, bars and daily bars with ext -1 timestamps', async () => {
	const h = await startTestEmulator();
	const p = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
	try {
		assert.deepEqual(await p.waitFor(m => m.T === 'success' && m.msg === 'connected'), {T: 'success', msg: 'connected'});
		p.send(auth);
		await p.waitFor(m => m.msg === 'authenticated');
		p.send({action: 'subscribe', bars: ['AAPL'], trades: ['AAPL']});
		const sub = await p.waitFor(m => m.T === 'subscription');
		assert.deepEqual(sub, {
			T: 'subscription',
			trades: ['AAPL'],
			quotes: [],
			bars: ['AAPL'],
			updatedBars: [],
			dailyBars: [],
			statuses: [],
			lulds: [],
			corrections: ['AAPL'],
			cancelErrors: ['AAPL'],
			imbalances: [],
		});
		// A duplicate subscribe is idempotent and answered with the same full state.
		const mark = p.messages.length;
		p.send({action: 'subscribe', bars: ['AAPL'], dailyBars: ['MSFT']});
		const sub2 = await p.waitFor(m => m.T === 'subscription', 3000, mark);
		assert.deepEqual(sub2.bars, ['AAPL']);
		assert.deepEqual(sub2.dailyBars, ['MSFT']);

		h.step();
		const bar = await p.waitFor(m => m.T === 'b');
		assert.deepEqual(bar.t, {sec: Date.parse(`${DAY1}T14:30:00Z`) / 1000, nsec: 0});
		assert.deepEqual({...bar, t: undefined}, {T: 'b', S: 'AAPL', o: 170, h: 170.5, l: 169.5, c: 170.2, v: 1000, n: 1, vw: 170.2, t: undefined});
		const trade = await p.waitFor(m => m.T === 't');
		assert.equal(trade.S, 'AAPL');
		assert.equal(trade.p, 170.2);
		assert.deepEqual(trade.t, {sec: Date.parse(`${DAY1}T14:30:59Z`) / 1000, nsec: 999_000_000});
		const daily = await p.waitFor(m => m.T === 'd');
		assert.equal(daily.S, 'MSFT');
		// Trades come before the bar in the same frame, and only subscribed symbols arrive.
		const data = p.messages.filter(m => m.T === 't' || m.T === 'b' || m.T === 'd');
		assert.deepEqual(
			data.map(m => `${m.T}:${m.S}`),
			['t:AAPL', 'b:AAPL', 'd:MSFT'],
		);
		assert.ok(p.binaryFlags.every(Boolean), 'msgpack frames are binary');

		p.send({action: 'unsubscribe', bars: ['AAPL'], trades: ['AAPL'], dailyBars: ['MSFT']});
		const sub3 = await p.waitFor(m => m.T === 'subscription' && m.bars.length === 0);
		assert.deepEqual(sub3.trades, []);
		const count = p.messages.length;
		h.step();
		await settle();
		assert.equal(p.messages.length, count, 'nothing after unsubscribing');
	} finally {
		p.close();
		await h.close();
	}
});

test('JSON mode without the msgpack header: text frames, RFC 3339 times; wildcard subscription', async () => {
	const h = await startTestEmulator();
	const p = await Probe.open(h.dataStreamUrl('sip'), 'json');
	try {
		p.send(auth);
		await p.waitFor(m => m.msg === 'authenticated');
		p.send({action: 'subscribe', bars: ['*']});
		await p.waitFor(m => m.T === 'subscription');
		h.step();
		await p.waitFor(m => m.T === 'b' && m.S === 'MSFT');
		const bars = p.messages.filter(m => m.T === 'b');
		assert.deepEqual(
			bars.map(b => [b.S, b.t]),
			[
				['AAPL', `${DAY1}T14:30:00Z`],
				['MSFT', `${DAY1}T14:30:00Z`],
			],
		);
		assert.ok(
			p.binaryFlags.every(b => !b),
			'JSON frames are text',
		);
	} finally {
		p.close();
		await h.close();
	}
});

test('errors: 401 before auth, 400 bad syntax, 403 second auth, 410 foreign channel, 405 symbol limit', async () => {
	const h = await startTestEmulator({symbolLimit: 2});
	const p = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
	try {
		p.send({action: 'subscribe', bars: ['AAPL']});
		assert.deepEqual(await p.waitFor(m => m.T === 'error'), {T: 'error', code: 401, msg: 'not authenticated'});
		p.send(auth);
		await p.waitFor(m => m.msg === 'authenticated');
		p.ws.send('{not json');
		await p.waitFor(m => m.code === 400);
		const mark = p.messages.length;
		p.send({action: 'dance'});
		assert.equal((await p.waitFor(m => m.code === 400, 3000, mark)).msg, 'invalid syntax');
		p.send(auth);
		assert.equal((await p.waitFor(m => m.code === 403)).msg, 'already authenticated');
		p.send({action: 'subscribe', orderbooks: ['AAPL']});
		assert.equal((await p.waitFor(m => m.code === 410)).msg, 'invalid subscribe action for this feed');
		p.send({action: 'subscribe', bars: ['AAPL', 'MSFT', 'IBM']});
		assert.equal((await p.waitFor(m => m.code === 405)).msg, 'symbol limit exceeded');
		assert.equal(p.closed, false, 'these errors keep the connection');
	} finally {
		p.close();
		await h.close();
	}
});

test('errors: 402 bad keys and 404 auth timeout close the connection', async () => {
	const h = await startTestEmulator({authTimeoutMs: 30});
	try {
		const bad = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
		bad.send({action: 'auth', key: KEYS.keyId, secret: 'wrong'});
		assert.deepEqual(await bad.waitFor(m => m.T === 'error'), {T: 'error', code: 402, msg: 'auth failed'});
		await bad.waitClosed();

		const idle = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
		assert.deepEqual(await idle.waitFor(m => m.T === 'error'), {T: 'error', code: 404, msg: 'auth timeout'});
		await idle.waitClosed();
	} finally {
		await h.close();
	}
});

test('406: a second authenticated connection for the same key and feed is refused and closed', async () => {
	const h = await startTestEmulator();
	const first = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
	try {
		first.send(auth);
		await first.waitFor(m => m.msg === 'authenticated');
		const second = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
		second.send(auth);
		assert.deepEqual(await second.waitFor(m => m.T === 'error'), {T: 'error', code: 406, msg: 'connection limit exceeded'});
		await second.waitClosed();
		// Another feed is another endpoint.
		const other = await Probe.open(h.dataStreamUrl('sip'), 'msgpack');
		other.send(auth);
		await other.waitFor(m => m.msg === 'authenticated');
		other.close();
		// Once the first goes away a new connection is fine.
		first.close();
		await first.waitClosed();
		await settle();
		const third = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
		third.send(auth);
		await third.waitFor(m => m.msg === 'authenticated');
		third.close();
	} finally {
		first.close();
		await h.close();
	}
});

test('header auth on the upgrade; unknown feed paths are refused', async () => {
	const h = await startTestEmulator();
	try {
		const p = await Probe.open(h.dataStreamUrl('iex'), 'msgpack', {'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secret});
		await p.waitFor(m => m.msg === 'authenticated');
		p.close();
		await assert.rejects(Probe.open(h.dataStreamUrl('nasdaq'), 'msgpack'), /404/);
	} finally {
		await h.close();
	}
});
