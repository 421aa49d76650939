/** Market-data REST v2 with raw fetch: bars and pagination, latest trade/quote/bar, snapshots. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {DAY1, api, startTestEmulator} from './_support.js';

test('bars: only bars that have arrived; Alpaca wire shape with t = bar start', async () => {
	const h = await startTestEmulator();
	try {
		let reply = await api(h, 'GET', '/v2/stocks/bars?symbols=AAPL&timeframe=1Min&feed=iex');
		assert.equal(reply.status, 200);
		assert.deepEqual(reply.body, {bars: {}, next_page_token: null});
		h.step();
		h.step();
		reply = await api(h, 'GET', `/v2/stocks/bars?symbols=AAPL&timeframe=1Min&start=${DAY1}T14:00:00Z&feed=iex`);
		assert.deepEqual(reply.body.bars.AAPL[0], {t: `${DAY1}T14:30:00Z`, o: 170, h: 170.5, l: 169.5, c: 170.2, v: 1000, n: 1, vw: 170.2});
		assert.equal(reply.body.bars.AAPL.length, 2);
		// An end in the future is capped at the replay clock.
		reply = await api(h, 'GET', `/v2/stocks/bars?symbols=AAPL&timeframe=1Min&end=2030-01-01T00:00:00Z`);
		assert.equal(reply.body.bars.AAPL.length, 2);
	} finally {
		await h.close();
	}
});

test('bars: limit counts across symbols; next_page_token walks every page exactly once', async () => {
	const h = await startTestEmulator();
	try {
		for (let i = 0; i < 5; i++) h.step();
		const seen: string[] = [];
		let token: string | null = null;
		let pages = 0;
		do {
			const query: string = `/v2/stocks/bars?symbols=MSFT,AAPL&timeframe=1Min&start=${DAY1}&limit=3${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
			const body = (await api(h, 'GET', query)).body;
			let count = 0;
			for (const [symbol, bars] of Object.entries(body.bars as Record<string, Array<{t: string}>>)) {
				for (const bar of bars) seen.push(`${symbol} ${bar.t.slice(11, 16)}`);
				count += bars.length;
			}
			assert.ok(count <= 3);
			token = body.next_page_token;
			pages += 1;
			assert.ok(pages < 10);
		} while (token);
		assert.equal(pages, 4);
		assert.deepEqual(seen, [
			'AAPL 14:30',
			'AAPL 14:31',
			'AAPL 14:32',
			'AAPL 14:33',
			'AAPL 14:34',
			'MSFT 14:30',
			'MSFT 14:31',
			'MSFT 14:32',
			'MSFT 14:33',
			'MSFT 14:34',
		]);
		const desc = (await api(h, 'GET', `/v2/stocks/AAPL/bars?timeframe=1Min&start=${DAY1}&sort=desc&limit=2`)).body;
		assert.equal(desc.symbol, 'AAPL');
		assert.deepEqual(
			desc.bars.map((b: {t: string}) => b.t.slice(11, 16)),
			['14:34', '14:33'],
		);
		const next = (
			await api(h, 'GET', `/v2/stocks/AAPL/bars?timeframe=1Min&start=${DAY1}&sort=desc&limit=2&page_token=${encodeURIComponent(desc.next_page_token)}`)
		).body;
		assert.deepEqual(
			next.bars.map((b: {t: string}) => b.t.slice(11, 16)),
			['14:32', '14:31'],
		);
	} finally {
		await h.close();
	}
});

test('bars: aggregated timeframes aligned to New York time; bad parameters 400', async () => {
	const h = await startTestEmulator();
	try {
		for (let i = 0; i < 5; i++) h.step();
		const five = (await api(h, 'GET', `/v2/stocks/bars?symbols=AAPL&timeframe=5Min&start=${DAY1}`)).body.bars.AAPL;
		assert.equal(five.length, 1);
		// Minutes 0..4: opens 170.00..170.40; high = 170.90, low = 169.50, close = 170.60.
		assert.deepEqual({...five[0], vw: undefined}, {t: `${DAY1}T14:30:00Z`, o: 170, h: 170.9, l: 169.5, c: 170.6, v: 5010, n: 5, vw: undefined});
		const day = (await api(h, 'GET', `/v2/stocks/bars?symbols=AAPL&timeframe=1Day&start=${DAY1}`)).body.bars.AAPL;
		assert.equal(day[0].t, `${DAY1}T05:00:00Z`);
		for (const bad of [
			'timeframe=7Weeks',
			'timeframe=1Min&limit=0',
			'timeframe=1Min&sort=up',
			'timeframe=1Min&feed=nasdaq',
			'timeframe=1Min&start=noon',
			'timeframe=1Min&page_token=%21%21',
		]) {
			const reply = await api(h, 'GET', `/v2/stocks/bars?symbols=AAPL&${bad}`);
			assert.equal(reply.status, 400, bad);
			assert.equal(typeof reply.body.message, 'string');
		}
		assert.equal((await api(h, 'GET', '/v2/stocks/bars?timeframe=1Min')).status, 400, 'symbols required');
	} finally {
		await h.close();
	}
});

test('latest trade/quote/bar agree with the last arrived bar; snapshots', async () => {
	const h = await startTestEmulator();
	try {
		const early = (await api(h, 'GET', '/v2/stocks/AAPL/trades/latest?feed=iex')).body;
		assert.deepEqual(early, {symbol: 'AAPL', trade: null});
		h.step();
		h.step();
		const trade = (await api(h, 'GET', '/v2/stocks/AAPL/trades/latest?feed=iex')).body;
		assert.deepEqual(trade, {symbol: 'AAPL', trade: {t: `${DAY1}T14:31:59.999Z`, x: 'V', p: 170.3, s: 1001, c: ['@'], i: 2, z: 'C'}});
		const quote = (await api(h, 'GET', '/v2/stocks/AAPL/quotes/latest')).body.quote;
		assert.equal(quote.bp, 170.3);
		assert.equal(quote.ap, 170.3);
		const bar = (await api(h, 'GET', '/v2/stocks/AAPL/bars/latest')).body.bar;
		assert.equal(bar.t, `${DAY1}T14:31:00Z`);
		const multi = (await api(h, 'GET', '/v2/stocks/trades/latest?symbols=AAPL,MSFT,ZZZZ')).body;
		assert.deepEqual(Object.keys(multi.trades), ['AAPL', 'MSFT']);
		assert.equal(multi.trades.MSFT.p, 105.25);
		const quotes = (await api(h, 'GET', '/v2/stocks/quotes/latest?symbols=MSFT')).body;
		assert.equal(quotes.quotes.MSFT.ap, 105.25);
		const snap = (await api(h, 'GET', '/v2/stocks/AAPL/snapshot')).body;
		assert.equal(snap.symbol, 'AAPL');
		assert.equal(snap.latestTrade.p, 170.3);
		assert.equal(snap.minuteBar.t, `${DAY1}T14:31:00Z`);
		assert.equal(snap.dailyBar.o, 170);
		assert.equal(snap.prevDailyBar, null);
		const snaps = (await api(h, 'GET', '/v2/stocks/snapshots?symbols=AAPL,MSFT')).body;
		assert.deepEqual(Object.keys(snaps).sort(), ['AAPL', 'MSFT']);
		// Next day: yesterday becomes prevDailyBar.
		for (let i = 0; i < 5; i++) h.step();
		const next = (await api(h, 'GET', '/v2/stocks/AAPL/snapshot')).body;
		assert.equal(next.prevDailyBar.c, 170.6);
		assert.equal(next.dailyBar.o, 171);
	} finally {
		await h.close();
	}
});
