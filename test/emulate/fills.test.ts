/**
 * Determinism: the emulator fills exactly as SIM mode does on the same data.
 * The same order script runs once through the console's own bar stepper (BarReplay over a
 * SimExchange, orders sent in reaction to each arrival) and once through the emulator over
 * HTTP between manual steps; the order events must match one for one, times and prices included.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import {SimBroker} from '../../source/adapters/sim/broker.js';
import {toSessions} from '../../source/adapters/replay/minute-csv.js';
import {BarReplay} from '../../source/backtest/bar-runner.js';
import {dollarsToMicros, formatMicros, parseMicros} from '../../source/core/money.js';
import {nyDate} from '../../source/core/time.js';
import type {OrderRequest} from '../../source/core/types.js';
import {Engine} from '../../source/engine/engine.js';
import {nullJournal} from '../../source/journal/records.js';
import {rfc3339} from '../../source/emulate/wire-format.js';
import {KEYS, Probe, api, sampleBars, settle, startTestEmulator} from './_support.js';

type Script = Map<string, Array<Omit<OrderRequest, 'limitPrice'> & {limitPrice: string | null}>>;

/** Orders to send after the n-th step of each session ("date#n"). */
const script: Script = new Map([
	[
		'2019-02-11#1',
		[
			{symbol: 'AAPL', side: 'buy', type: 'limit', qty: 10, limitPrice: '170.20', timeInForce: 'day', clientOrderId: 'a-buy'},
			{symbol: 'MSFT', side: 'buy', type: 'limit', qty: 5, limitPrice: '104.00', timeInForce: 'day', clientOrderId: 'm-low'},
		],
	],
	['2019-02-11#2', [{symbol: 'AAPL', side: 'sell', type: 'market', qty: 10, limitPrice: null, timeInForce: 'day', clientOrderId: 'a-out'}]],
	['2019-02-11#3', [{symbol: 'AAPL', side: 'buy', type: 'limit', qty: 3, limitPrice: '100.00', timeInForce: 'gtc', clientOrderId: 'a-low'}]],
	[
		'2019-02-12#1',
		[
			{symbol: 'MSFT', side: 'buy', type: 'market', qty: 2, limitPrice: null, timeInForce: 'day', clientOrderId: 'm-mkt'},
			{symbol: 'AAPL', side: 'sell', type: 'limit', qty: 1, limitPrice: '171.00', timeInForce: 'day', clientOrderId: 'a-none'},
		],
	],
]);

type Row = [event: string, clientOrderId: string, at: string, price: string | null, qty: string | null];

function simRun(): Row[] {
	const exchange = new SimExchange({cash: dollarsToMicros(100_000)});
	const rows: Row[] = [];
	exchange.onEvent(e => {
		if (e.atSubmission) {
			rows.push(['refused', e.order.clientOrderId, rfc3339(e.ms), null, null]);
			return;
		}
		const fill = e.event === 'fill' || e.event === 'partial_fill';
		rows.push([e.event, e.order.clientOrderId, rfc3339(e.ms), fill ? formatMicros(e.fillPrice, 0) : null, fill ? String(e.fillQty) : null]);
	});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal: nullJournal, runTag: 'parity'});
	let date = '';
	let n = 0;
	const replay = new BarReplay(toSessions(sampleBars()), engine, exchange, {
		afterStep() {
			if (replay.sessionDate !== date) {
				date = replay.sessionDate ?? '';
				n = 0;
			}
			n += 1;
			for (const o of script.get(`${date}#${n}`) ?? []) exchange.submit({...o, limitPrice: o.limitPrice === null ? null : parseMicros(o.limitPrice)});
		},
	});
	replay.runToEnd();
	return rows;
}

