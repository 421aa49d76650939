/**
 * One token bucket shared by every REST call of the adapter (Alpaca allows 200 requests per
 * minute per account), plus the back-off after a 429: wait what `Retry-After` says (or an
 * exponential delay when it says nothing), with jitter so restarted clients do not stampede,
 * and hold the whole bucket meanwhile so the other calls wait too. Time is injectable
 * (`now`, `sleep`, `random`) so tests run on a fake clock. No SDK import: errors are
 * recognised by their `status` / `retryAfterMs` fields.
 */

export interface RateLimiterOptions {
	/** Requests per minute (bucket size and refill rate). Default 200. */
	readonly perMinute?: number;
	readonly now?: () => number;
	readonly sleep?: (ms: number) => Promise<void>;
	/** Uniform [0, 1). */
	readonly random?: () => number;
	/** First back-off when the server gave no Retry-After. Default 1000 ms. */
	readonly baseBackoffMs?: number;
	/** Longest single back-off. Default 60 s. */
	readonly maxBackoffMs?: number;
	/** Extra random wait on top of a Retry-After. Default up to 500 ms. */
	readonly retryAfterJitterMs?: number;
	/** Attempts after the first one before giving up. Default 6. */
	readonly maxRetries?: number;
	/** Told about every back-off (for one log line). */
	readonly onBackoff?: (info: BackoffInfo) => void;
}

export interface BackoffInfo {
	readonly label: string;
	readonly attempt: number;
	/** Retries allowed before the call fails (the "m" of "retry n of m"). */
	readonly maxRetries: number;
	readonly delayMs: number;
	readonly status: number | null;
	readonly retryAfterMs: number | null;
}

/** Decides whether a failed call may be sent again; null means no. */
export type RetryClassifier = (error: unknown) => {readonly retryAfterMs: number | null; readonly status: number | null} | null;

export class RateLimiterClosedError extends Error {
	override name = 'RateLimiterClosedError';
	constructor() {
		super('the Alpaca adapter is closed');
	}
}

const defaultSleep = (ms: number): Promise<void> =>
	new Promise(resolve => {
		// Unref'd: a pending back-off must not keep a quitting process alive.
		setTimeout(resolve, ms).unref();
	});

/** Token bucket: `capacity` tokens, refilled continuously over `intervalMs`; FIFO waiters. */
export class TokenBucket {
	private tokens: number;
	private last: number;
	private blockedUntil = 0;
	private tail: Promise<void> = Promise.resolve();
	private closed = false;

	constructor(
		readonly capacity: number,
		readonly intervalMs: number,
		private readonly now: () => number,
		private readonly sleep: (ms: number) => Promise<void>,
	) {
		if (!(capacity >= 1) || !(intervalMs > 0)) throw new RangeError('token bucket needs capacity >= 1 and a positive interval');
		this.tokens = capacity;
		this.last = now();
	}

	/** Resolves when a token was taken (in call order). */
	acquire(): Promise<void> {
		const next = this.tail.then(() => this.take());
		this.tail = next.catch(() => undefined);
		return next;
	}

	/** Nobody gets a token before `until` (server said 429). Only ever extends the pause. */
	pauseUntil(until: number): void {
		if (until > this.blockedUntil) this.blockedUntil = until;
	}

	/** Tokens available now (for tests and the status line). */
	available(): number {
		this.refill(this.now());
		return Math.floor(this.tokens);
	}

	close(): void {
		this.closed = true;
	}

	private async take(): Promise<void> {
		for (;;) {
			if (this.closed) throw new RateLimiterClosedError();
			const now = this.now();
			if (now < this.blockedUntil) {
				await this.sleep(this.blockedUntil - now);
				continue;
			}
			this.refill(now);
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return;
			}
			await this.sleep(Math.max(1, Math.ceil(((1 - this.tokens) * this.intervalMs) / this.capacity)));
		}
	}

	private refill(now: number): void {
		const elapsed = now - this.last;
		if (elapsed <= 0) return;
		this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.intervalMs);
		this.last = now;
	}
}

