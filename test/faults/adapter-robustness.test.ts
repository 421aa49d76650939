/**
 * The Alpaca adapter under the races the fault scenarios exposed, on scripted REST and a
 * hand-fed trade-updates stream: a broker snapshot taken while fills are still on their way,
 * an order being placed while the snapshot is read, a client order id that belongs to another
 * order, and a trade-updates socket whose authentication answer never comes.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import type {streaming} from '@alpacahq/alpaca-trade-api';
import {AlpacaBroker, type BrokerRest} from '../../source/adapters/alpaca/broker.js';
import type {AlpacaOrderInput} from '../../source/adapters/alpaca/mapping.js';
import {TradeStream, type TradeUpdate, type TradeUpdateSource} from '../../source/adapters/alpaca/trade-stream.js';
import type {OrderEvent, OrderRequest} from '../../source/core/types.js';
import {micros} from '../../source/core/money.js';

type Snapshot = Record<string, unknown>;

const T0 = Date.parse('2019-02-11T15:00:00Z');

function snapshot(request: OrderRequest, status: string, filledQty = '0', filledAvgPrice: string | null = null, over: Snapshot = {}): Snapshot {
	return {
		id: `id-${request.clientOrderId}`,
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
		...over,
	};
}

const buy = (n: number, qty = 10): OrderRequest => ({
	symbol: 'AAPL',
	side: 'buy',
	type: 'limit',
	qty,
	limitPrice: micros(100e6),
	timeInForce: 'day',
	clientOrderId: `r-sc-AAPL-buy-${n}`,
});

function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return {promise, resolve, reject};
}

/** REST the test scripts call by call. */
class ScriptRest implements BrokerRest {
	orders = new Map<string, Snapshot>();
	open: Snapshot[] = [];
	positionList: Array<{symbol: string; qty: string; side: string; costBasis: string}> = [];
	postReply: ((input: AlpacaOrderInput) => Promise<Snapshot>) | null = null;
	calls = {post: 0, positions: 0, openOrders: 0, byId: 0};
	beforeOpenOrders: (() => void) | null = null;

	submitOrder(input: AlpacaOrderInput): Promise<never> {
		this.calls.post += 1;
		if (this.postReply) return this.postReply(input) as Promise<never>;
		return Promise.reject(new Error('not scripted'));
	}
	orderByClientId(id: string): Promise<never> {
		return Promise.resolve((this.orders.get(id) ?? null) as never);
	}
	orderById(id: string): Promise<never> {
		this.calls.byId += 1;
		return Promise.resolve(([...this.orders.values()].find(o => o.id === id) ?? null) as never);
	}
	openOrders(): Promise<never> {
		this.calls.openOrders += 1;
		this.beforeOpenOrders?.();
		return Promise.resolve(this.open as never);
	}
	cancelOrder(): Promise<void> {
		return Promise.resolve();
	}
	positions(): Promise<never> {
		this.calls.positions += 1;
		return Promise.resolve(this.positionList as never);
	}
	account(): Promise<never> {
		return Promise.resolve({
			id: 'a',
			status: 'ACTIVE',
			currency: 'USD',
			cash: 100_000e6,
			buyingPower: 100_000e6,
			equity: 100_000e6,
			tradingBlocked: false,
			accountBlocked: false,
		} as never);
	}
	clock(): Promise<never> {
		return Promise.resolve({ms: T0, isOpen: true, nextOpenMs: T0, nextCloseMs: T0} as never);
	}
}

class Stream implements TradeUpdateSource {
	state = 'connected' as const;
	private listener: ((u: TradeUpdate) => void) | null = null;
	onUpdate(listener: (u: TradeUpdate) => void): void {
		this.listener = listener;
	}
	onReconnected(): void {}
	onState(): void {}
	async start(): Promise<void> {}
	stop(): void {}
	push(event: string, order: Snapshot, extra: Snapshot = {}): void {
		this.listener?.({event, timestamp: new Date(T0 + 60_000), order, ...extra} as unknown as TradeUpdate);
	}
}

function setUp() {
	const rest = new ScriptRest();
	const stream = new Stream();
	const logs: string[] = [];
	const broker = new AlpacaBroker({
		rest,
		stream,
		log: (level, message) => void logs.push(`${level}: ${message}`),
		sleep: async () => {},
		lookupDelaysMs: [0, 0],
		maxPlacementAttempts: 2,
	});
	const events: OrderEvent[] = [];
	broker.onOrderEvent(event => events.push(event));
	return {rest, stream, logs, broker, events, kinds: () => events.map(e => `${e.event}:${e.order.clientOrderId}${e.fillQty ? `:${e.fillQty}` : ''}`)};
}

const settle = (): Promise<void> => new Promise(resolve => setImmediate(resolve));

test('a snapshot taken while a fill is still on its way reports that fill first, once', async () => {
	const s = setUp();
	const order = buy(1);
	s.rest.postReply = async () => snapshot(order, 'new');
	s.broker.submitOrder(order);
	await settle();
	// The fill happened; its trade update is lost or late. The broker lists no open order and a position.
	s.rest.orders.set(order.clientOrderId, snapshot(order, 'filled', '10', '100'));
	s.rest.open = [];
	s.rest.positionList = [{symbol: 'AAPL', qty: '10', side: 'long', costBasis: '1000'}];
	let fillBeforeState = false;
	const state = await s.broker.loadState().then(result => {
		fillBeforeState = s.events.some(e => e.event === 'fill');
		return result;
	});
	assert.ok(fillBeforeState, 'the fill is an event before the state resolves');
	assert.deepEqual(state.positions, [{symbol: 'AAPL', qty: 10, costBasis: 1000e6}]);
	assert.deepEqual(state.openOrders, []);
	// The late update now arrives: nothing more is reported.
	s.stream.push('fill', snapshot(order, 'filled', '10', '100'), {executionId: 'x1', price: '100', qty: '10'});
	await s.broker.loadState();
	assert.deepEqual(s.kinds(), ['new:r-sc-AAPL-buy-1', 'fill:r-sc-AAPL-buy-1:10']);
});

