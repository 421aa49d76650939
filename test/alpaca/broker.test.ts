/**
 * AlpacaBroker logic against a scripted REST and a hand-fed trade-updates stream: the paths
 * the emulator cannot easily force (ambiguous POSTs, reordered and duplicated updates).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {AlpacaBroker, type BrokerRest} from '../../source/adapters/alpaca/broker.js';
import type {AccountInfo, AlpacaOrderInput, MarketClock} from '../../source/adapters/alpaca/mapping.js';
import type {TradeUpdate, TradeUpdateSource} from '../../source/adapters/alpaca/trade-stream.js';
import type {OrderEvent, OrderRequest} from '../../source/core/types.js';
import type {ConnectionState} from '../../source/ports/market-data.js';
import {dollarsToMicros, micros} from '../../source/core/money.js';

type Snapshot = Record<string, unknown> & {clientOrderId: string; id: string; status: string; filledQty: string; filledAvgPrice: string | null};

const T0 = Date.parse('2026-11-20T15:31:00Z');

function snapshot(request: OrderRequest, id: string, status: string, filledQty = '0', filledAvgPrice: string | null = null): Snapshot {
	return {
		id,
		clientOrderId: request.clientOrderId,
		symbol: request.symbol,
		side: request.side,
		type: request.type,
		qty: String(request.qty),
		limitPrice: request.limitPrice === null ? null : (request.limitPrice / 1e6).toFixed(2),
		timeInForce: request.timeInForce,
		status,
		filledQty,
		filledAvgPrice,
		submittedAt: new Date(T0),
		createdAt: new Date(T0),
	};
}

class FakeStream implements TradeUpdateSource {
	state: ConnectionState = 'connected';
	private updates: ((u: TradeUpdate) => void)[] = [];
	private reconnects: (() => void)[] = [];
	onUpdate(listener: (u: TradeUpdate) => void): void {
		this.updates.push(listener);
	}
	onReconnected(listener: () => void): void {
		this.reconnects.push(listener);
	}
	onState(): void {}
	async start(): Promise<void> {}
	stop(): void {}
	push(event: string, order: Snapshot, extra: {executionId?: string; price?: string; qty?: string; positionQty?: string; ms?: number} = {}): void {
		const update = {
			event,
			timestamp: new Date(extra.ms ?? T0 + 1000),
			order,
			...(extra.executionId ? {executionId: extra.executionId} : {}),
			...(extra.price ? {price: extra.price} : {}),
			...(extra.qty ? {qty: extra.qty} : {}),
			...(extra.positionQty ? {positionQty: extra.positionQty} : {}),
		} as unknown as TradeUpdate;
		for (const l of this.updates) l(update);
	}
	reconnect(): void {
		for (const l of this.reconnects) l();
	}
}

class FakeRest implements BrokerRest {
	posts: AlpacaOrderInput[] = [];
	deletes: string[] = [];
	lookups: string[] = [];
	/** Alpaca's truth by client order id. */
	orders = new Map<string, Snapshot>();
	/** What the next POSTs do: a function returning the reply or throwing. */
	postPlan: ((input: AlpacaOrderInput) => Promise<Snapshot>)[] = [];
	lookupPlan: (() => Snapshot | null)[] = [];
	private seq = 0;

	async submitOrder(input: AlpacaOrderInput): Promise<never> {
		this.posts.push(input);
		const step = this.postPlan.shift();
		if (step) return (await step(input)) as never;
		return this.accept(input) as never;
	}
	accept(input: AlpacaOrderInput): Snapshot {
		const i = input.input;
		const request: OrderRequest = {
			symbol: i.symbol,
			side: i.side as 'buy' | 'sell',
			type: input.type,
			qty: Number(i.qty),
			limitPrice: input.type === 'limit' ? dollarsToMicros(Number(input.input.limitPrice)) : null,
			timeInForce: 'day',
			clientOrderId: i.clientOrderId!,
		};
		const s = snapshot(request, `alp-${++this.seq}`, 'new');
		this.orders.set(request.clientOrderId, s);
		return s;
	}
	async orderByClientId(clientOrderId: string): Promise<never> {
		this.lookups.push(clientOrderId);
		const step = this.lookupPlan.shift();
		if (step) return step() as never;
		return (this.orders.get(clientOrderId) ?? null) as never;
	}
	async orderById(orderId: string): Promise<never> {
		for (const o of this.orders.values()) if (o.id === orderId) return o as never;
		return null as never;
	}
	openOrdersFailures = 0;
	async openOrders(): Promise<never> {
		if (this.openOrdersFailures > 0) {
			this.openOrdersFailures -= 1;
			throw Object.assign(new Error('service unavailable'), {status: 503});
		}
		return [...this.orders.values()].filter(o => ['new', 'accepted', 'partially_filled', 'pending_new'].includes(o.status)) as never;
	}
	async cancelOrder(orderId: string): Promise<void> {
		this.deletes.push(orderId);
	}
	async positions(): Promise<never> {
		return [] as never;
	}
	lastEquity: number | null = null;
	clockFails = false;
	async clock(): Promise<MarketClock> {
		if (this.clockFails) throw Object.assign(new Error('down'), {status: 503});
		return {ms: T0 - 5000, isOpen: true, nextOpenMs: T0 + 86_400_000, nextCloseMs: T0 + 3_600_000};
	}
	async account(): Promise<AccountInfo> {
		return {
			id: 'a',
			status: 'ACTIVE',
			currency: 'USD',
			cash: micros(100_000e6),
			buyingPower: micros(400_000e6),
			equity: micros(100_000e6),
			lastEquity: this.lastEquity === null ? null : micros(this.lastEquity),
			tradingBlocked: false,
			accountBlocked: false,
		};
	}
}

