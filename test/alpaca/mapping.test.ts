import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	accountFromAlpaca,
	barFromRest,
	barFromSdk,
	calendarDayFromAlpaca,
	clockFromAlpaca,
	conformLimitPrice,
	cumulativeFill,
	decimalToMicros,
	describeError,
	mapOrderStatus,
	orderFromAlpaca,
	parseTimestamp,
	positionFromAlpaca,
	quoteFromSdk,
	toOrderInput,
	tradeFromSdk,
	updateFields,
} from '../../source/adapters/alpaca/mapping.js';
import {nyTime} from '../../source/core/time.js';
import {INVALID_MICROS, micros} from '../../source/core/money.js';

test('decimal strings become exact micros; long fractions round half up at the micro', () => {
	assert.equal(decimalToMicros('187.25'), 187_250_000);
	assert.equal(decimalToMicros('100000'), 100_000_000_000);
	assert.equal(decimalToMicros('0.0001'), 100);
	assert.equal(decimalToMicros('-12.5'), -12_500_000);
	assert.equal(decimalToMicros('37.3297'), 37_329_700);
	assert.equal(decimalToMicros('187.2533333333'), 187_253_333);
	assert.equal(decimalToMicros('187.2533335'), 187_253_334);
	assert.equal(decimalToMicros('-0.0000005'), -1);
	assert.ok(Number.isNaN(decimalToMicros('1e2')), '1e2');
	assert.ok(Number.isNaN(decimalToMicros(null)), 'null');
	assert.ok(Number.isNaN(decimalToMicros('abc')), 'abc');
});

test('limit prices conform to Alpaca increments, half up, as strings', () => {
	assert.deepEqual(conformLimitPrice(micros(187_250_000)), {price: micros(187_250_000), text: '187.25', changed: false});
	assert.deepEqual(conformLimitPrice(micros(187_254_999)), {price: micros(187_250_000), text: '187.25', changed: true});
	assert.deepEqual(conformLimitPrice(micros(187_255_000)), {price: micros(187_260_000), text: '187.26', changed: true});
	assert.deepEqual(conformLimitPrice(micros(187_000_000)), {price: micros(187_000_000), text: '187.00', changed: false});
	assert.deepEqual(conformLimitPrice(micros(1_000_000)), {price: micros(1_000_000), text: '1.00', changed: false});
	// Below $1: four decimals.
	assert.deepEqual(conformLimitPrice(micros(123_400)), {price: micros(123_400), text: '0.1234', changed: false});
	assert.deepEqual(conformLimitPrice(micros(123_450)), {price: micros(123_500), text: '0.1235', changed: true});
	assert.deepEqual(conformLimitPrice(micros(500_000)), {price: micros(500_000), text: '0.50', changed: false});
	assert.deepEqual(conformLimitPrice(micros(999_950)), {price: micros(1_000_000), text: '1.00', changed: true});
	// The SDK would send `String(0.1 + 0.2)` = "0.30000000000000004"; that cannot happen here: the text is built from integers.
	assert.equal(conformLimitPrice(micros(300_000)).text, '0.30');
	assert.throws(() => conformLimitPrice(micros(0)), RangeError);
	assert.throws(() => conformLimitPrice(INVALID_MICROS), RangeError);
});

test('order input for the SDK builders: strings and our client order id', () => {
	const limit = toOrderInput(
		{symbol: 'AAPL', side: 'buy', type: 'limit', qty: 10, limitPrice: micros(187_250_000), timeInForce: 'day', clientOrderId: 'r-sc-AAPL-buy-1'},
		'187.25',
	);
	assert.deepEqual(limit, {
		type: 'limit',
		input: {symbol: 'AAPL', side: 'buy', qty: '10', timeInForce: 'day', clientOrderId: 'r-sc-AAPL-buy-1', limitPrice: '187.25'},
	});
	const market = toOrderInput({symbol: 'AAPL', side: 'sell', type: 'market', qty: 3, limitPrice: null, timeInForce: 'day', clientOrderId: 'x'}, null);
	assert.deepEqual(market, {type: 'market', input: {symbol: 'AAPL', side: 'sell', qty: '3', timeInForce: 'day', clientOrderId: 'x'}});
});

const order = {
	id: '61e69015',
	clientOrderId: 'r-sc-AAPL-buy-1',
	symbol: 'AAPL',
	side: 'buy',
	type: 'limit',
	qty: '10',
	limitPrice: '187.25',
	timeInForce: 'day',
	status: 'partially_filled',
	filledQty: '3',
	filledAvgPrice: '187.2433333333',
	submittedAt: new Date('2026-11-20T15:31:02.120Z'),
	createdAt: new Date('2026-11-20T15:31:02.118Z'),
} as const;

