/**
 * The broker contract against the Alpaca adapter, through the real SDK, talking to `emulate`
 * on a random loopback port (manual clock; the suite moves the exchange underneath).
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createAlpaca, type AlpacaAdapter, type CreateAlpacaOptions} from '../../source/adapters/alpaca/index.js';
import {resolveAlpacaConfig} from '../../source/adapters/alpaca/config.js';
import {dollarsToMicros} from '../../source/core/money.js';
import {nyMidnight, nyTime} from '../../source/core/time.js';
import type {Bar, OrderEvent, Quote, Trade} from '../../source/core/types.js';
import type {ConnectionState} from '../../source/ports/market-data.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulate/server.js';
import {simExchangeDriver, testBroker} from './contract.js';

const KEYS = {keyId: 'PKCONTRACT01', secret: 'contract-secret-7f3a9c'};
const DATE = '2019-02-11';

/** Minute i of the session: open = price + i x 0.10, high +0.50, low -0.50, close +0.20. */
function bars(symbol: string, price: number, count = 5): Bar[] {
	const out: Bar[] = [];
	for (let i = 0; i < count; i++) {
		const open = Math.round((price + i * 0.1) * 100) / 100;
		out.push({
			symbol,
			start: nyTime(DATE, 9, 30 + i),
			open: dollarsToMicros(open),
			high: dollarsToMicros(open + 0.5),
			low: dollarsToMicros(open - 0.5),
			close: dollarsToMicros(open + 0.2),
			volume: 1000 + i,
		});
	}
	return out;
}

async function startContractEmulator(count = 5): Promise<EmulatorHandle> {
	return startEmulator({
		bars: new Map([
			['AAPL', bars('AAPL', 100, count)],
			['MSFT', bars('MSFT', 50, count)],
		]),
		keys: KEYS,
		manualClock: true,
		rateLimitPerMinute: 0,
		cash: 100_000,
	});
}

function adapterFor(handle: EmulatorHandle, secret = KEYS.secret, logs: string[] = [], extra: Partial<CreateAlpacaOptions> = {}): AlpacaAdapter {
	const config = resolveAlpacaConfig({
		env: {APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: secret, APCA_API_BASE_URL: handle.baseUrl, APCA_API_DATA_URL: handle.dataUrl},
		envFile: false,
	});
	return createAlpaca(config, {
		log: (level, message) => logs.push(`${level}: ${message}`),
		timeoutMs: 2000,
		rateLimit: {random: () => 0, baseBackoffMs: 10, maxBackoffMs: 100, retryAfterJitterMs: 0},
		streams: {reconnectInitialMs: 20, reconnectMaxMs: 200},
		broker: {lookupDelaysMs: [10, 20, 50], cancelConfirmMs: 1000},
		startTimeoutMs: 5000,
		...extra,
	});
}

testBroker('alpaca', async () => {
	const handle = await startContractEmulator();
	const alpaca = adapterFor(handle);
	await alpaca.checkCredentials();
	await alpaca.broker.start();
	const driver = simExchangeDriver(handle.exchange, ['AAPL', 'MSFT'], dollarsToMicros(100_000), {
		idle: () => handle.whenIdle(WAIT_MS),
		dropTradeStream: () => {
			handle.faults.dropTradeStream();
		},
		nextReconnect: () =>
			new Promise<void>(resolve => {
				const off = alpaca.broker.onReconnected(() => {
					off();
					resolve();
				});
			}),
		rateLimitNext: count => handle.faults.failRequests(count, 429),
		rateLimitedCount: () => alpaca.limiter.stats.rateLimited,
		badKeys: async () => {
			const secret = 'wrong-secret-0d9e8f';
			const bad = adapterFor(handle, secret);
			try {
				await bad.checkCredentials();
				return {message: 'accepted (wrong: the keys should have been refused)', secret};
			} catch (error) {
				return {message: (error as Error).message, secret};
			} finally {
				await bad.close();
			}
		},
	});
	return {
		broker: alpaca.broker,
		driver,
		close: async () => {
			await alpaca.close();
			await handle.close();
		},
	};
});

// --- adapter-specific behaviour against the emulator ---------------------------------------

const WAIT_MS = 8000;

async function until<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
	const deadline = Date.now() + WAIT_MS;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** Nothing more on its way: no request in flight, no held update, every frame handled by the client. */
async function quiet(handle: EmulatorHandle): Promise<void> {
	await handle.whenIdle(WAIT_MS);
}

interface Feed {
	bars: Bar[];
	quotes: Quote[];
	trades: Trade[];
	states: ConnectionState[];
}