function setup(options: {lookupDelaysMs?: number[]; now?: () => number} = {}) {
	const rest = new FakeRest();
	const stream = new FakeStream();
	const logs: string[] = [];
	const broker = new AlpacaBroker({
		rest,
		stream,
		log: (level, message) => logs.push(`${level}: ${message}`),
		now: options.now ?? (() => T0),
		sleep: async () => {},
		reconcileRetryMs: 1,
		lookupDelaysMs: options.lookupDelaysMs ?? [1, 1, 1],
		cancelConfirmMs: 60_000,
	});
	const events: OrderEvent[] = [];
	broker.onOrderEvent(e => events.push(e));
	return {rest, stream, broker, events, logs, kinds: () => events.map(e => e.event)};
}

const settle = async (): Promise<void> => {
	for (let i = 0; i < 10; i++) await new Promise(r => setImmediate(r));
};

let n = 0;
function buy(qty = 10, limit = 187_250_000): OrderRequest {
	n += 1;
	return {symbol: 'AAPL', side: 'buy', type: 'limit', qty, limitPrice: micros(limit), timeInForce: 'day', clientOrderId: `run-sc-AAPL-buy-${n}`};
}

test('submit: one `new` from the reply, the stream duplicate adds nothing', async () => {
	const {rest, stream, broker, events, kinds} = setup();
	const r = buy();
	broker.submitOrder(r);
	assert.deepEqual(kinds(), [], 'a network broker answers later');
	await settle();
	assert.deepEqual(kinds(), ['new']);
	assert.equal(events[0]!.order.id, 'alp-1');
	assert.equal(events[0]!.order.clientOrderId, r.clientOrderId);
	assert.equal(events[0]!.atSubmission, false);
	stream.push('new', rest.orders.get(r.clientOrderId)!);
	assert.deepEqual(kinds(), ['new']);
	assert.deepEqual(rest.posts[0]!.input, {symbol: 'AAPL', side: 'buy', qty: '10', timeInForce: 'day', clientOrderId: r.clientOrderId, limitPrice: '187.25'});
});

