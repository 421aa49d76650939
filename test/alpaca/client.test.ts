/**
 * The real SDK through our fetchApi against a tiny loopback HTTP server: the origin rewrite,
 * the key headers, error mapping, the 429 back-off and the one-line key check.
 */
import assert from 'node:assert/strict';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'node:test';
import {checkCredentials, createAlpaca, redact} from '../../source/adapters/alpaca/index.js';
import {rewriteUrl} from '../../source/adapters/alpaca/client.js';
import {resolveAlpacaConfig} from '../../source/adapters/alpaca/config.js';
import {micros} from '../../source/core/money.js';

const KEY = 'PKCLIENTTEST0001';
const SECRET = 'client-secret-5c1e2b7a9d';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(
	handler: Handler,
): Promise<{url: string; requests: {method: string; url: string; headers: IncomingMessage['headers']; body: string}[]; close: () => Promise<void>}> {
	const requests: {method: string; url: string; headers: IncomingMessage['headers']; body: string}[] = [];
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', chunk => (body += chunk));
		req.on('end', () => {
			requests.push({method: req.method ?? '', url: req.url ?? '', headers: req.headers, body});
			handler(req, res, body);
		});
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {url: `http://127.0.0.1:${port}`, requests, close: () => new Promise(resolve => server.close(() => resolve()))};
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	res.writeHead(status, {'Content-Type': 'application/json', ...headers});
	res.end(JSON.stringify(body));
}

const ACCOUNT = {
	id: 'acc-1',
	account_number: 'PA1',
	status: 'ACTIVE',
	currency: 'USD',
	cash: '100000',
	buying_power: '400000',
	equity: '100000',
	trading_blocked: false,
	account_blocked: false,
};

function adapterFor(url: string, logs: string[]) {
	const config = resolveAlpacaConfig({
		env: {APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: SECRET, APCA_API_BASE_URL: url, APCA_API_DATA_URL: url},
		envFile: false,
	});
	return createAlpaca(config, {
		log: (level, message) => logs.push(`${level}: ${message}`),
		rateLimit: {random: () => 0, baseBackoffMs: 5, retryAfterJitterMs: 0},
		timeoutMs: 2000,
	});
}

test('rewriteUrl maps the SDK hosts and refuses others', () => {
	const config = {baseUrl: 'http://127.0.0.1:9/x', dataUrl: 'http://127.0.0.1:8'};
	assert.equal(rewriteUrl('https://paper-api.alpaca.markets/v2/orders?status=open', config), 'http://127.0.0.1:9/x/v2/orders?status=open');
	assert.equal(rewriteUrl('https://api.alpaca.markets/v2/account', config), 'http://127.0.0.1:9/x/v2/account');
	assert.equal(rewriteUrl('https://data.alpaca.markets/v2/stocks/bars?symbols=AAPL', config), 'http://127.0.0.1:8/v2/stocks/bars?symbols=AAPL');
	assert.throws(() => rewriteUrl('https://evil.example/v2/account', config), /unexpected host/);
});

test('REST goes to the configured server with both key headers; numbers come back exact', async () => {
	const server = await serve((req, res) => {
		if (req.url === '/v2/account') return json(res, 200, ACCOUNT);
		if (req.url?.startsWith('/v2/clock'))
			return json(res, 200, {
				timestamp: '2026-11-20T10:31:02.5133-05:00',
				is_open: true,
				next_open: '2026-11-23T09:30:00-05:00',
				next_close: '2026-11-20T16:00:00-05:00',
			});
		if (req.url?.startsWith('/v2/calendar'))
			return json(res, 200, [{date: '2026-11-27', open: '09:30', close: '13:00', session_open: '0400', session_close: '2000', settlement_date: '2026-12-01'}]);
		json(res, 404, {code: 40410000, message: 'not found'});
	});
	const logs: string[] = [];
	const alpaca = adapterFor(server.url, logs);
	try {
		const account = await alpaca.checkCredentials();
		assert.equal(account.cash, 100_000_000_000);
		const clock = await alpaca.rest.clock();
		assert.equal(clock.isOpen, true);
		assert.equal(clock.nextCloseMs, Date.parse('2026-11-20T21:00:00Z'));
		const days = await alpaca.rest.calendar('2026-11-27', '2026-11-27');
		assert.deepEqual(
			days.map(d => [d.date, d.earlyClose]),
			[['2026-11-27', true]],
		);
		const first = server.requests[0]!;
		assert.equal(first.headers['apca-api-key-id'], KEY);
		assert.equal(first.headers['apca-api-secret-key'], SECRET);
		const calendar = server.requests.find(r => r.url.startsWith('/v2/calendar'))!;
		assert.match(calendar.url, /start=2026-11-27T12%3A00%3A00/);
	} finally {
		await alpaca.close();
		await server.close();
	}
});

