/**
 * The broker contract: one suite every Broker implementation runs (the sim broker directly,
 * the Alpaca adapter through the real SDK against `emulate`). The suite moves the market and
 * reads the broker-side truth through a small driver; outcomes are awaited as events, since a
 * network broker reports them later than the call that caused them.
 *
 * Network-only cases (sockets dropped by the server, 429 back-off, bad keys) run when the
 * driver offers `network`, and are skipped with a reason otherwise.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {dollarsToMicros, type Micros} from '../../source/core/money.js';
import {MINUTE_MS} from '../../source/core/time.js';
import type {Bar, BrokerState, Order, OrderEvent, OrderEventKind, OrderRequest} from '../../source/core/types.js';
import type {SimExchange} from '../../source/adapters/sim/exchange.js';
import type {Broker} from '../../source/ports/broker.js';

/** How the suite moves the market and reads what the exchange holds. */
export interface BrokerDriver {
	/** Two symbols the broker can trade (their last price starts at $100.00). */
	readonly symbols: readonly [string, string];
	/** Starting cash of the account. */
	readonly startingCash: Micros;
	/**
	 * The next minute bar of `symbol` arrives: its close becomes the last price, and resting
	 * orders submitted before it are matched against it. Time moves one minute.
	 */
	bar(symbol: string, prices: {open: number; high: number; low: number; close: number}): Promise<void>;
	/** Top of book that IOC orders fill against (tick mode). */
	quote(symbol: string, bid: number, bidSize: number, ask: number, askSize: number): Promise<void>;
	/** The exchange's own view (the truth the broker must agree with). */
	truth(): BrokerState;
	/** Only a network broker has these. */
	readonly network?: NetworkDriver;
}

export interface NetworkDriver {
	/** The server drops the trade-updates socket (the broker must reconnect and reconcile). */
	dropTradeStream(): void;
	/** Resolves once nothing is on its way (no request in flight, every frame handled by the broker). */
	idle(): Promise<void>;
	/** Resolves after the broker's next reconnect (and its reconciliation). */
	nextReconnect(): Promise<void>;
	/** The next `count` REST requests are answered 429. */
	rateLimitNext(count: number): void;
	/** 429 replies the broker has met so far. */
	rateLimitedCount(): number;
	/**
	 * Check the keys of a broker built with a wrong secret; resolves with the error message
	 * and the secret that was used (which must not appear in it).
	 */
	badKeys(): Promise<{message: string; secret: string}>;
}

export interface BrokerUnderTest {
	readonly broker: Broker;
	readonly driver: BrokerDriver;
	close(): Promise<void>;
}

const WAIT_MS = 8000;

/**
 * Collects a broker's events; lets a test wait for the one it expects. Every look first lets
 * a broker that holds events back deliver them, as the engine does after each input.
 */
class EventLog {
	readonly events: OrderEvent[] = [];

	constructor(private readonly broker: Broker) {
		broker.onOrderEvent(event => this.events.push(event));
	}

	of(clientOrderId: string): OrderEvent[] {
		this.broker.flushEvents?.();
		return this.events.filter(e => e.order.clientOrderId === clientOrderId);
	}

	kinds(clientOrderId: string): OrderEventKind[] {
		return this.of(clientOrderId).map(e => e.event);
	}

	async waitFor(clientOrderId: string, kind: OrderEventKind): Promise<OrderEvent> {
		const found = await until(
			() => this.of(clientOrderId).find(e => e.event === kind),
			`${kind} event for ${clientOrderId} (got: ${this.kinds(clientOrderId).join(', ') || 'nothing'})`,
		);
		return found;
	}
}

/** Poll until `probe` returns a value (a bound on waiting, never a timing assertion). */
async function until<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** Let in-flight replies and updates land (events that should NOT come have had their chance). */
async function quiet(driver: BrokerDriver): Promise<void> {
	// A network broker: until its server is idle. The simulated one delivers synchronously
	// (held events come at the EventLog's flush): one turn of the event loop is plenty.
	if (driver.network) await driver.network.idle();
	else await new Promise(resolve => setImmediate(resolve));
}

const $ = dollarsToMicros;
let sequence = 0;

function order(symbol: string, side: 'buy' | 'sell', qty: number, limit: number | null, timeInForce: OrderRequest['timeInForce'] = 'day'): OrderRequest {
	sequence += 1;
	return {
		symbol,
		side,
		type: limit === null ? 'market' : 'limit',
		qty,
		limitPrice: limit === null ? null : $(limit),
		timeInForce,
		clientOrderId: `ct${process.pid}-mn-${symbol}-${side}-${sequence}`,
	};
}