test('an execution streamed in while the snapshot is read: the snapshot is read again', async () => {
	const s = setUp();
	const order = buy(2);
	s.rest.postReply = async () => snapshot(order, 'new');
	s.broker.submitOrder(order);
	await settle();
	s.rest.open = [snapshot(order, 'new')];
	let once = true;
	s.rest.beforeOpenOrders = () => {
		if (!once) return;
		once = false;
		// The fill arrives on the stream while the REST reads are out.
		s.stream.push('fill', snapshot(order, 'filled', '10', '100'), {executionId: 'x2', price: '100', qty: '10', positionQty: '10'});
		s.rest.open = [];
		s.rest.orders.set(order.clientOrderId, snapshot(order, 'filled', '10', '100'));
		s.rest.positionList = [{symbol: 'AAPL', qty: '10', side: 'long', costBasis: '1000'}];
	};
	const state = await s.broker.loadState();
	assert.equal(s.rest.calls.openOrders, 2, 'read twice');
	assert.deepEqual(state.openOrders, []);
	assert.equal(state.positions[0]?.qty, 10, 'the positions include the fill');
	assert.deepEqual(s.kinds(), ['new:r-sc-AAPL-buy-2', 'fill:r-sc-AAPL-buy-2:10']);
});

test('an order being placed while the snapshot is read: the snapshot waits for it and lists it', async () => {
	const s = setUp();
	const order = buy(3);
	const reply = deferred<Snapshot>();
	s.rest.postReply = () => reply.promise;
	s.broker.submitOrder(order);
	let resolved = false;
	const loading = s.broker.loadState().then(state => {
		resolved = true;
		return state;
	});
	await settle();
	assert.equal(resolved, false, 'waits for the POST');
	s.rest.open = [snapshot(order, 'new')];
	reply.resolve(snapshot(order, 'new'));
	const state = await loading;
	assert.deepEqual(
		state.openOrders.map(o => o.clientOrderId),
		[order.clientOrderId],
	);
});

test('a resend refused as a duplicate finds another order under the same client order id: not taken for ours', async () => {
	const s = setUp();
	const order = buy(4, 10);
	s.rest.postReply = async () => {
		throw Object.assign(new Error('internal server error'), {status: 500});
	};
	// Someone else's order (another run that reused the id, say) carries the id.
	s.rest.orders.set(order.clientOrderId, snapshot({...order, qty: 55, side: 'sell'}, 'filled', '55', '101'));
	s.broker.submitOrder(order);
	for (let i = 0; i < 5; i++) await settle();
	assert.deepEqual(s.kinds(), ['rejected:r-sc-AAPL-buy-4']);
	assert.equal(s.events[0]!.atSubmission, true);
	assert.equal(s.events[0]!.message, 'client order id already used by another order');
	assert.equal(s.rest.calls.post, 1, 'not sent again');
	assert.ok(
		s.logs.some(l => /the client order id is taken by another order at Alpaca \(AAPL sell 55 limit\); not placed/.test(l)),
		s.logs.join('\n'),
	);
});

/** An SDK trading socket that opens but never authenticates (its answer was lost). */
class MuteSocket extends EventEmitter {
	state = 'disconnected';
	connects = 0;
	disconnects = 0;
	onTradeUpdate(fn: (u: unknown) => void) {
		this.on('trade_update', fn);
	}
	onStateChange(fn: (s: string) => void) {
		this.on('state_change', fn);
	}
	onError(fn: (m: string) => void) {
		this.on('client_error', fn);
	}
	getState() {
		return this.state;
	}
	subscribeTradeUpdates() {}
	connect() {
		this.connects += 1;
		this.set('connecting');
		this.set('connected');
	}
	disconnect() {
		this.disconnects += 1;
		this.set('disconnected');
	}
	authenticate() {
		this.set('authenticated');
		this.emit('subscription', ['trade_updates']);
	}
	private set(state: string) {
		this.state = state;
		this.emit('state_change', state);
	}
}

test('a trade-updates socket that never authenticates is replaced after stuckMs', async () => {
	let now = 0;
	const socket = new MuteSocket();
	const logs: string[] = [];
	const stream = new TradeStream(socket as unknown as streaming.TradingStream, {
		log: (level, message) => void logs.push(`${level}: ${message}`),
		url: 'ws://test/stream',
		stuckMs: 10_000,
		checkEveryMs: 0,
		now: () => now,
	});
	const started = stream.start();
	assert.equal(stream.state, 'connecting');
	now = 9_000;
	assert.equal(stream.checkHandshake(), false, 'still within patience');
	now = 10_500;
	assert.equal(stream.checkHandshake(), true);
	assert.equal(socket.disconnects, 1);
	assert.equal(socket.connects, 2);
	assert.match(logs.at(-1)!, /^warn: trade-updates stream not connected after 11 s: opening a new socket$/);
	socket.authenticate();
	await started;
	assert.equal(stream.state, 'connected');
	now = 100_000;
	assert.equal(stream.checkHandshake(), false, 'a subscribed socket is left alone');
	stream.stop();
});
