/**
 * The real SDK v4.0.2, unchanged, against the emulator: REST through a fetch rewrite, both
 * streams through their `url` option. A limit order is placed, the replay is stepped by hand,
 * and the fill arrives over trade updates while the bar arrives over the msgpack data stream.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {Alpaca, PermissionError, ValidationError, NotFoundError, AuthError, TimeFrame} from '@alpacahq/alpaca-trade-api';
import type {EmulatorHandle} from '../../source/emulate/server.js';
import {DAY1, KEYS, startTestEmulator} from './_support.js';

function rewriteToEmulator(handle: EmulatorHandle): (url: string) => string {
	return url => {
		const parsed = new URL(url);
		return `${handle.baseUrl}${parsed.pathname}${parsed.search}`;
	};
}

function client(handle: EmulatorHandle, keys: {keyId: string; secret: string} = KEYS): Alpaca {
	const rewrite = rewriteToEmulator(handle);
	return new Alpaca({
		keyId: keys.keyId,
		secret: keys.secret,
		paper: true,
		retry: false,
		rateLimit: false,
		fetchApi: (url: string | URL | Request, init?: RequestInit) => fetch(rewrite(String(url)), init),
	} as ConstructorParameters<typeof Alpaca>[0]);
}

function eventually<T>(register: (resolve: (value: T) => void) => void, what: string, ms = 5000): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
		register(value => {
			clearTimeout(timer);
			resolve(value);
		});
	});
}

test('SDK: account, clock, limit order filled over trade updates, bar over the msgpack stream', async () => {
	const handle = await startTestEmulator();
	const alpaca = client(handle);
	const tradeStream = alpaca.trading.stream({url: handle.streamUrl, reconnect: false});
	const dataStream = alpaca.marketData.stockStream({feed: 'iex', url: handle.dataStreamUrl('iex'), reconnect: false});
	try {
		const account = await alpaca.trading.account.getAccount();
		assert.equal(account.status, 'ACTIVE');
		assert.equal(account.cash, '100000.00');

		const clock = await alpaca.trading.clock.legacyClock();
		assert.equal(clock.isOpen, true);
		assert.equal(clock.timestamp.toISOString(), '2019-02-11T14:30:00.000Z');

		const updates: Array<{event: string; price?: string; qty?: string; positionQty?: string; status?: string}> = [];
		let filled: (u: unknown) => void = () => {};
		const fillSeen = eventually<unknown>(resolve => (filled = resolve), 'fill update');
		tradeStream.onTradeUpdate(u => {
			updates.push({event: u.event, price: u.price, qty: u.qty, positionQty: u.positionQty, status: u.order.status});
			if (u.event === 'fill') filled(u);
		});
		tradeStream.subscribeTradeUpdates();
		const listening = eventually<unknown>(resolve => tradeStream.on('subscription', resolve), 'listening');
		tradeStream.connect();
		assert.deepEqual(await listening, ['trade_updates']);

		const bars: Array<{symbol: string; close: number; timestamp: Date}> = [];
		const trades: number[] = [];
		let barSeen: (b: unknown) => void = () => {};
		const barArrived = eventually<unknown>(resolve => (barSeen = resolve), 'bar');
		dataStream.onBar(b => {
			bars.push({symbol: b.symbol, close: b.close, timestamp: b.timestamp});
			barSeen(b);
		});
		dataStream.onTrade(t => trades.push(t.price));
		const errors: string[] = [];
		dataStream.onError(e => errors.push(e));
		dataStream.subscribeForBars(['AAPL']);
		dataStream.subscribeForTrades(['AAPL']);
		const subscribed = eventually<any>(resolve => dataStream.on('subscription', resolve), 'data subscription');
		dataStream.connect();
		const subs = await subscribed;
		assert.deepEqual(subs.bars, ['AAPL']);
		assert.deepEqual(subs.trades, ['AAPL']);

		const order = await alpaca.trading.orders.limit({symbol: 'AAPL', qty: 10, side: 'buy', limitPrice: '170.00', clientOrderId: 'sdk-1'});
		assert.equal(order.status, 'new');
		assert.equal(order.clientOrderId, 'sdk-1');
		assert.equal(order.limitPrice, '170');

		assert.equal(handle.step(), true);
		await fillSeen;
		await barArrived;
		assert.deepEqual(
			updates.map(u => u.event),
			['new', 'fill'],
		);
		assert.deepEqual(updates[1], {event: 'fill', price: '170', qty: '10', positionQty: '10', status: 'filled'});
		assert.deepEqual(bars, [{symbol: 'AAPL', close: 170.2, timestamp: new Date(`${DAY1}T14:30:00Z`)}]);
		assert.deepEqual(trades, [170.2]);
		assert.deepEqual(errors, []);

		const byClient = await alpaca.trading.orders.getOrderByClientOrderId({clientOrderId: 'sdk-1'});
		assert.equal(byClient.status, 'filled');
		assert.equal(byClient.filledAvgPrice, '170');
		assert.equal(byClient.filledAt?.toISOString(), '2019-02-11T14:31:00.000Z');

		const positions = await alpaca.trading.positions.getAllOpenPositions();
		assert.equal(positions.length, 1);
		assert.equal(positions[0]!.symbol, 'AAPL');
		assert.equal(positions[0]!.qty, '10');
		assert.equal(positions[0]!.avgEntryPrice, '170');

		const history = await alpaca.marketData.getStockBarsFor('AAPL', {timeframe: TimeFrame.Minute, start: new Date(`${DAY1}T14:00:00Z`), feed: 'iex'});
		assert.equal(history.length, 1);
		assert.equal(history[0]!.close, 170.2);
		assert.equal(await alpaca.marketData.getLatestPrice('AAPL', {feed: 'iex'}), 170.2);

		// Alpaca's error replies reach the SDK's typed errors.
		await assert.rejects(
			alpaca.trading.orders.limit({symbol: 'AAPL', qty: 1, side: 'buy', limitPrice: '1.00', clientOrderId: 'sdk-1'}),
			(error: unknown) => error instanceof ValidationError && error.status === 422 && error.code === 40010001,
		);
		await assert.rejects(
			alpaca.trading.orders.limit({symbol: 'AAPL', qty: 11, side: 'sell', limitPrice: '171.00'}),
			(error: unknown) => error instanceof PermissionError && /insufficient qty available/.test(error.message),
		);
		await assert.rejects(alpaca.trading.orders.getOrderByClientOrderId({clientOrderId: 'nope'}), (error: unknown) => error instanceof NotFoundError);

		// Closing the position is a market sell that fills at the next bar's open.
		const closing = await alpaca.trading.positions.deleteOpenPosition({symbolOrAssetId: 'AAPL'});
		assert.equal(closing.side, 'sell');
		assert.equal(closing.type, 'market');
		const sold = eventually<unknown>(resolve => tradeStream.onTradeUpdate(u => u.event === 'fill' && u.order.side === 'sell' && resolve(u)), 'sell fill');
		handle.step();
		await sold;
		assert.deepEqual(await alpaca.trading.positions.getAllOpenPositions(), []);
	} finally {
		tradeStream.disconnect();
		dataStream.disconnect();
		await handle.close();
	}
});

test('SDK: wrong keys are refused on REST (401) and on both streams', async () => {
	const handle = await startTestEmulator();
	const alpaca = client(handle, {keyId: 'OTHER', secret: 'nope'});
	try {
		await assert.rejects(alpaca.trading.account.getAccount(), (error: unknown) => error instanceof AuthError && error.status === 401);
		const check = await alpaca.trading.validateConnection();
		assert.equal(check.ok, false);

		const trading = alpaca.trading.stream({url: handle.streamUrl, reconnect: false});
		trading.connect();
		const tradingAuth = await trading.whenAuthenticated();
		assert.equal(tradingAuth.authenticated, false);
		trading.disconnect();

		const data = alpaca.marketData.stockStream({url: handle.dataStreamUrl('iex'), reconnect: false});
		data.connect();
		const dataAuth = await data.whenAuthenticated();
		assert.equal(dataAuth.authenticated, false);
		assert.equal(dataAuth.code, 402);
		data.disconnect();
	} finally {
		await handle.close();
	}
});

test('SDK: submitAndWait resolves on the fill after a manual step; closeAllPositions returns 207 entries', async () => {
	const handle = await startTestEmulator();
	const alpaca = client(handle);
	const stream = alpaca.trading.stream({url: handle.streamUrl, reconnect: false});
	try {
		// A market buy is valued at the last trade, so let the first bar arrive.
		handle.step();
		stream.subscribeTradeUpdates();
		stream.connect();
		// Step once the order is acknowledged; submitAndWait needs the stream subscription first.
		let autoStep = true;
		stream.onTradeUpdate(u => {
			if (autoStep && u.event === 'new') setImmediate(() => handle.step());
		});
		const done = await alpaca.trading.submitAndWait({type: 'market', symbol: 'MSFT', qty: 5, side: 'buy'} as never, {stream, timeoutMs: 5000});
		assert.equal(done.status, 'filled');
		assert.equal(done.filledQty, '5');
		autoStep = false;
		const closed = await alpaca.trading.closeAllPositions({cancelOrders: true});
		assert.equal(closed.length, 1);
		assert.equal(closed[0]!.symbol, 'MSFT');
		assert.equal(closed[0]!.status, 200);
		assert.equal(closed[0]!.body?.side, 'sell');
		const canceled = await alpaca.trading.orders.deleteAllOrders();
		assert.equal(canceled.length, 1);
		assert.equal(canceled[0]!.status, 200);
	} finally {
		stream.disconnect();
		await handle.close();
	}
});

test('SDK: calendar, order listing, replace, cancel, paginated multi-symbol bars', async () => {
	const handle = await startTestEmulator();
	const alpaca = client(handle);
	try {
		const days = await alpaca.trading.calendar.legacyCalendar({start: new Date(`${DAY1}T00:00:00Z`), end: new Date('2019-02-28T00:00:00Z')});
		assert.deepEqual(
			days.map(d => d.date.toISOString().slice(0, 10)),
			['2019-02-11', '2019-02-12'],
		);
		const a = await alpaca.trading.orders.limit({symbol: 'AAPL', qty: 2, side: 'buy', limitPrice: '150.00', clientOrderId: 'sdk-a'});
		const replaced = await alpaca.trading.orders.patchOrderByOrderId({orderId: a.id!, patchOrderRequest: {limitPrice: '151.00', qty: '3'}});
		assert.equal(replaced.replaces, a.id);
		assert.equal(replaced.qty, '3');
		const open = await alpaca.trading.orders.getAllOrders({status: 'open', symbols: ['AAPL']});
		assert.deepEqual(
			open.map(o => o.id),
			[replaced.id],
		);
		// deleteOrderByOrderID leaves the 204's body unreleased, and with it the SDK's request
		// deadline (30 s, a timer that keeps the process alive); the raw call's value() releases it.
		await (await alpaca.trading.orders.deleteOrderByOrderIDRaw({orderId: replaced.id!})).value();
		const all = await alpaca.trading.orders.getAllOrders({status: 'all', direction: 'asc'});
		assert.deepEqual(
			all.map(o => o.status),
			['replaced', 'canceled'],
		);
		for (let i = 0; i < 5; i++) handle.step();
		const bars = await alpaca.marketData.getStockBars({
			symbols: ['AAPL', 'MSFT'],
			timeframe: TimeFrame.Minute,
			start: new Date(`${DAY1}T14:00:00Z`),
			limit: 3,
			feed: 'iex',
		});
		assert.equal(bars['AAPL']?.length, 5);
		assert.equal(bars['MSFT']?.length, 5);
		assert.equal(bars['MSFT']?.[4]?.close, 105.4);
	} finally {
		await handle.close();
	}
});