function openIds(state: BrokerState): string[] {
	return state.openOrders.map((o: Order) => o.clientOrderId).sort();
}

export function testBroker(name: string, make: () => Promise<BrokerUnderTest>): void {
	const run = (title: string, body: (t: BrokerUnderTest, log: EventLog) => Promise<void>, needsNetwork = false): void => {
		test(`${name}: ${title}`, async context => {
			const subject = await make();
			try {
				if (needsNetwork && !subject.driver.network) {
					context.skip('no sockets or HTTP: nothing to drop, limit or refuse');
					return;
				}
				await body(subject, new EventLog(subject.broker));
			} finally {
				await subject.close();
			}
		});
	};

	run('submit: a resting limit order is acknowledged and listed as open', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		const r = order(sym, 'buy', 10, 99);
		broker.submitOrder(r);
		const ack = await log.waitFor(r.clientOrderId, 'new');
		assert.equal(ack.atSubmission, false);
		assert.equal(ack.order.symbol, sym);
		assert.equal(ack.order.qty, 10);
		assert.equal(ack.order.limitPrice, $(99));
		assert.notEqual(ack.order.id, '');
		const state = await broker.loadState();
		assert.deepEqual(openIds(state), [r.clientOrderId]);
		const open = state.openOrders[0]!;
		assert.equal(open.id, ack.order.id);
		assert.equal(open.filledQty, 0);
		assert.equal(open.side, 'buy');
		assert.equal(open.type, 'limit');
		assert.deepEqual(openIds(driver.truth()), [r.clientOrderId]);
		await quiet(driver);
		assert.deepEqual(log.kinds(r.clientOrderId), ['new'], 'acknowledged exactly once');
	});

	run('submit: an accepted order is heard of only after submitOrder returned (an IOC filled at once too)', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		await driver.quote(sym, 99.99, 300, 100, 40);
		const r = order(sym, 'buy', 100, 100, 'ioc');
		let during = 0;
		let placing = true;
		broker.onOrderEvent(() => {
			if (placing) during += 1;
		});
		broker.submitOrder(r);
		placing = false;
		assert.equal(during, 0, 'no event inside the submit call');
		await log.waitFor(r.clientOrderId, 'canceled');
		assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'partial_fill', 'canceled']);
	});

	run('fill: a bar trading through the limit fills it at min(limit, open)', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		const r = order(sym, 'buy', 10, 99);
		broker.submitOrder(r);
		await log.waitFor(r.clientOrderId, 'new');
		await driver.bar(sym, {open: 100, high: 100.5, low: 99.5, close: 100});
		await quiet(driver);
		assert.deepEqual(log.kinds(r.clientOrderId), ['new'], 'no fill while the low stays above the limit');
		await driver.bar(sym, {open: 98.75, high: 99.2, low: 98.5, close: 99.1});
		const fill = await log.waitFor(r.clientOrderId, 'fill');
		assert.equal(fill.fillQty, 10);
		assert.equal(fill.fillPrice, $(98.75));
		assert.equal(fill.positionQty, 10);
		assert.equal(fill.order.filledQty, 10);
		assert.equal(fill.order.filledNotional, $(987.5));
		assert.equal(fill.order.status, 'filled');
		const state = await broker.loadState();
		assert.deepEqual(openIds(state), []);
		assert.deepEqual(state.positions, [{symbol: sym, qty: 10, costBasis: $(987.5)}]);
		assert.equal(state.cash, driver.startingCash - $(987.5));
		// last_equity is the broker's own figure (Alpaca has one, SIM none): yesterday's close,
		// untouched by today's fill.
		const {lastEquity, ...rest} = state;
		assert.ok(lastEquity === undefined || lastEquity === driver.startingCash, `last equity ${lastEquity}`);
		assert.deepEqual(rest, driver.truth());
		await quiet(driver);
		assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'fill'], 'one fill, reported once');
	});

	run('fill: a market order fills at the next bar open', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		await driver.bar(sym, {open: 100, high: 100, low: 100, close: 100});
		const r = order(sym, 'buy', 5, null);
		broker.submitOrder(r);
		await log.waitFor(r.clientOrderId, 'new');
		await driver.bar(sym, {open: 101.25, high: 102, low: 101, close: 101.5});
		const fill = await log.waitFor(r.clientOrderId, 'fill');
		assert.equal(fill.fillQty, 5);
		assert.equal(fill.fillPrice, $(101.25));
		assert.equal(fill.order.limitPrice, null);
		assert.equal(fill.order.type, 'market');
	});

	run('partial fill: an IOC buy takes the displayed size, the rest is canceled', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		await driver.quote(sym, 99.99, 300, 100, 40);
		const r = order(sym, 'buy', 100, 100, 'ioc');
		broker.submitOrder(r);
		const partial = await log.waitFor(r.clientOrderId, 'partial_fill');
		const canceled = await log.waitFor(r.clientOrderId, 'canceled');
		assert.equal(partial.fillQty, 40);
		assert.equal(partial.fillPrice, $(100));
		assert.equal(partial.positionQty, 40);
		assert.equal(partial.order.filledQty, 40);
		assert.equal(canceled.order.filledQty, 40);
		assert.equal(canceled.positionQty, 40);
		assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'partial_fill', 'canceled']);
		const state = await broker.loadState();
		assert.deepEqual(state.positions, [{symbol: sym, qty: 40, costBasis: $(4000)}]);
		assert.deepEqual(openIds(state), []);
	});

	run('cancel: a resting order is canceled by client order id', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		const r = order(sym, 'buy', 10, 90);
		broker.submitOrder(r);
		await log.waitFor(r.clientOrderId, 'new');
		broker.cancelOrder(r.clientOrderId);
		const canceled = await log.waitFor(r.clientOrderId, 'canceled');
		assert.equal(canceled.order.status, 'canceled');
		assert.equal(canceled.order.filledQty, 0);
		assert.deepEqual(openIds(await broker.loadState()), []);
		assert.deepEqual(openIds(driver.truth()), []);
		// A bar that would have filled it changes nothing now.
		await driver.bar(sym, {open: 89, high: 89, low: 88, close: 89});
		await quiet(driver);
		assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'canceled']);
		assert.deepEqual(driver.truth().positions, []);
	});

	run('cancel: asked at once after the submit (before any acknowledgement) still cancels', async ({broker, driver}, log) => {
		const [, sym] = driver.symbols;
		const r = order(sym, 'buy', 3, 95);
		broker.submitOrder(r);
		broker.cancelOrder(r.clientOrderId);
		await log.waitFor(r.clientOrderId, 'canceled');
		assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'canceled']);
		assert.deepEqual(openIds(driver.truth()), []);
	});

	run('reject: an order beyond buying power is refused at submission with a clear message', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		const qty = Math.floor(driver.startingCash / $(99)) + 10;
		const r = order(sym, 'buy', qty, 99);
		broker.submitOrder(r);
		const rejected = await log.waitFor(r.clientOrderId, 'rejected');
		assert.equal(rejected.atSubmission, true);
		assert.match(rejected.message ?? '', /buying power/);
		assert.equal(rejected.order.status, 'rejected');
		await quiet(driver);
		assert.deepEqual(log.kinds(r.clientOrderId), ['rejected']);
		assert.deepEqual(openIds(await broker.loadState()), []);
		assert.equal(driver.truth().cash, driver.startingCash);
	});

	run('reject: selling more than is held, or nothing at all, is refused at submission', async ({broker, driver}, log) => {
		const [sym] = driver.symbols;
		const oversell = order(sym, 'sell', 5, 100);
		broker.submitOrder(oversell);
		const rejected = await log.waitFor(oversell.clientOrderId, 'rejected');
		assert.equal(rejected.atSubmission, true);
		assert.match(rejected.message ?? '', /qty/);
		const zero = order(sym, 'buy', 0, 100);
		broker.submitOrder(zero);
		const refused = await log.waitFor(zero.clientOrderId, 'rejected');
		assert.equal(refused.atSubmission, true);
		assert.match(refused.message ?? '', /qty/);
		assert.deepEqual(driver.truth().openOrders, []);
	});

	run('positions: buys and sells net out, cost basis at average cost, cash follows', async ({broker, driver}, log) => {
		const [a, b] = driver.symbols;
		const buyA = order(a, 'buy', 10, 99);
		const buyB = order(b, 'buy', 4, 50);
		broker.submitOrder(buyA);
		broker.submitOrder(buyB);
		await log.waitFor(buyA.clientOrderId, 'new');
		await log.waitFor(buyB.clientOrderId, 'new');
		await driver.bar(a, {open: 99, high: 99.5, low: 98, close: 99});
		await driver.bar(b, {open: 49.5, high: 50, low: 49, close: 49.75});
		await log.waitFor(buyA.clientOrderId, 'fill');
		await log.waitFor(buyB.clientOrderId, 'fill');
		const sellA = order(a, 'sell', 4, 101);
		broker.submitOrder(sellA);
		await log.waitFor(sellA.clientOrderId, 'new');
		await driver.bar(a, {open: 100.5, high: 101.5, low: 100, close: 101});
		const sold = await log.waitFor(sellA.clientOrderId, 'fill');
		assert.equal(sold.fillPrice, $(101));
		assert.equal(sold.positionQty, 6);
		const state = await broker.loadState();
		assert.deepEqual(
			state.positions,
			[
				{symbol: a, qty: 6, costBasis: $(594)},
				{symbol: b, qty: 4, costBasis: $(198)},
			].sort((x, y) => (x.symbol < y.symbol ? -1 : 1)),
		);
		assert.equal(state.cash, driver.startingCash - $(990) - $(198) + $(404));
		assert.deepEqual(state.positions, driver.truth().positions);
		assert.equal(state.cash, driver.truth().cash);
	});

	run(
		'reconnect: the server drops the trade-updates socket; a fill made meanwhile is reported once after reconnecting',
		async ({broker, driver}, log) => {
			const network = driver.network!;
			const [sym] = driver.symbols;
			const r = order(sym, 'buy', 7, 99);
			broker.submitOrder(r);
			await log.waitFor(r.clientOrderId, 'new');
			const reconnected = network.nextReconnect();
			network.dropTradeStream();
			// Filled while nobody listens: the update is lost on the wire.
			await driver.bar(sym, {open: 98, high: 99, low: 97.5, close: 98.5});
			await reconnected;
			const fill = await log.waitFor(r.clientOrderId, 'fill');
			assert.equal(fill.fillQty, 7);
			assert.equal(fill.fillPrice, $(98));
			assert.equal(fill.order.filledNotional, $(686));
			const state = await broker.loadState();
			assert.deepEqual(state.positions, [{symbol: sym, qty: 7, costBasis: $(686)}]);
			// The stream works again afterwards.
			const next = order(sym, 'sell', 7, 99);
			broker.submitOrder(next);
			await log.waitFor(next.clientOrderId, 'new');
			await driver.bar(sym, {open: 99.5, high: 100, low: 99, close: 99.5});
			await log.waitFor(next.clientOrderId, 'fill');
			await quiet(driver);
			assert.deepEqual(log.kinds(r.clientOrderId), ['new', 'fill']);
			assert.deepEqual(log.kinds(next.clientOrderId), ['new', 'fill']);
		},
		true,
	);

	run(
		'429: the broker backs off and the order still goes through, once',
		async ({broker, driver}, log) => {
			const network = driver.network!;
			const [sym] = driver.symbols;
			const before = network.rateLimitedCount();
			network.rateLimitNext(2);
			const r = order(sym, 'buy', 2, 99);
			broker.submitOrder(r);
			await log.waitFor(r.clientOrderId, 'new');
			assert.ok(network.rateLimitedCount() - before >= 2, 'the 429s were met and waited out');
			await quiet(driver);
			assert.deepEqual(openIds(driver.truth()), [r.clientOrderId], 'exactly one order at the exchange');
			assert.deepEqual(log.kinds(r.clientOrderId), ['new']);
		},
		true,
	);

	run(
		'bad keys: refused with one clear line that never shows the secret',
		async ({driver}) => {
			const {message, secret} = await driver.network!.badKeys();
			assert.doesNotMatch(message, /\n/);
			assert.match(message, /APCA_API_KEY_ID|API keys/);
			assert.ok(!message.includes(secret), 'the secret must not appear');
		},
		true,
	);
}

/**
 * The driver over a SimExchange, which both brokers sit on (the sim broker directly, the
 * emulator behind HTTP): bars and quotes go straight into the exchange, whose events the
 * emulator turns into trade updates. Time starts at the exchange's current time.
 */
export function simExchangeDriver(exchange: SimExchange, symbols: readonly [string, string], startingCash: Micros, network?: NetworkDriver): BrokerDriver {
	for (const symbol of symbols) exchange.setLastPrice(symbol, $(100));
	return {
		symbols,
		startingCash,
		async bar(symbol, prices) {
			const start = exchange.time;
			const bar: Bar = {symbol, start, open: $(prices.open), high: $(prices.high), low: $(prices.low), close: $(prices.close), volume: 1000};
			exchange.setTime(start + MINUTE_MS);
			exchange.setLastPrice(symbol, bar.close);
			exchange.matchBar(bar);
		},
		async quote(symbol, bid, bidSize, ask, askSize) {
			exchange.setQuote({symbol, ms: exchange.time, ns: 0, bidPrice: $(bid), bidSize, askPrice: $(ask), askSize});
		},
		truth: () => exchange.state(),
		...(network ? {network} : {}),
	};
}
