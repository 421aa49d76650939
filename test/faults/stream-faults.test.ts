/**
 * Fault scenarios on the sockets: drops, silence, delayed / duplicated / reordered trade
 * updates, malformed messages; against the paper-mode engine in-process (the real SDK over
 * loopback sockets to `emulate`). Each ends with the four invariants (see _scenario.ts).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CYCLE, journalOf, lotShares} from './_rig.js';
import {A, assertRoundTrips, BUY_FILL, exchangeOrders, M, SIGNAL, TIMEOUT, withRig} from './_scenario.js';

test('baseline: no fault, two round trips per symbol', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(2 * CYCLE);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		assert.equal(exchangeOrders(rig, A, 'buy').length, 2);
		assert.equal(exchangeOrders(rig, A, 'buy')[0]!.qty, lotShares(100));
	});
});

test('trade stream dropped between the buy and its fill: the fill is recovered by REST after the reconnect', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL);
		const reconnected = new Promise<void>(resolve => {
			const off = rig.adapter.broker.onReconnected(() => {
				off();
				resolve();
			});
		});
		assert.equal(rig.emulator.faults.dropTradeStream(), 1);
		rig.emulator.step(); // the buy fills while nobody listens
		await reconnected;
		await rig.settle();
		assert.equal(rig.scalper(A).state, 'SELL_SUBMITTED', 'the missed fill was reported and the take-profit placed');
		await rig.step(2 * CYCLE - BUY_FILL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		assert.ok(rig.logs.some(l => /trade-updates stream reconnected/.test(l)));
	});
});

test('market-data stream dropped twice (flat bars, then the signal bar): missed bars come from REST, the signal still trades', TIMEOUT, async () => {
	await withRig({}, async rig => {
		const dropAndStep = async (steps: number): Promise<void> => {
			const reconnected = new Promise<void>(resolve => {
				const off = rig.adapter.marketData.onReconnected(() => {
					off();
					resolve();
				});
			});
			assert.equal(rig.emulator.faults.dropDataStream(), 1);
			for (let i = 0; i < steps; i++) rig.emulator.step();
			await reconnected;
			// The missed bars (the signal among them) trade while the reconnect reads the broker's
			// state: the order sent meanwhile must not be forgotten (this wait made that race certain).
			await rig.caughtUp();
			await rig.settle();
		};
		await rig.step(10);
		await dropAndStep(3);
		await rig.step(SIGNAL - 14);
		await dropAndStep(1); // the signal bar itself is missed live
		assert.equal(rig.scalper(A).state, 'BUY_SUBMITTED');
		await rig.step(2 * CYCLE - SIGNAL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		assert.ok(rig.logs.some(l => /missed bars? filled from REST/.test(l)));
	});
});

test('trade stream silent (open, no messages, no pongs) while the buy fills: the dead socket is replaced, the fill recovered', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL);
		rig.emulator.faults.silenceTradeStream(true);
		rig.emulator.step();
		// Pings go unanswered: the client gives up on the socket (the emulator loses its listener).
		await rig.until(() => rig.emulator.subscribers().tradeUpdates === 0, 'the client to drop the silent trade socket');
		assert.notEqual(rig.scalper(A).state, 'SELL_SUBMITTED', 'nothing got through while silent');
		rig.emulator.faults.silenceTradeStream(false);
		await rig.until(() => rig.scalper(A).state === 'SELL_SUBMITTED' && rig.scalper(M).state === 'SELL_SUBMITTED', 'the recovered fills');
		await rig.settle();
		await rig.step(2 * CYCLE - BUY_FILL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
	});
});

test('market-data stream silent: the watchdog replaces the socket and the missed bars are filled from REST', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(8);
		rig.emulator.faults.silenceDataStream(true);
		for (let i = 0; i < 4; i++) rig.emulator.step(); // published into silence
		await rig.until(() => rig.logs.some(l => /market-data stream (silent|not connected)/.test(l)), 'the watchdog to give up on the socket');
		rig.emulator.faults.silenceDataStream(false);
		await rig.until(() => rig.logs.some(l => /market-data stream reconnected/.test(l)), 'the market-data reconnect');
		await rig.caughtUp();
		await rig.settle();
		await rig.step(2 * CYCLE - 12);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		assert.ok(rig.logs.some(l => /market-data stream (silent|not connected)/.test(l)));
	});
});

test('trade updates delayed: every fill arrives late but once; the round trips complete', TIMEOUT, async () => {
	await withRig({}, async rig => {
		rig.emulator.faults.delayTradeUpdates(250);
		await rig.step(2 * CYCLE); // each step waits until its late updates were delivered and handled
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
	});
});

test('trade updates duplicated: every execution is booked once', TIMEOUT, async () => {
	await withRig({}, async rig => {
		rig.emulator.faults.duplicateTradeUpdates(true);
		await rig.step(2 * CYCLE);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		const fills = journalOf(rig, 'order_update').filter(r => r.event === 'fill');
		assert.equal(fills.length, 8, 'two buys and two take-profits per symbol, each reported once');
	});
});

test('trade updates reordered (pairs swapped): fills before their new, still booked once', TIMEOUT, async () => {
	await withRig({}, async rig => {
		rig.emulator.faults.reorderTradeUpdates(true);
		await rig.step(2 * CYCLE); // each step waits until the held updates were delivered and handled
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		assert.equal(journalOf(rig, 'order_update').filter(r => r.event === 'fill').length, 8);
	});
});

test('malformed stream messages: garbage on both sockets is logged and dropped, never traded on; trading carries on', TIMEOUT, async () => {
	await withRig({}, async rig => {
		const faults = rig.emulator.faults;
		await rig.step(5);
		const t = (minute: number) => new Date(Date.parse('2019-02-11T14:30:00Z') + minute * 60_000).toISOString();
		// Trade-updates socket.
		const tradeFrames: unknown[] = [
			Buffer.from('this is not json'),
			'{"stream":"trade_updates"',
			[1, 2, 3],
			{stream: 'trade_updates', data: null},
			{stream: 'trade_updates', data: {event: 'fill'}},
			{stream: 'trade_updates', data: {event: 'fill', order: {symbol: A, side: 'buy', qty: '10', status: 'filled'}}},
			{stream: 'trade_updates', data: {event: 'fill', order: {client_order_id: 42, symbol: A, side: 'buy', qty: '10', status: 'filled'}}},
			{
				stream: 'trade_updates',
				data: {
					event: 'fill',
					order: {client_order_id: 'ghost-1', id: 'ghost', symbol: A, side: 'buy', qty: '10', filled_qty: '10', filled_avg_price: '1.00', status: 'filled'},
					price: '1.00',
					qty: '10',
				},
			},
			{stream: 'trade_updates', data: {event: 'new', order: {client_order_id: 'ghost-2', id: 'ghost2', symbol: '', side: 'buy', qty: 'ten', status: 'new'}}},
			{stream: 'trade_updates', data: {event: 'new', order: {client_order_id: 'ghost-3', id: 'ghost3', symbol: A, side: 'sideways', qty: '5', status: 'new'}}},
			{stream: 'unknown_stream', data: {}},
		];
		for (const frame of tradeFrames) assert.equal(faults.injectTradeFrame(frame), 1);
		// Market-data socket (msgpack): broken bytes, wrong shapes, bad numbers, bad times.
		const dataFrames: unknown[] = [
			Buffer.from([0xc1, 0xff, 0x00]),
			{T: 'b', S: A},
			[null, 7, 'x'],
			[{T: 'b', S: A, o: Number.NaN, h: 101, l: 99, c: 100, v: 10, t: t(5)}],
			[{T: 'b', S: A, o: 'abc', h: 101, l: 99, c: 100, v: 10, t: t(5)}],
			[{T: 'b', S: A, o: 100, h: 99, l: 101, c: 100, v: 10, t: t(5)}],
			[{T: 'b', S: A, o: 100, h: 101, l: 99, c: 100, v: 10, t: '2019-02-11T21:05:00Z'}],
			[{T: 'b', S: A, o: 100, h: 101, l: 99, c: 100, v: -5, t: t(5)}],
			[{T: 'b', S: A, o: 100, h: 101, l: 99, c: 100, v: 10, t: 'yesterday'}],
			[{T: 't', S: A, p: -1, s: 100, t: t(5)}],
			[{T: 't', S: A, p: 0, s: 100, t: t(5)}],
			[{T: 't', S: A, p: 100, s: 0, t: t(5)}],
			[{T: 't', S: 42, p: 100, s: 100, t: t(5)}],
			[{T: 'q', S: A, bp: 101, bs: 1, ap: 100, as: 1, t: t(5)}],
			[{T: 'zz', S: A}],
		];
		for (const frame of dataFrames) assert.equal(faults.injectDataFrame(frame), 1);
		await rig.settle();
		assert.equal(rig.scalper(A).state, 'TO_BUY');
		assert.equal(rig.engine.portfolio.symbolQty(A), 0, 'no garbage fill was booked');
		assert.equal(rig.engine.openOrderCount(), 0, 'no ghost order is followed');
		await rig.step(2 * CYCLE - 5);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		const errors = journalOf(rig, 'error').map(r => String(r.message));
		assert.ok(
			errors.some(e => /bad bar dropped: high below low/.test(e)),
			errors.join('\n'),
		);
		assert.ok(
			errors.some(e => /bad bar dropped: outside the regular session/.test(e)),
			errors.join('\n'),
		);
		assert.ok(
			rig.logs.some(l => /market data dropped: AAPL (bar|trade) with a bad price/.test(l)),
			rig.logs.join('\n'),
		);
		assert.ok(
			rig.logs.some(l => /trade update ignored: order "ghost-1" is already filled/.test(l)),
			rig.logs.join('\n'),
		);
		assert.ok(
			rig.logs.some(l => /trade update ignored: an order without a client order id/.test(l)),
			rig.logs.join('\n'),
		);
	});
});