test('orders map to core orders with exact prices and cumulative fills', () => {
	const o = orderFromAlpaca(order as never);
	assert.equal(o.id, '61e69015');
	assert.equal(o.clientOrderId, 'r-sc-AAPL-buy-1');
	assert.equal(o.type, 'limit');
	assert.equal(o.limitPrice, 187_250_000);
	assert.equal(o.qty, 10);
	assert.equal(o.status, 'partially_filled');
	assert.equal(o.filledQty, 3);
	assert.equal(o.filledNotional, 561_730_000); // 3 x 187.243333 rounded: 187.2433333333 x 3 = 561.73
	assert.equal(o.submittedMs, Date.parse('2026-11-20T15:31:02.120Z'));
	const market = orderFromAlpaca({...order, type: 'market', limitPrice: null, filledQty: '0', filledAvgPrice: null, status: 'accepted'} as never);
	assert.equal(market.type, 'market');
	assert.equal(market.limitPrice, null);
	assert.equal(market.status, 'pending_new');
	assert.deepEqual(cumulativeFill({...order, filledQty: '0', filledAvgPrice: null} as never), {qty: 0, notional: 0, avg: 0});
});

test('every Alpaca status has a core meaning', () => {
	const table: Record<string, string> = {
		new: 'new',
		accepted: 'pending_new',
		pending_new: 'pending_new',
		accepted_for_bidding: 'pending_new',
		held: 'pending_new',
		partially_filled: 'partially_filled',
		filled: 'filled',
		calculated: 'filled',
		done_for_day: 'new',
		stopped: 'new',
		suspended: 'new',
		pending_replace: 'new',
		pending_cancel: 'pending_cancel',
		canceled: 'canceled',
		expired: 'expired',
		rejected: 'rejected',
		replaced: 'replaced',
	};
	for (const [alpaca, core] of Object.entries(table)) assert.equal(mapOrderStatus(alpaca), core, alpaca);
});

test('account: cash and buying power exact; no PDT fields needed', () => {
	const a = accountFromAlpaca({id: 'acc', status: 'ACTIVE', currency: 'USD', cash: '100000', buyingPower: '400000.5', equity: '100001.25'} as never);
	assert.equal(a.cash, 100_000_000_000);
	assert.equal(a.buyingPower, 400_000_500_000);
	assert.equal(a.equity, 100_001_250_000);
	assert.equal(a.tradingBlocked, false);
	assert.equal(a.lastEquity, null);
	assert.equal(
		accountFromAlpaca({id: 'acc', status: 'ACTIVE', currency: 'USD', cash: '1', buyingPower: '1', equity: '1', lastEquity: '99500.25'} as never).lastEquity,
		99_500_250_000,
	);
});

test('positions are signed; cost basis exact', () => {
	assert.deepEqual(positionFromAlpaca({symbol: 'AAPL', qty: '10', side: 'long', costBasis: '1872.00'} as never), {
		symbol: 'AAPL',
		qty: 10,
		costBasis: 1_872_000_000,
	});
	assert.deepEqual(positionFromAlpaca({symbol: 'TSLA', qty: '-5', side: 'short', costBasis: '-1000.5'} as never), {
		symbol: 'TSLA',
		qty: -5,
		costBasis: -1_000_500_000,
	});
	assert.deepEqual(positionFromAlpaca({symbol: 'TSLA', qty: '5', side: 'short', costBasis: '1000.5'} as never), {
		symbol: 'TSLA',
		qty: -5,
		costBasis: -1_000_500_000,
	});
});

test('clock and calendar (early close, date from the UTC-midnight Date)', () => {
	const clock = clockFromAlpaca({
		timestamp: new Date('2026-11-20T15:31:02.513Z'),
		isOpen: true,
		nextOpen: new Date('2026-11-23T14:30:00Z'),
		nextClose: new Date('2026-11-20T21:00:00Z'),
	});
	assert.deepEqual(clock, {
		ms: Date.parse('2026-11-20T15:31:02.513Z'),
		isOpen: true,
		nextOpenMs: Date.parse('2026-11-23T14:30:00Z'),
		nextCloseMs: Date.parse('2026-11-20T21:00:00Z'),
	});
	const day = calendarDayFromAlpaca({date: new Date('2026-11-27'), open: '09:30', close: '13:00'});
	assert.equal(day.date, '2026-11-27');
	assert.equal(day.openMs, nyTime('2026-11-27', 9, 30));
	assert.equal(day.closeMs, nyTime('2026-11-27', 13, 0));
	assert.equal(day.earlyClose, true);
	assert.equal(calendarDayFromAlpaca({date: new Date('2026-11-20'), open: '09:30', close: '16:00'}).earlyClose, false);
});

test('RFC 3339 timestamps keep their nanoseconds', () => {
	assert.deepEqual(parseTimestamp('2026-11-20T15:31:03.557793708Z'), {ms: Date.parse('2026-11-20T15:31:03.557Z'), ns: 793_708});
	assert.deepEqual(parseTimestamp('2026-11-20T10:31:02.5133-05:00'), {ms: Date.parse('2026-11-20T15:31:02.513Z'), ns: 300_000});
	assert.deepEqual(parseTimestamp('2026-11-20T15:31:03Z'), {ms: Date.parse('2026-11-20T15:31:03Z'), ns: 0});
	const d = new Date('2026-11-20T15:31:03.5Z');
	assert.deepEqual(parseTimestamp(undefined, d), {ms: d.getTime(), ns: 0});
});