test('fills: per-execution qty and price, cumulative order, signed position; duplicates ignored', async () => {
	const {rest, stream, broker, events, kinds} = setup();
	const r = buy();
	broker.submitOrder(r);
	await settle();
	const o = rest.orders.get(r.clientOrderId)!;
	stream.push(
		'partial_fill',
		{...o, status: 'partially_filled', filledQty: '4', filledAvgPrice: '187.24'},
		{executionId: 'x1', price: '187.24', qty: '4', positionQty: '4'},
	);
	stream.push(
		'partial_fill',
		{...o, status: 'partially_filled', filledQty: '4', filledAvgPrice: '187.24'},
		{executionId: 'x1', price: '187.24', qty: '4', positionQty: '4'},
	);
	stream.push('fill', {...o, status: 'filled', filledQty: '10', filledAvgPrice: '187.246'}, {executionId: 'x2', price: '187.25', qty: '6', positionQty: '10'});
	stream.push(
		'fill',
		{...o, status: 'filled', filledQty: '10', filledAvgPrice: '187.246'},
		{executionId: 'x3-dup-without-same-id', price: '187.25', qty: '6', positionQty: '10'},
	);
	assert.deepEqual(kinds(), ['new', 'partial_fill', 'fill']);
	assert.deepEqual(
		events.slice(1).map(e => [e.fillQty, e.fillPrice, e.positionQty, e.order.filledQty, e.order.filledNotional]),
		[
			[4, 187_240_000, 4, 4, 748_960_000],
			[6, 187_250_000, 10, 10, 1_872_460_000],
		],
	);
	assert.equal(events[2]!.order.status, 'filled');
	assert.deepEqual(broker.position('AAPL'), {symbol: 'AAPL', qty: 10, costBasis: 1_872_460_000});
	assert.equal(events[2]!.ms, T0 + 1000, 'event time from the update');
});

test('reordered updates: a fill before its partial fill reports both quantities once', async () => {
	const {rest, stream, broker, events, kinds} = setup();
	const r = buy();
	broker.submitOrder(r);
	await settle();
	const o = rest.orders.get(r.clientOrderId)!;
	stream.push('fill', {...o, status: 'filled', filledQty: '10', filledAvgPrice: '187.246'}, {executionId: 'y2', price: '187.25', qty: '6', positionQty: '10'});
	stream.push(
		'partial_fill',
		{...o, status: 'partially_filled', filledQty: '4', filledAvgPrice: '187.24'},
		{executionId: 'y1', price: '187.24', qty: '4', positionQty: '4'},
	);
	assert.deepEqual(kinds(), ['new', 'partial_fill', 'fill']);
	assert.deepEqual(
		events.slice(1).map(e => [e.fillQty, e.fillPrice]),
		[
			[4, 187_240_000],
			[6, 187_250_000],
		],
	);
	assert.equal(events[2]!.order.filledNotional, 1_872_460_000);
	assert.equal(events[2]!.positionQty, 10);
});

test('a stream update before the POST reply: still one `new`', async () => {
	const {rest, stream, broker, kinds} = setup();
	const r = buy();
	let release!: () => void;
	rest.postPlan.push(input => new Promise(resolve => (release = () => resolve(rest.accept(input)))));
	broker.submitOrder(r);
	await settle();
	const s = snapshot(r, 'alp-early', 'new');
	stream.push('new', s);
	assert.deepEqual(kinds(), ['new']);
	release();
	await settle();
	assert.deepEqual(kinds(), ['new']);
});

test('cancel before the Alpaca id is known waits for it, then cancels by that id', async () => {
	const {rest, stream, broker, kinds} = setup();
	const r = buy();
	let release!: () => void;
	rest.postPlan.push(input => new Promise(resolve => (release = () => resolve(rest.accept(input)))));
	broker.submitOrder(r);
	broker.cancelOrder(r.clientOrderId);
	await settle();
	assert.deepEqual(rest.deletes, []);
	release();
	await settle();
	assert.deepEqual(rest.deletes, ['alp-1']);
	stream.push('canceled', {...rest.orders.get(r.clientOrderId)!, status: 'canceled'});
	assert.deepEqual(kinds(), ['new', 'canceled']);
	broker.cancelOrder(r.clientOrderId);
	await settle();
	assert.deepEqual(rest.deletes, ['alp-1'], 'no cancel for a finished order');
});

test('canceled after an unseen partial fill: the fill is reported first', async () => {
	const {rest, stream, broker, events, kinds} = setup();
	const r = buy();
	broker.submitOrder(r);
	await settle();
	stream.push('canceled', {...rest.orders.get(r.clientOrderId)!, status: 'canceled', filledQty: '3', filledAvgPrice: '187.2'});
	assert.deepEqual(kinds(), ['new', 'partial_fill', 'canceled']);
	assert.equal(events[1]!.fillQty, 3);
	assert.equal(events[1]!.fillPrice, 187_200_000);
	assert.equal(events[2]!.order.filledQty, 3);
	assert.equal(events[2]!.positionQty, 3);
});