/** The HTTP status of an SDK error (ApiError has `status`), or null. */
export function errorStatus(error: unknown): number | null {
	const status = (error as {status?: unknown} | null)?.status;
	return typeof status === 'number' ? status : null;
}

/** Only a 429 may be resent as is: the server refused it before doing anything. */
export const retryOnRateLimit: RetryClassifier = error => {
	if (errorStatus(error) !== 429) return null;
	const hint = (error as {retryAfterMs?: unknown}).retryAfterMs;
	return {retryAfterMs: typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? hint : null, status: 429};
};

/**
 * For reads and other idempotent calls: a 429, a 5xx, or a network failure that is not our
 * own timeout (a timed-out read is simply asked again too: reading twice is harmless).
 */
export const retryIdempotent: RetryClassifier = error => {
	const limited = retryOnRateLimit(error);
	if (limited) return limited;
	const status = errorStatus(error);
	if (status !== null) return status >= 500 ? {retryAfterMs: null, status} : null;
	if ((error as {name?: unknown} | null)?.name === 'FetchError') return {retryAfterMs: null, status: null};
	return null;
};

export class RateLimiter {
	readonly bucket: TokenBucket;
	/** Calls made, 429s seen, back-offs waited (for tests and the status line). */
	readonly stats = {calls: 0, rateLimited: 0, backoffs: 0};
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly random: () => number;
	private readonly baseBackoffMs: number;
	private readonly maxBackoffMs: number;
	private readonly retryAfterJitterMs: number;
	private readonly maxRetries: number;
	private readonly onBackoff: ((info: BackoffInfo) => void) | undefined;

	constructor(options: RateLimiterOptions = {}) {
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? defaultSleep;
		this.random = options.random ?? Math.random;
		this.baseBackoffMs = options.baseBackoffMs ?? 1000;
		this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
		this.retryAfterJitterMs = options.retryAfterJitterMs ?? 500;
		this.maxRetries = options.maxRetries ?? 6;
		this.onBackoff = options.onBackoff;
		this.bucket = new TokenBucket(options.perMinute ?? 200, 60_000, this.now, this.sleep);
	}

	/**
	 * Run one HTTP call under the bucket. A failure the classifier accepts is retried after
	 * a back-off that also holds every other call; anything else (or the last failure) throws.
	 */
	async run<T>(label: string, call: () => Promise<T>, classify: RetryClassifier = retryOnRateLimit): Promise<T> {
		for (let attempt = 0; ; attempt++) {
			await this.bucket.acquire();
			this.stats.calls += 1;
			try {
				return await call();
			} catch (error) {
				const retry = classify(error);
				if (retry?.status === 429) this.stats.rateLimited += 1;
				if (!retry || attempt >= this.maxRetries) throw error;
				const delayMs = this.backoffDelay(attempt, retry.retryAfterMs);
				this.stats.backoffs += 1;
				if (retry.status === 429) this.bucket.pauseUntil(this.now() + delayMs);
				this.onBackoff?.({label, attempt: attempt + 1, maxRetries: this.maxRetries, delayMs, status: retry.status, retryAfterMs: retry.retryAfterMs});
				await this.sleep(delayMs);
			}
		}
	}

	/**
	 * The wait before retry number `attempt + 1`: the server's Retry-After plus up to
	 * `retryAfterJitterMs`, or else an exponential delay with "equal jitter" (half fixed,
	 * half random), never above the cap.
	 */
	backoffDelay(attempt: number, retryAfterMs: number | null): number {
		if (retryAfterMs !== null) {
			return Math.min(this.maxBackoffMs, Math.round(retryAfterMs + this.random() * this.retryAfterJitterMs));
		}
		const ceiling = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** attempt);
		return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
	}

	close(): void {
		this.bucket.close();
	}
}