async function withMarketData(
	count: number,
	extra: Partial<CreateAlpacaOptions>,
	body: (ctx: {handle: EmulatorHandle; alpaca: AlpacaAdapter; feed: Feed; logs: string[]}) => Promise<void>,
): Promise<void> {
	const handle = await startContractEmulator(count);
	const logs: string[] = [];
	const alpaca = adapterFor(handle, KEYS.secret, logs, extra);
	const feed: Feed = {bars: [], quotes: [], trades: [], states: []};
	alpaca.marketData.onConnectionState(state => feed.states.push(state));
	try {
		await alpaca.marketData.start(
			{bars: ['AAPL', 'MSFT'], quotes: [], trades: ['AAPL']},
			{onBar: bar => feed.bars.push(bar), onQuote: quote => feed.quotes.push(quote), onTrade: trade => feed.trades.push(trade)},
		);
		await body({handle, alpaca, feed, logs});
	} finally {
		await alpaca.close();
		await handle.close();
	}
	for (const line of logs) assert.ok(!line.includes(KEYS.secret), `secret in a log line: ${line}`);
}

const starts = (feed: Feed, symbol: string): number[] => feed.bars.filter(b => b.symbol === symbol).map(b => b.start);
const minute = (i: number): number => nyTime(DATE, 9, 30 + i);

test('market data: streamed bars and trades arrive as exact core events; session bars paginate', async () => {
	await withMarketData(6, {barsPageLimit: 2}, async ({handle, alpaca, feed}) => {
		assert.equal(feed.states.at(-1), 'connected');
		handle.step();
		handle.step();
		handle.step();
		await until(() => feed.bars.length === 6, '6 bars');
		assert.deepEqual(starts(feed, 'AAPL'), [minute(0), minute(1), minute(2)]);
		assert.deepEqual(starts(feed, 'MSFT'), [minute(0), minute(1), minute(2)]);
		assert.deepEqual(
			feed.bars.find(b => b.symbol === 'AAPL' && b.start === minute(1)),
			{
				symbol: 'AAPL',
				start: minute(1),
				open: 100_100_000,
				high: 100_600_000,
				low: 99_600_000,
				close: 100_300_000,
				volume: 1001,
			},
		);
		await until(() => feed.trades.length === 3, '3 AAPL trades');
		assert.ok(
			feed.trades.every(t => t.symbol === 'AAPL' && Number.isSafeInteger(t.price) && t.size > 0),
			'AAPL trades with exact prices',
		);
		assert.equal(alpaca.marketData.lastPrice('AAPL'), feed.trades.at(-1)!.price);
		assert.equal(alpaca.marketData.lastPrice('MSFT'), 50_400_000, 'bar close when trades are not subscribed');
		const calls = alpaca.limiter.stats.calls;
		const rest = await alpaca.marketData.loadSessionBars('AAPL', nyMidnight(DATE), minute(60));
		assert.deepEqual(
			rest,
			feed.bars.filter(b => b.symbol === 'AAPL'),
		);
		assert.equal(alpaca.limiter.stats.calls - calls, 2, 'three bars at two per page: two requests');
	});
});

test('market data: the server drops the socket; bars missed meanwhile come from REST first, in order, once', async () => {
	await withMarketData(8, {}, async ({handle, alpaca, feed, logs}) => {
		handle.step();
		await until(() => feed.bars.length === 2, 'the first bars');
		const reconnected = new Promise<void>(resolve => {
			const off = alpaca.marketData.onReconnected(() => {
				off();
				resolve();
			});
		});
		handle.faults.dropDataStream();
		handle.step(); // published to nobody
		handle.step();
		await reconnected;
		handle.step();
		await until(() => feed.bars.length === 8, 'all 4 minutes of both symbols');
		await quiet(handle);
		assert.deepEqual(starts(feed, 'AAPL'), [minute(0), minute(1), minute(2), minute(3)]);
		assert.deepEqual(starts(feed, 'MSFT'), [minute(0), minute(1), minute(2), minute(3)]);
		assert.ok(feed.states.includes('reconnecting'), `states: ${feed.states.join(', ')}`);
		assert.equal(feed.states.at(-1), 'connected');
		assert.ok(
			logs.some(l => /AAPL: 2 missed bars filled from REST/.test(l)),
			'the gap fill is logged',
		);
	});
});

