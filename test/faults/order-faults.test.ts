/**
 * Fault scenarios on the order path: 500 and 429 bursts, replies lost past the client timeout,
 * partial fills, rejections, another client's order on a traded symbol; against the paper-mode
 * engine in-process (the real SDK over loopback to `emulate`). Each ends with the four
 * invariants (see _scenario.ts).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {CYCLE, journalOf, lotShares} from './_rig.js';
import {A, assertRoundTrips, BUY_FILL, exchangeOrders, M, SIGNAL, TIMEOUT, withRig} from './_scenario.js';

test('500 bursts: the buy POST fails twice (looked up, resent with the same id, placed once); reads fail and are retried', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL - 1);
		rig.emulator.faults.failRequests(2, 500, {method: 'POST', path: '/v2/orders'});
		await rig.step(1);
		assert.equal(exchangeOrders(rig, A, 'buy').length + exchangeOrders(rig, M, 'buy').length, 2, 'one buy per symbol');
		assert.ok(
			rig.logs.some(l => /no answer to the POST \(500/.test(l)),
			rig.logs.join('\n'),
		);
		// Reads fail too while the trade stream reconnects: the reconciliation retries.
		rig.emulator.faults.failRequests(3, 503, {method: 'GET'});
		rig.emulator.faults.dropTradeStream();
		rig.emulator.step();
		await rig.until(() => rig.scalper(A).state === 'SELL_SUBMITTED' && rig.scalper(M).state === 'SELL_SUBMITTED', 'the fills after the failed reads');
		await rig.settle();
		await rig.step(2 * CYCLE - BUY_FILL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
	});
});

test('429 bursts: the buy POST is rate limited, backs off (Retry-After) and goes through once', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL - 1);
		rig.emulator.faults.failRequests(2, 429, {method: 'POST', path: '/v2/orders'});
		await rig.step(1);
		assert.equal(exchangeOrders(rig, A, 'buy').length, 1);
		assert.equal(exchangeOrders(rig, M, 'buy').length, 1);
		assert.ok(rig.adapter.limiter.stats.rateLimited >= 2);
		await rig.step(2 * CYCLE - SIGNAL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
	});
});

test('slow replies past the client timeout: the orders are placed, their replies lost; found by client order id, never sent twice', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL - 1);
		// Both buys: the reply comes after the client gave up, and the stream is late too, so
		// only the lookup by client order id can tell that they were placed.
		rig.emulator.faults.slowResponses(2, 1500);
		rig.emulator.faults.delayTradeUpdates(1200);
		await rig.step(1);
		await rig.until(() => rig.engine.openOrders().length === 2, 'both buys acknowledged');
		assert.equal(rig.logs.filter(l => /no answer to the POST \(request timed out\); looking it up by client order id/.test(l)).length, 2, rig.logs.join('\n'));
		assert.equal(exchangeOrders(rig, A, 'buy').length, 1);
		assert.equal(exchangeOrders(rig, M, 'buy').length, 1);
		rig.emulator.faults.delayTradeUpdates(0);
		await rig.settle(); // the late updates arrive (the emulator held them): nothing new
		// Both take-profits: replies lost, the stream on time.
		rig.emulator.faults.slowResponses(2, 1500);
		await rig.step(1);
		await rig.step(2 * CYCLE - BUY_FILL);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		for (const symbol of [A, M]) {
			const ids = journalOf(rig, 'order_submitted')
				.filter(r => r.symbol === symbol)
				.map(r => r.client_order_id);
			assert.equal(ids.length, 4, `${symbol}: 2 buys and 2 take-profits submitted`);
			assert.equal(exchangeOrders(rig, symbol, 'buy').length + exchangeOrders(rig, symbol, 'sell').length, 4, `${symbol}: each placed once`);
		}
	});
});

test('partial fills: each fill comes as partial_fill + fill; the take-profit waits for the whole position', TIMEOUT, async () => {
	await withRig({}, async rig => {
		rig.emulator.faults.partialFills({fraction: 0.4});
		await rig.step(2 * CYCLE);
		assertRoundTrips(rig, {[A]: 2, [M]: 2});
		const partials = journalOf(rig, 'order_update').filter(r => r.event === 'partial_fill');
		assert.equal(partials.length, 8, 'every fill was split');
		for (const tp of exchangeOrders(rig, A, 'sell')) assert.equal(tp.qty, lotShares(100), 'the take-profit sells the whole position');
	});
});

test('rejection at submission (HTTP 403): the scalper goes back to TO_BUY, no retry loop, trades the next signal', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL - 1);
		rig.emulator.faults.rejectOrders(1, {mode: 'http'});
		await rig.step(1); // AAPL's buy goes first (symbol order) and is refused
		assert.equal(rig.scalper(A).state, 'TO_BUY');
		assert.equal(rig.scalper(M).state, 'BUY_SUBMITTED');
		await rig.step(2 * CYCLE - SIGNAL);
		assertRoundTrips(rig, {[A]: 1, [M]: 2});
		const rejected = journalOf(rig, 'order_update').filter(r => r.event === 'rejected');
		assert.equal(rejected.length, 1);
		assert.match(String(rejected[0]!.message), /insufficient buying power/);
		assert.equal(rig.emulator.exchange.order(String(rejected[0]!.client_order_id)), null, 'never reached the exchange');
	});
});

test('rejection by trade update (accepted, then rejected): the scalper goes back to TO_BUY', TIMEOUT, async () => {
	await withRig({}, async rig => {
		await rig.step(SIGNAL - 1);
		rig.emulator.faults.rejectOrders(1, {mode: 'event', message: 'order rejected by venue'});
		await rig.step(1);
		await rig.until(() => rig.scalper(A).state === 'TO_BUY', 'the rejection');
		await rig.step(2 * CYCLE - SIGNAL);
		assertRoundTrips(rig, {[A]: 1, [M]: 2});
		assert.ok(journalOf(rig, 'order_update').some(r => r.event === 'rejected' && r.symbol === A));
	});
});

test('an order placed by someone else on a traded symbol: journaled, booked as manual, never traded on', TIMEOUT, async () => {
	const shares = 7;
	await withRig(
		{},
		async rig => {
			await rig.step(5);
			const reply = await fetch(`${rig.emulator.baseUrl}/v2/orders`, {
				method: 'POST',
				headers: {'APCA-API-KEY-ID': 'PKFAULTS01', 'APCA-API-SECRET-KEY': 'faults-secret-4e8b1d', 'Content-Type': 'application/json'},
				body: JSON.stringify({symbol: A, qty: String(shares), side: 'buy', type: 'market', time_in_force: 'day', client_order_id: 'web-ui-order-1'}),
			});
			assert.equal(reply.status, 200);
			await rig.step(1); // it fills at the next bar
			await rig.until(() => rig.engine.portfolio.book('manual', A).qty === shares, 'the foreign fill booked');
			assert.equal(rig.scalper(A).state, 'TO_BUY');
			assert.equal(rig.engine.portfolio.book('scalp', A).qty, 0);
			await rig.step(2 * CYCLE - 6);
			assertRoundTrips(rig, {[A]: 2, [M]: 2});
			for (const tp of exchangeOrders(rig, A, 'sell')) assert.equal(tp.qty, lotShares(100), 'the scalper sells only its own shares');
			const errors = journalOf(rig, 'error').filter(r => /unknown order "web-ui-order-1"/.test(String(r.message)));
			assert.equal(errors.length, 1);
		},
		{maxPosition: symbol => (symbol === A ? lotShares(100) + shares : lotShares(50)), foreignOrders: ['web-ui-order-1']},
	);
});
