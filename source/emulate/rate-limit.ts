/**
 * Alpaca's request limit (200 per minute per account) as a fixed one-minute window per bucket,
 * started by the bucket's first request, with the X-RateLimit-* headers Alpaca sends
 * (reset = unix seconds when the window ends). Wall time, not market time: it limits the
 * client's real request rate.
 */

export interface RateDecision {
	readonly allowed: boolean;
	readonly limit: number;
	readonly remaining: number;
	/** Unix seconds when the current window ends. */
	readonly resetSec: number;
	/** Whole seconds until the window ends (at least 1), for Retry-After. */
	readonly retryAfterSec: number;
}

interface Window {
	start: number;
	count: number;
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();

	constructor(
		/** Requests per minute; 0 or Infinity turns the limit off. */
		private readonly limit: number,
		private readonly now: () => number = Date.now,
	) {}

	get enabled(): boolean {
		return this.limit > 0 && Number.isFinite(this.limit);
	}

	/** Count one request in the bucket and say whether it may proceed. */
	take(bucket: string): RateDecision {
		const now = this.now();
		let window = this.windows.get(bucket);
		if (!window || now >= window.start + 60_000) {
			window = {start: now, count: 0};
			this.windows.set(bucket, window);
			if (this.windows.size > 10_000) this.prune(now);
		}
		const allowed = !this.enabled || window.count < this.limit;
		if (allowed) window.count += 1;
		const end = window.start + 60_000;
		const limit = this.enabled ? this.limit : 0;
		return {
			allowed,
			limit,
			remaining: this.enabled ? Math.max(this.limit - window.count, 0) : 0,
			resetSec: Math.ceil(end / 1000),
			retryAfterSec: Math.max(1, Math.ceil((end - now) / 1000)),
		};
	}

	private prune(now: number): void {
		for (const [key, window] of this.windows) if (now >= window.start + 60_000) this.windows.delete(key);
	}
}

export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
	if (decision.limit === 0) return {};
	return {
		'X-RateLimit-Limit': String(decision.limit),
		'X-RateLimit-Remaining': String(decision.remaining),
		'X-RateLimit-Reset': String(decision.resetSec),
	};
}