test('market data: exact micros, bad numbers dropped with a reason', () => {
	const bar = barFromSdk({
		symbol: 'AAPL',
		timestamp: new Date('2026-11-20T14:30:00Z'),
		timestampRaw: '2026-11-20T14:30:00Z',
		open: 187.1,
		high: 187.4,
		low: 187,
		close: 187.3,
		volume: 51234,
	});
	assert.deepEqual(bar, {
		ok: true,
		value: {
			symbol: 'AAPL',
			start: Date.parse('2026-11-20T14:30:00Z'),
			open: 187_100_000,
			high: 187_400_000,
			low: 187_000_000,
			close: 187_300_000,
			volume: 51234,
		},
	});
	assert.equal(barFromSdk({symbol: 'AAPL', timestamp: new Date(0), open: Number.NaN, high: 1, low: 1, close: 1, volume: 1}).ok, false);
	assert.equal(barFromSdk({symbol: 'AAPL', timestamp: new Date(0), open: 1, high: 1, low: -1, close: 1, volume: 1}).ok, false);
	const rest = barFromRest('AAPL', {t: '2026-11-20T14:31:00Z', o: 0.1234, h: 0.125, l: 0.12, c: 0.1245, v: 10});
	assert.ok(
		rest.ok && rest.value.open === 123_400 && rest.value.close === 124_500 && rest.value.start === Date.parse('2026-11-20T14:31:00Z'),
		'sub-dollar REST bar',
	);
	const quote = quoteFromSdk({
		symbol: 'AAPL',
		timestamp: new Date(0),
		timestampRaw: '2026-11-20T15:31:03.557793708Z',
		bidPrice: 187.29,
		bidSize: 2,
		askPrice: 187.31,
		askSize: 3,
	});
	assert.deepEqual(quote, {
		ok: true,
		value: {symbol: 'AAPL', ms: Date.parse('2026-11-20T15:31:03.557Z'), ns: 793_708, bidPrice: 187_290_000, bidSize: 2, askPrice: 187_310_000, askSize: 3},
	});
	assert.equal(quoteFromSdk({symbol: 'AAPL', timestamp: new Date(0), bidPrice: -1, bidSize: 2, askPrice: 1, askSize: 3}).ok, false);
	const trade = tradeFromSdk({symbol: 'AAPL', timestamp: new Date('2026-11-20T15:31:03Z'), price: 187.3, size: 100});
	assert.deepEqual(trade, {ok: true, value: {symbol: 'AAPL', ms: Date.parse('2026-11-20T15:31:03Z'), ns: 0, price: 187_300_000, size: 100}});
	assert.equal(tradeFromSdk({symbol: 'AAPL', timestamp: new Date(0), price: 0, size: 100}).ok, false);
	assert.equal(tradeFromSdk({symbol: 'AAPL', timestamp: new Date(0), price: 1, size: 0}).ok, false);
});

test('trade update fields: this execution only, signed position', () => {
	const f = updateFields({
		event: 'partial_fill',
		timestamp: new Date('2026-11-20T15:31:03.557Z'),
		executionId: 'e1',
		price: '187.25',
		qty: '4',
		positionQty: '-4',
	});
	assert.deepEqual(f, {
		event: 'partial_fill',
		ms: Date.parse('2026-11-20T15:31:03.557Z'),
		ns: 0,
		executionId: 'e1',
		price: 187_250_000,
		qty: 4,
		positionQty: -4,
	});
	const n = updateFields({event: 'new'});
	assert.equal(n.price, null);
	assert.equal(n.qty, null);
	assert.equal(n.positionQty, null);
	assert.equal(n.executionId, null);
});

test('errors become one short line', () => {
	assert.equal(describeError({status: 403, message: 'insufficient buying power'}), '403 insufficient buying power');
	assert.equal(describeError({status: 401, message: 'Response returned an error code (HTTP 401)'}), '401 unauthorized');
	assert.equal(describeError({name: 'FetchError', message: 'x', cause: {name: 'TimeoutError', message: 't'}}), 'request timed out');
	assert.equal(describeError({name: 'FetchError', message: 'x', cause: {name: 'TypeError', message: 'connect\nECONNREFUSED'}}), 'connect ECONNREFUSED');
});

test('decimal products are exact before the one rounding', async () => {
	const {decimalProductMicros} = await import('../../source/adapters/alpaca/mapping.js');
	assert.equal(decimalProductMicros('187.2433333333', '3'), 561_730_000);
	assert.equal(decimalProductMicros('0.1', '3'), 300_000);
	assert.equal(decimalProductMicros('187.25', '0.5'), 93_625_000);
	assert.equal(decimalProductMicros('-1.0000005', '1'), -1_000_001);
	assert.ok(Number.isNaN(decimalProductMicros('x', '1')));
});