test('bad keys: one line naming the server, never the secret', async () => {
	const server = await serve((_req, res) => json(res, 401, {message: 'unauthorized.'}));
	const logs: string[] = [];
	const alpaca = adapterFor(server.url, logs);
	try {
		await assert.rejects(alpaca.checkCredentials(), (error: Error) => {
			assert.equal(error.message, `Alpaca rejected the API keys (401 unauthorized) for ${server.url} — check APCA_API_KEY_ID / APCA_API_SECRET_KEY`);
			assert.ok(!error.message.includes(SECRET), 'no secret');
			return true;
		});
	} finally {
		await alpaca.close();
		await server.close();
	}
	const forbidden = await checkCredentials(
		{account: async () => Promise.reject(Object.assign(new Error(`forbidden ${SECRET}`), {status: 403}))},
		{baseUrl: 'https://paper-api.alpaca.markets', secret: SECRET, keyId: KEY},
	).catch((e: Error) => e.message);
	assert.equal(
		forbidden,
		'Alpaca rejected the API keys (403 forbidden ***) for https://paper-api.alpaca.markets — check APCA_API_KEY_ID / APCA_API_SECRET_KEY',
	);
	const down = await checkCredentials(
		{account: async () => Promise.reject(Object.assign(new Error('x'), {name: 'FetchError', cause: {message: 'connect ECONNREFUSED 127.0.0.1:1'}}))},
		{
			baseUrl: 'http://127.0.0.1:1',
			secret: SECRET,
			keyId: KEY,
		},
	).catch((e: Error) => e.message);
	assert.equal(down, 'cannot reach Alpaca at http://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1');
});

test('429 with Retry-After: backed off and retried through the real SDK error', async () => {
	let calls = 0;
	const server = await serve((_req, res) => {
		calls += 1;
		if (calls <= 2) return json(res, 429, {code: 42910000, message: 'rate limit exceeded'}, {'Retry-After': '0'});
		json(res, 200, ACCOUNT);
	});
	const logs: string[] = [];
	const alpaca = adapterFor(server.url, logs);
	try {
		const account = await alpaca.rest.account();
		assert.equal(account.id, 'acc-1');
		assert.equal(calls, 3);
		assert.equal(alpaca.limiter.stats.rateLimited, 2);
		assert.equal(logs.filter(l => /rate limited \(429\), retrying/.test(l)).length, 2);
	} finally {
		await alpaca.close();
		await server.close();
	}
});

test('order POST: prices as strings, client order id, 403 body message surfaced', async () => {
	const server = await serve((req, res, body) => {
		if (req.method === 'POST' && req.url === '/v2/orders') {
			const o = JSON.parse(body) as Record<string, unknown>;
			if (o.qty === '100000') return json(res, 403, {code: 40310000, message: 'insufficient buying power'});
			return json(res, 200, {
				id: 'o-1',
				client_order_id: o.client_order_id,
				symbol: o.symbol,
				side: o.side,
				type: o.type,
				qty: o.qty,
				limit_price: o.limit_price,
				time_in_force: o.time_in_force,
				status: 'accepted',
				filled_qty: '0',
				filled_avg_price: null,
				submitted_at: '2026-11-20T15:31:02.120553Z',
				created_at: '2026-11-20T15:31:02.118Z',
				notional: null,
			});
		}
		json(res, 404, {message: 'not found'});
	});
	const logs: string[] = [];
	const alpaca = adapterFor(server.url, logs);
	const events: {event: string; message?: string; atSubmission: boolean; id: string}[] = [];
	alpaca.broker.onOrderEvent(e => events.push({event: e.event, atSubmission: e.atSubmission, id: e.order.id, ...(e.message ? {message: e.message} : {})}));
	try {
		alpaca.broker.submitOrder({
			symbol: 'AAPL',
			side: 'buy',
			type: 'limit',
			qty: 10,
			limitPrice: micros(187_254_000),
			timeInForce: 'day',
			clientOrderId: 'run-sc-AAPL-buy-1',
		});
		alpaca.broker.submitOrder({
			symbol: 'AAPL',
			side: 'buy',
			type: 'limit',
			qty: 100000,
			limitPrice: micros(187_250_000),
			timeInForce: 'day',
			clientOrderId: 'run-sc-AAPL-buy-2',
		});
		for (let i = 0; i < 50 && events.length < 2; i++) await new Promise(r => setTimeout(r, 10));
		const sent = server.requests.filter(r => r.method === 'POST').map(r => JSON.parse(r.body) as Record<string, unknown>);
		assert.deepEqual(
			sent.find(o => o.client_order_id === 'run-sc-AAPL-buy-1'),
			{symbol: 'AAPL', side: 'buy', type: 'limit', time_in_force: 'day', qty: '10', limit_price: '187.25', client_order_id: 'run-sc-AAPL-buy-1'},
		);
		assert.deepEqual(
			events.sort((a, b) => a.event.localeCompare(b.event)),
			[
				{event: 'new', atSubmission: false, id: 'o-1'},
				{event: 'rejected', atSubmission: true, id: '', message: '403 insufficient buying power'},
			],
		);
	} finally {
		await alpaca.close();
		await server.close();
	}
	for (const line of logs) assert.ok(!line.includes(SECRET), `secret in: ${line}`);
});

test('redact replaces every occurrence', () => {
	assert.equal(redact(`a ${SECRET} b ${SECRET}`, [SECRET]), 'a *** b ***');
	assert.equal(redact('abc', ['']), 'abc');
});