test('market data: a silent socket while the market is open is treated as dead and replaced', async () => {
	await withMarketData(8, {watchdog: {silenceMs: 150, checkEveryMs: 20}}, async ({handle, alpaca, feed, logs}) => {
		assert.equal(await alpaca.hours.refresh().then(c => c.isOpen), true);
		handle.step();
		await until(() => feed.bars.length === 2, 'the first bars');
		const reconnected = new Promise<void>(resolve => {
			const off = alpaca.marketData.onReconnected(() => {
				off();
				resolve();
			});
		});
		handle.faults.silenceDataStream(true);
		await until(() => alpaca.marketData.restarts >= 1, 'a watchdog restart');
		handle.faults.silenceDataStream(false);
		await reconnected;
		handle.step();
		await until(() => feed.bars.length === 4, 'bars after the new socket');
		assert.ok(
			logs.some(l => /market-data stream silent for \d+ s while the market is open/.test(l)),
			'the silence is logged',
		);
		assert.deepEqual(starts(feed, 'AAPL'), [minute(0), minute(1)]);
	});
});

async function withBroker(
	extra: Partial<CreateAlpacaOptions>,
	body: (ctx: {handle: EmulatorHandle; alpaca: AlpacaAdapter; events: OrderEvent[]; logs: string[]}) => Promise<void>,
): Promise<void> {
	const handle = await startContractEmulator();
	const logs: string[] = [];
	const alpaca = adapterFor(handle, KEYS.secret, logs, extra);
	const events: OrderEvent[] = [];
	alpaca.broker.onOrderEvent(e => events.push(e));
	try {
		await alpaca.broker.start();
		for (const symbol of ['AAPL', 'MSFT']) handle.exchange.setLastPrice(symbol, dollarsToMicros(100));
		await body({handle, alpaca, events, logs});
	} finally {
		await alpaca.close();
		await handle.close();
	}
	for (const line of logs) assert.ok(!line.includes(KEYS.secret), `secret in a log line: ${line}`);
}

function matchAt(handle: EmulatorHandle, symbol: string, open: number, low: number): void {
	const ex = handle.exchange;
	const start = ex.time;
	ex.setTime(start + 60_000);
	ex.matchBar({
		symbol,
		start,
		open: dollarsToMicros(open),
		high: dollarsToMicros(open + 1),
		low: dollarsToMicros(low),
		close: dollarsToMicros(open),
		volume: 100,
	});
}

let seq = 0;
const cid = (): string => `emu${process.pid}-mn-AAPL-buy-${++seq}`;

test('trade updates duplicated, reordered and split: every share reported once, exact notional', async () => {
	await withBroker({}, async ({handle, alpaca, events}) => {
		handle.faults.duplicateTradeUpdates(true);
		handle.faults.reorderTradeUpdates(true);
		handle.faults.partialFills({qty: 3});
		const id = cid();
		alpaca.broker.submitOrder({symbol: 'AAPL', side: 'buy', type: 'limit', qty: 10, limitPrice: dollarsToMicros(99), timeInForce: 'day', clientOrderId: id});
		await until(() => events.some(e => e.event === 'new'), 'new');
		matchAt(handle, 'AAPL', 98.5, 98);
		await until(() => events.some(e => e.event === 'fill'), 'fill');
		await quiet(handle); // the emulator's reordered (held) updates delivered too
		const mine = events.filter(e => e.order.clientOrderId === id);
		assert.deepEqual(
			mine.map(e => e.event),
			['new', 'partial_fill', 'fill'],
		);
		assert.deepEqual(
			mine.slice(1).map(e => [e.fillQty, e.fillPrice]),
			[
				[3, 98_500_000],
				[7, 98_500_000],
			],
		);
		assert.equal(mine.at(-1)!.order.filledNotional, 985_000_000);
		assert.equal(mine.at(-1)!.positionQty, 10);
		assert.deepEqual(alpaca.broker.position('AAPL'), {symbol: 'AAPL', qty: 10, costBasis: 985_000_000});
	});
});

test('a POST whose reply is lost past the timeout is found by client order id, never placed twice', async () => {
	await withBroker({timeoutMs: 300}, async ({handle, alpaca, events, logs}) => {
		handle.faults.slowResponses(1, 1500);
		handle.faults.delayTradeUpdates(1000); // the stream must not tell us first
		const id = cid();
		alpaca.broker.submitOrder({symbol: 'AAPL', side: 'buy', type: 'limit', qty: 4, limitPrice: dollarsToMicros(90), timeInForce: 'day', clientOrderId: id});
		await until(() => events.some(e => e.event === 'new'), 'new');
		await quiet(handle);
		assert.deepEqual(
			events.map(e => e.event),
			['new'],
		);
		assert.deepEqual(
			handle.exchange.state().openOrders.map(o => o.clientOrderId),
			[id],
		);
		assert.ok(
			logs.some(l => /no answer to the POST \(request timed out\); looking it up by client order id/.test(l)),
			`logs: ${logs.join(' | ')}`,
		);
	});
});

