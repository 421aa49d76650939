import assert from 'node:assert/strict';
import {test} from 'node:test';
import {RateLimiter, RateLimiterClosedError, retryIdempotent, TokenBucket} from '../../source/adapters/alpaca/rate-limit.js';

/** A fake clock: sleeping advances it at once and records the wait. */
function fakeTime(start = 1_000_000) {
	let t = start;
	const sleeps: number[] = [];
	return {
		now: () => t,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			t += ms;
		},
		advance: (ms: number) => {
			t += ms;
		},
		sleeps,
	};
}

function apiError(status: number, retryAfterMs?: number): Error {
	return Object.assign(new Error(`HTTP ${status}`), {status, ...(retryAfterMs === undefined ? {} : {retryAfterMs})});
}

test('200 requests pass at once, the 201st waits for one token (300 ms)', async () => {
	const time = fakeTime();
	const bucket = new TokenBucket(200, 60_000, time.now, time.sleep);
	for (let i = 0; i < 200; i++) await bucket.acquire();
	assert.deepEqual(time.sleeps, []);
	await bucket.acquire();
	assert.deepEqual(time.sleeps, [300]);
	assert.equal(bucket.available(), 0);
	time.advance(60_000);
	assert.equal(bucket.available(), 200, 'refills to capacity, not beyond');
});

test('waiters are served in call order', async () => {
	const time = fakeTime();
	const bucket = new TokenBucket(2, 1000, time.now, time.sleep);
	const order: number[] = [];
	await Promise.all([1, 2, 3, 4].map(i => bucket.acquire().then(() => order.push(i))));
	assert.deepEqual(order, [1, 2, 3, 4]);
	assert.deepEqual(time.sleeps, [500, 500]);
});

test('a 429 waits Retry-After plus jitter, pauses everyone, then succeeds', async () => {
	const time = fakeTime();
	const backoffs: number[] = [];
	const limiter = new RateLimiter({now: time.now, sleep: time.sleep, random: () => 0.5, retryAfterJitterMs: 400, onBackoff: b => backoffs.push(b.delayMs)});
	let calls = 0;
	const result = await limiter.run('GET /v2/account', async () => {
		calls += 1;
		if (calls === 1) throw apiError(429, 2000);
		return 'ok';
	});
	assert.equal(result, 'ok');
	assert.equal(calls, 2);
	assert.deepEqual(backoffs, [2200]);
	assert.equal(limiter.stats.rateLimited, 1);
	// The bucket is held for the same time: another call made now waits for the pause.
	const limiter2 = new RateLimiter({now: time.now, sleep: time.sleep, random: () => 0});
	limiter2.bucket.pauseUntil(time.now() + 5000);
	const before = time.sleeps.length;
	await limiter2.run('x', async () => 1);
	assert.deepEqual(time.sleeps.slice(before), [5000]);
});

test('without Retry-After: exponential back-off with equal jitter, capped', () => {
	const limiter = new RateLimiter({baseBackoffMs: 1000, maxBackoffMs: 8000, random: () => 1});
	assert.deepEqual(
		[0, 1, 2, 3, 4, 5].map(a => limiter.backoffDelay(a, null)),
		[1000, 2000, 4000, 8000, 8000, 8000],
	);
	const low = new RateLimiter({baseBackoffMs: 1000, maxBackoffMs: 8000, random: () => 0});
	assert.deepEqual(
		[0, 1, 2, 3].map(a => low.backoffDelay(a, null)),
		[500, 1000, 2000, 4000],
	);
	const capped = new RateLimiter({maxBackoffMs: 3000, random: () => 0});
	assert.equal(capped.backoffDelay(0, 10_000), 3000);
});

test('gives up after maxRetries and throws the last error', async () => {
	const time = fakeTime();
	const limiter = new RateLimiter({now: time.now, sleep: time.sleep, random: () => 0, maxRetries: 2});
	let calls = 0;
	await assert.rejects(
		limiter.run('GET', async () => {
			calls += 1;
			throw apiError(429);
		}),
		(e: unknown) => (e as {status?: number}).status === 429,
	);
	assert.equal(calls, 3);
});

test('only 429 is retried by default; reads also retry 5xx and network errors, never 4xx', async () => {
	const time = fakeTime();
	const limiter = new RateLimiter({now: time.now, sleep: time.sleep, random: () => 0});
	let calls = 0;
	await assert.rejects(
		limiter.run('POST', async () => {
			calls += 1;
			throw apiError(500);
		}),
	);
	assert.equal(calls, 1, 'a POST is never resent on 5xx by the limiter');
	assert.equal(retryIdempotent(apiError(503))?.status, 503);
	assert.equal(retryIdempotent(apiError(403)), null);
	assert.equal(retryIdempotent(Object.assign(new Error('x'), {name: 'FetchError'}))?.status, null);
	assert.notEqual(retryIdempotent(Object.assign(new Error('x'), {name: 'FetchError'})), null);
	calls = 0;
	const value = await limiter.run(
		'GET',
		async () => {
			calls += 1;
			if (calls < 3) throw apiError(502);
			return 7;
		},
		retryIdempotent,
	);
	assert.equal(value, 7);
});

test('closing stops waiting calls', async () => {
	const limiter = new RateLimiter({perMinute: 1, sleep: () => new Promise(r => setTimeout(r, 5))});
	await limiter.run('a', async () => 1);
	const pending = limiter.run('b', async () => 2);
	limiter.close();
	await assert.rejects(pending, RateLimiterClosedError);
});