test('403 insufficient buying power: rejected at submission, one clear log line', async () => {
	const {rest, broker, events, kinds, logs} = setup();
	rest.postPlan.push(async () => {
		throw Object.assign(new Error('insufficient buying power'), {status: 403, code: 40310000});
	});
	const r = buy(100_000);
	broker.submitOrder(r);
	await settle();
	assert.deepEqual(kinds(), ['rejected']);
	assert.equal(events[0]!.atSubmission, true);
	assert.equal(events[0]!.message, '403 insufficient buying power');
	assert.equal(events[0]!.order.status, 'rejected');
	assert.equal(rest.posts.length, 1);
	assert.equal(rest.lookups.length, 0);
	const lines = logs.filter(l => l.includes('insufficient buying power'));
	assert.equal(lines.length, 1);
	assert.match(lines[0]!, /^warn: AAPL buy 100000 @ 187.25 \(run-sc-AAPL-buy-\d+\) rejected by Alpaca: 403 insufficient buying power$/);
});

test('a timed-out POST is looked up by client order id, not resent', async () => {
	const {rest, broker, kinds} = setup();
	const r = buy();
	rest.postPlan.push(async input => {
		rest.accept(input); // it did get through
		throw Object.assign(new Error('The request was aborted'), {name: 'FetchError', cause: {name: 'TimeoutError', message: 'timed out'}});
	});
	broker.submitOrder(r);
	await settle();
	assert.equal(rest.posts.length, 1);
	assert.deepEqual(rest.lookups, [r.clientOrderId]);
	assert.deepEqual(kinds(), ['new']);
});

test('not found after the lookups: resent with the same client order id; a duplicate refusal is looked up', async () => {
	const {rest, broker, kinds, events} = setup();
	const r = buy();
	rest.postPlan.push(async () => {
		throw Object.assign(new Error('bad gateway'), {status: 502});
	});
	rest.lookupPlan.push(
		() => null,
		() => null,
		() => null,
	);
	rest.postPlan.push(async input => {
		rest.accept(input);
		throw Object.assign(new Error('fetch failed'), {name: 'FetchError', cause: {name: 'TypeError', message: 'socket hang up'}});
	});
	broker.submitOrder(r);
	await settle();
	assert.equal(rest.posts.length, 2);
	assert.equal(rest.posts[0]!.input.clientOrderId, r.clientOrderId);
	assert.equal(rest.posts[1]!.input.clientOrderId, r.clientOrderId);
	assert.deepEqual(kinds(), ['new']);
	assert.equal(events[0]!.order.id, 'alp-1');

	const again = setup();
	const r2 = buy();
	again.rest.postPlan.push(async input => {
		again.rest.accept(input);
		throw Object.assign(new Error('client_order_id must be unique'), {status: 422});
	});
	again.broker.submitOrder(r2);
	await settle();
	assert.deepEqual(again.kinds(), ['new']);
	assert.equal(again.rest.posts.length, 1);
});

test('placement that cannot be confirmed is rejected, and followed again if Alpaca shows it later', async () => {
	const {rest, stream, broker, kinds, events} = setup();
	const r = buy();
	const timeout = async (): Promise<never> => {
		throw Object.assign(new Error('aborted'), {name: 'FetchError', cause: {name: 'TimeoutError'}});
	};
	rest.postPlan.push(timeout, timeout, timeout);
	rest.lookupPlan.push(...Array.from({length: 9}, () => () => null));
	broker.submitOrder(r);
	await settle();
	assert.equal(rest.posts.length, 3);
	assert.deepEqual(kinds(), ['rejected']);
	assert.equal(events[0]!.atSubmission, true);
	stream.push('new', snapshot(r, 'alp-late', 'new'));
	assert.deepEqual(kinds(), ['rejected', 'new']);
});

test('local problems are refused at once (synchronously), never sent', () => {
	const {rest, broker, events} = setup();
	broker.submitOrder({...buy(), qty: 0});
	broker.submitOrder({...buy(), qty: 1.5});
	broker.submitOrder({...buy(), limitPrice: micros(0)});
	assert.deepEqual(
		events.map(e => [e.event, e.atSubmission]),
		[
			['rejected', true],
			['rejected', true],
			['rejected', true],
		],
	);
	assert.equal(rest.posts.length, 0);
});