test('a 500 on the POST: looked up, not found, resent with the same client order id, placed once', async () => {
	await withBroker({}, async ({handle, alpaca, events}) => {
		handle.faults.failRequests(1, 500, {method: 'POST', path: '/v2/orders'});
		const id = cid();
		alpaca.broker.submitOrder({symbol: 'AAPL', side: 'buy', type: 'limit', qty: 4, limitPrice: dollarsToMicros(90), timeInForce: 'day', clientOrderId: id});
		await until(() => events.some(e => e.event === 'new'), 'new');
		await quiet(handle);
		assert.deepEqual(
			events.map(e => e.event),
			['new'],
		);
		assert.deepEqual(
			handle.exchange.state().openOrders.map(o => o.clientOrderId),
			[id],
		);
	});
});

test('an order accepted and then rejected by a trade update', async () => {
	await withBroker({}, async ({handle, alpaca, events}) => {
		handle.faults.rejectOrders(1, {mode: 'event'});
		const id = cid();
		alpaca.broker.submitOrder({symbol: 'AAPL', side: 'buy', type: 'limit', qty: 4, limitPrice: dollarsToMicros(90), timeInForce: 'day', clientOrderId: id});
		await until(() => events.some(e => e.event === 'rejected'), 'rejected');
		assert.deepEqual(
			events.map(e => [e.event, e.atSubmission]),
			[
				['new', false],
				['rejected', false],
			],
		);
	});
});

test('clock, calendar and account from the server', async () => {
	await withBroker({}, async ({alpaca}) => {
		const account = await alpaca.checkCredentials();
		assert.equal(account.cash, 100_000_000_000);
		assert.equal(account.status, 'ACTIVE');
		const clock = await alpaca.rest.clock();
		assert.equal(clock.isOpen, true);
		assert.equal(clock.ms, nyTime(DATE, 9, 30));
		const days = await alpaca.rest.calendar(DATE, DATE);
		assert.equal(days.length, 1);
		assert.equal(days[0]!.date, DATE);
		assert.equal(days[0]!.openMs, nyTime(DATE, 9, 30));
		assert.equal(alpaca.hours.isOpen(), true);
	});
});

test('streams refuse bad keys with one line; nothing printed anywhere shows the secret', async () => {
	const handle = await startContractEmulator();
	const secret = 'stream-bad-secret-41c7';
	const logs: string[] = [];
	const printed: string[] = [];
	const original = {out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr)};
	const capture =
		(sink: (chunk: string | Uint8Array, ...rest: never[]) => boolean) =>
		(chunk: string | Uint8Array, ...rest: never[]): boolean => {
			printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
			return sink(chunk, ...rest);
		};
	process.stdout.write = capture(original.out) as typeof process.stdout.write;
	process.stderr.write = capture(original.err) as typeof process.stderr.write;
	const alpaca = adapterFor(handle, secret, logs);
	try {
		const tradeError = await alpaca.broker.start().then(
			() => null,
			(e: Error) => e.message,
		);
		assert.ok(tradeError, 'the trade-updates stream must refuse the keys');
		assert.match(tradeError, /trade-updates stream at ws:\/\/127\.0\.0\.1:\d+\/stream refused the API keys: check APCA_API_KEY_ID \/ APCA_API_SECRET_KEY/);
		const dataError = await alpaca.marketData.start({bars: ['AAPL'], quotes: [], trades: []}, {onBar() {}, onQuote() {}, onTrade() {}}).then(
			() => null,
			(e: Error) => e.message,
		);
		assert.ok(dataError, 'the market-data stream must refuse the keys');
		assert.match(dataError, /market-data stream at .* refused the API keys/);
		const restError = await alpaca.checkCredentials().then(
			() => null,
			(e: Error) => e.message,
		);
		assert.match(restError ?? '', /^Alpaca rejected the API keys \(403 /);
		alpaca.broker.submitOrder({symbol: 'AAPL', side: 'buy', type: 'limit', qty: 1, limitPrice: dollarsToMicros(90), timeInForce: 'day', clientOrderId: cid()});
		await quiet(handle);
		for (const text of [tradeError, dataError, restError ?? '', ...logs]) assert.doesNotMatch(text, /\n/, 'one line each');
		// Everything the process wrote meanwhile (the test runner's own reports included).
		for (const text of [tradeError, dataError, restError ?? '', ...logs, ...printed]) assert.ok(!text.includes(secret), `secret leaked: ${text}`);
		assert.ok(logs.length > 0, 'the refusals were logged');
		assert.equal(alpaca.broker.connectionState, 'disconnected');
	} finally {
		process.stdout.write = original.out as typeof process.stdout.write;
		process.stderr.write = original.err as typeof process.stderr.write;
		await alpaca.close();
		await handle.close();
	}
});