test('emulator fills match SIM mode on the same data and the same orders', async () => {
	const simRows = simRun();
	const expected = simRows.filter(r => r[0] !== 'refused');
	const expectedRefused = simRows.filter(r => r[0] === 'refused').map(r => r[1]);
	assert.ok(
		expected.some(r => r[0] === 'fill'),
		'the script fills something',
	);
	assert.ok(
		expected.some(r => r[0] === 'expired'),
		'the script expires something',
	);
	assert.deepEqual(expectedRefused, ['a-none'], 'the script has one order refused at submission');
	const refused: string[] = [];

	const h = await startTestEmulator();
	const probe = await Probe.open(h.streamUrl, 'json');
	try {
		probe.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
		probe.send({action: 'listen', data: {streams: ['trade_updates']}});
		await probe.waitFor(m => m.stream === 'listening');
		let date = '';
		let n = 0;
		let steps = 0;
		for (;;) {
			const before = h.now;
			if (!h.step()) break;
			steps += 1;
			assert.ok(steps < 100, 'replay ends');
			if (h.now === before) continue;
			const sessionDate = nyDate(h.now);
			if (sessionDate !== date) {
				date = sessionDate;
				n = 0;
			}
			n += 1;
			for (const o of script.get(`${date}#${n}`) ?? []) {
				const reply = await api(h, 'POST', '/v2/orders', {
					symbol: o.symbol,
					side: o.side,
					type: o.type,
					qty: String(o.qty),
					time_in_force: o.timeInForce,
					client_order_id: o.clientOrderId,
					...(o.limitPrice === null ? {} : {limit_price: o.limitPrice}),
				});
				if (reply.status === 200) continue;
				assert.equal(reply.status, 403, JSON.stringify(reply.body));
				refused.push(o.clientOrderId);
			}
		}
		assert.equal(h.finished, true);
		await settle();
		const updates = probe.messages.filter(m => m.stream === 'trade_updates').map(m => m.data);
		const actual: Row[] = updates.map(d => [d.event, d.order.client_order_id, d.timestamp, d.price ?? null, d.qty ?? null]);
		assert.deepEqual(actual, expected);
		assert.deepEqual(refused, expectedRefused);
	} finally {
		probe.close();
		await h.close();
	}
});

test('bar-mode fill rules: limit at min(L, open) when low <= L, not before its bar, market at the open', async () => {
	const h = await startTestEmulator();
	try {
		h.step(); // arrival 09:31; AAPL bar 0 (open 170.00, low 169.50) already matched
		// Bar 1: open 170.10, high 170.60, low 169.60, close 170.30.
		const under = (await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '1', side: 'buy', type: 'limit', limit_price: '169.59', time_in_force: 'day'}))
			.body;
		const through = (await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '2', side: 'buy', type: 'limit', limit_price: '171.00', time_in_force: 'day'}))
			.body;
		const msft = (await api(h, 'POST', '/v2/orders', {symbol: 'MSFT', qty: '3', side: 'buy', type: 'market', time_in_force: 'day'})).body;
		h.step();
		const get = async (id: string): Promise<{status: string; filled_avg_price: string | null; filled_at: string | null}> =>
			(await api(h, 'GET', `/v2/orders/${id}`)).body;
		assert.equal((await get(under.id)).status, 'new', 'low 169.60 > 169.59');
		const t = await get(through.id);
		assert.equal(t.status, 'filled');
		assert.equal(t.filled_avg_price, '170.1', 'min(limit, open)');
		assert.equal(t.filled_at, '2019-02-11T14:32:00Z');
		const m = await get(msft.id);
		assert.equal(m.filled_avg_price, '105.05', 'market at the open');
		// A sell limit below the open fills at the open.
		// (The open buy at 169.59 would make it a wash trade: cancel it first.)
		assert.equal((await api(h, 'DELETE', `/v2/orders/${under.id}`)).status, 204);
		const sell = (await api(h, 'POST', '/v2/orders', {symbol: 'AAPL', qty: '2', side: 'sell', type: 'limit', limit_price: '169.00', time_in_force: 'day'}))
			.body;
		h.step();
		assert.equal((await get(sell.id)).filled_avg_price, '170.2', 'max(limit, open)');
		const account = (await api(h, 'GET', '/v2/account')).body;
		// 100000 - 2 x 170.10 - 3 x 105.05 + 2 x 170.20
		assert.equal(account.cash, '99685.05');
	} finally {
		await h.close();
	}
});