test('limit prices are conformed before sending, and the change is logged', async () => {
	const {rest, broker, events, logs} = setup();
	broker.submitOrder(buy(10, 187_254_999));
	broker.submitOrder({...buy(10, 123_456), symbol: 'PENNY'});
	await settle();
	assert.equal((rest.posts[0]!.input as {limitPrice: string}).limitPrice, '187.25');
	assert.equal((rest.posts[1]!.input as {limitPrice: string}).limitPrice, '0.1235');
	assert.equal(events[0]!.order.limitPrice, 187_250_000);
	assert.ok(
		logs.some(l => /AAPL limit 187.254999 sent as 187.25/.test(l)),
		'the change is logged',
	);
});

test('reconnect: orders finished while away are reported, then onReconnected fires', async () => {
	const {rest, stream, broker, kinds} = setup();
	const a = buy();
	const b = buy();
	broker.submitOrder(a);
	broker.submitOrder(b);
	await settle();
	// While the stream was down: a filled, b still open.
	rest.orders.set(a.clientOrderId, {...rest.orders.get(a.clientOrderId)!, status: 'filled', filledQty: '10', filledAvgPrice: '187.25'});
	const order: string[] = [];
	broker.onOrderEvent(e => order.push(`event:${e.event}`));
	broker.onReconnected(() => order.push('reconnected'));
	stream.reconnect();
	await settle();
	assert.deepEqual(kinds(), ['new', 'new', 'fill']);
	assert.deepEqual(order, ['event:fill', 'reconnected']);
});

test('loadState adopts open orders quietly; they can be canceled by client order id', async () => {
	const {rest, broker, kinds} = setup();
	const old = buy();
	rest.orders.set(old.clientOrderId, snapshot(old, 'alp-old', 'partially_filled', '2', '187.25'));
	const state = await broker.loadState();
	assert.equal(state.cash, 100_000e6);
	assert.equal(state.openOrders.length, 1);
	assert.equal(state.openOrders[0]!.filledQty, 2);
	assert.equal(state.openOrders[0]!.filledNotional, 374_500_000);
	assert.deepEqual(kinds(), []);
	broker.cancelOrder(old.clientOrderId);
	await settle();
	assert.deepEqual(rest.deletes, ['alp-old']);
});

test('an order placed elsewhere that shows up on the stream is reported', () => {
	const {stream, kinds} = setup();
	const other = {...buy(), clientOrderId: 'web-123'};
	stream.push('new', snapshot(other, 'alp-web', 'new'));
	stream.push('fill', {...snapshot(other, 'alp-web', 'filled', '10', '187.25')}, {executionId: 'w1', price: '187.25', qty: '10', positionQty: '10'});
	assert.deepEqual(kinds(), ['new', 'fill']);
});

test('start() reads the market clock: a refusal before any update carries market time, not the wall', async () => {
	const wall = Date.parse('2031-01-01T00:00:00Z');
	const {rest, broker, events} = setup({now: () => wall});
	await broker.start();
	rest.postPlan.push(async () => {
		throw Object.assign(new Error('insufficient buying power'), {status: 403});
	});
	broker.submitOrder(buy());
	await settle();
	assert.equal(events[0]!.event, 'rejected');
	assert.equal(events[0]!.ms, T0 - 5000);
});

test('a failed reconciliation after a reconnect is retried before onReconnected fires', async () => {
	const {rest, stream, broker, logs} = setup();
	rest.openOrdersFailures = 2;
	let fired = 0;
	broker.onReconnected(() => (fired += 1));
	stream.reconnect();
	for (let i = 0; i < 50 && fired === 0; i++) await new Promise(r => setTimeout(r, 2));
	assert.equal(fired, 1);
	assert.equal(logs.filter(l => /reconciling orders after the trade-updates reconnect failed \(503 service unavailable\); trying again/.test(l)).length, 2);
});

test("loadState carries the account's last_equity (today's P&L is counted from it)", async () => {
	const {rest, broker} = setup();
	assert.equal((await broker.loadState()).lastEquity, undefined, 'no figure: none invented');
	rest.lastEquity = 100_500e6;
	assert.equal((await broker.loadState()).lastEquity, 100_500e6);
});
