/**
 * Fault injection, switchable per test (or per scenario at runtime). The switches only
 * change what clients see; the simulated exchange underneath keeps its exact rules.
 *
 * - streams: drop either websocket (abruptly or with a close frame), or go silent without
 *   closing (no messages, no pongs; what would have been sent is lost, as on a dead link);
 * - HTTP: bursts of 500/503/429 replies, and replies held back past the client's timeout
 *   while the request itself is carried out (an order placed but its reply lost);
 * - trade updates: held back until released, delayed, duplicated, reordered (pairs swapped),
 *   fills split into a partial_fill + fill, orders rejected (synchronously over HTTP, or accepted and then
 *   rejected by a trade update).
 */

export type DropMode = 'terminate' | 'close';

export interface RequestMatch {
	/** HTTP method (any when absent). */
	readonly method?: string;
	/** Exact path or a pattern (any when absent). */
	readonly path?: string | RegExp;
}

export interface RejectOptions {
	/** 'http': refuse the POST with an error reply; 'event': accept it, then send `rejected`. */
	readonly mode?: 'http' | 'event';
	/** HTTP mode: status (default 403). */
	readonly status?: number;
	/** HTTP mode: body code (default 40310000). */
	readonly code?: number;
	/** Default "insufficient buying power". */
	readonly message?: string;
}

export interface PartialFillOptions {
	/** Share of each fill delivered first as a partial_fill (0 < fraction < 1). */
	readonly fraction?: number;
	/** Or a fixed number of shares delivered first. */
	readonly qty?: number;
}

export interface FaultControls {
	/** Close every trade-updates socket now; returns how many were dropped. */
	dropTradeStream(how?: DropMode): number;
	/** Close every market-data socket now; returns how many were dropped. */
	dropDataStream(how?: DropMode): number;
	/** Keep the trade-updates sockets open but send nothing (not even pongs) while on. */
	silenceTradeStream(on?: boolean): void;
	/** Keep the market-data sockets open but send nothing (not even pongs) while on. */
	silenceDataStream(on?: boolean): void;
	/** The next `count` matching HTTP requests fail with `status` (500 default; 429 adds rate-limit headers). */
	failRequests(count: number, status?: number, match?: RequestMatch): void;
	/**
	 * The next `count` matching requests (default: POST /v2/orders) are carried out but their
	 * reply is held back `delayMs` of wall time, past the client's timeout.
	 */
	slowResponses(count: number, delayMs: number, match?: RequestMatch): void;
	/**
	 * While on, trade updates queue (not counted by whenIdle: the caller holds them on purpose);
	 * turning it off sends them in order. A test steps with updates held, waits until the
	 * clients have handled the minute's market data, then releases: a client always sees the
	 * trade before the fill it caused (on two sockets the order is otherwise up to the network).
	 */
	holdTradeUpdates(on?: boolean): void;
	/** Deliver each trade update `ms` of wall time late (0 = off). */
	delayTradeUpdates(ms: number): void;
	/** Deliver every trade update twice. */
	duplicateTradeUpdates(on?: boolean): void;
	/** Swap consecutive trade updates (a lone one is released after a short hold or when turned off). */
	reorderTradeUpdates(on?: boolean): void;
	/** Deliver each fill of 2+ shares as a partial_fill followed by a fill of the rest (null = off). */
	partialFills(options: PartialFillOptions | null): void;
	/** Reject the next `count` order submissions. */
	rejectOrders(count: number, options?: RejectOptions): void;
	/**
	 * Send one frame as it is to every authenticated trade-updates client (malformed-message
	 * tests): a Buffer or string goes out byte for byte, anything else is encoded with the
	 * client's codec. Returns how many clients got it.
	 */
	injectTradeFrame(frame: unknown): number;
	/** The same on the market-data sockets (msgpack clients get msgpack unless given bytes). */
	injectDataFrame(frame: unknown): number;
	/** Every switch off, queues emptied. */
	reset(): void;
}

/** What the streams expose to the switches. */
export interface StreamHooks {
	dropTrade(how: DropMode): number;
	dropData(how: DropMode): number;
	setTradeSilent(on: boolean): void;
	setDataSilent(on: boolean): void;
	/** The delivery settings changed (a held update may need releasing). */
	deliveryChanged(): void;
	injectTrade(frame: unknown): number;
	injectData(frame: unknown): number;
}

interface CountedRule {
	remaining: number;
	readonly match: RequestMatch;
}

export interface ResolvedRejection {
	readonly mode: 'http' | 'event';
	readonly status: number;
	readonly code: number;
	readonly message: string;
}

function matches(match: RequestMatch, method: string, path: string): boolean {
	if (match.method !== undefined && match.method.toUpperCase() !== method) return false;
	if (match.path === undefined) return true;
	return typeof match.path === 'string' ? match.path === path : match.path.test(path);
}

function takeFrom<T extends CountedRule>(rules: T[], method: string, path: string): T | null {
	for (let i = 0; i < rules.length; i++) {
		const rule = rules[i]!;
		if (!matches(rule.match, method, path)) continue;
		rule.remaining -= 1;
		if (rule.remaining <= 0) rules.splice(i, 1);
		return rule;
	}
	return null;
}

function checkCount(count: number): void {
	if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`count must be a whole number >= 0, got ${count}`);
}

export class Faults implements FaultControls {
	private readonly failures: Array<CountedRule & {readonly status: number}> = [];
	private readonly slow: Array<CountedRule & {readonly delayMs: number}> = [];
	private readonly rejections: ResolvedRejection[] = [];
	private hooks: StreamHooks | null = null;
	private partial: PartialFillOptions | null = null;
	delayMs = 0;
	duplicate = false;
	reorder = false;
	hold = false;

	attach(hooks: StreamHooks): void {
		this.hooks = hooks;
	}

	// --- switches ------------------------------------------------------------------------

	dropTradeStream(how: DropMode = 'terminate'): number {
		return this.hooks?.dropTrade(how) ?? 0;
	}

	dropDataStream(how: DropMode = 'terminate'): number {
		return this.hooks?.dropData(how) ?? 0;
	}

	silenceTradeStream(on = true): void {
		this.hooks?.setTradeSilent(on);
	}

	silenceDataStream(on = true): void {
		this.hooks?.setDataSilent(on);
	}

	failRequests(count: number, status = 500, match: RequestMatch = {}): void {
		checkCount(count);
		if (!(Number.isInteger(status) && status >= 400 && status <= 599)) throw new RangeError(`status must be 400-599, got ${status}`);
		if (count > 0) this.failures.push({remaining: count, status, match});
	}

	slowResponses(count: number, delayMs: number, match: RequestMatch = {method: 'POST', path: '/v2/orders'}): void {
		checkCount(count);
		if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${delayMs}`);
		if (count > 0) this.slow.push({remaining: count, delayMs, match});
	}

	holdTradeUpdates(on = true): void {
		this.hold = on;
		this.hooks?.deliveryChanged();
	}

	delayTradeUpdates(ms: number): void {
		if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`delay must be >= 0 ms, got ${ms}`);
		this.delayMs = ms;
		this.hooks?.deliveryChanged();
	}

	duplicateTradeUpdates(on = true): void {
		this.duplicate = on;
		this.hooks?.deliveryChanged();
	}

	reorderTradeUpdates(on = true): void {
		this.reorder = on;
		this.hooks?.deliveryChanged();
	}

	partialFills(options: PartialFillOptions | null): void {
		if (options) {
			const {fraction, qty} = options;
			if (fraction !== undefined && !(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be between 0 and 1, got ${fraction}`);
			if (qty !== undefined && !(Number.isInteger(qty) && qty > 0)) throw new RangeError(`qty must be a whole number > 0, got ${qty}`);
			if (fraction === undefined && qty === undefined) throw new RangeError('partialFills needs a fraction or a qty');
		}
		this.partial = options;
	}

	rejectOrders(count: number, options: RejectOptions = {}): void {
		checkCount(count);
		const rejection: ResolvedRejection = {
			mode: options.mode ?? 'http',
			status: options.status ?? 403,
			code: options.code ?? 40310000,
			message: options.message ?? 'insufficient buying power',
		};
		for (let i = 0; i < count; i++) this.rejections.push(rejection);
	}

	injectTradeFrame(frame: unknown): number {
		return this.hooks?.injectTrade(frame) ?? 0;
	}

	injectDataFrame(frame: unknown): number {
		return this.hooks?.injectData(frame) ?? 0;
	}

	reset(): void {
		this.failures.length = 0;
		this.slow.length = 0;
		this.rejections.length = 0;
		this.partial = null;
		this.delayMs = 0;
		this.duplicate = false;
		this.reorder = false;
		this.hold = false;
		this.hooks?.setTradeSilent(false);
		this.hooks?.setDataSilent(false);
		this.hooks?.deliveryChanged();
	}

	// --- queries by the emulator ---------------------------------------------------------

	/** Status of an injected failure for this request, or null. */
	takeRequestFailure(method: string, path: string): number | null {
		return takeFrom(this.failures, method, path)?.status ?? null;
	}

	/** Wall milliseconds to hold this request's reply back (0 = none). */
	takeSlowResponse(method: string, path: string): number {
		return takeFrom(this.slow, method, path)?.delayMs ?? 0;
	}

	takeRejection(): ResolvedRejection | null {
		return this.rejections.shift() ?? null;
	}

	/** Shares to deliver first as a partial_fill out of a fill of `qty`, or null for a whole fill. */
	partialFirstQty(qty: number): number | null {
		if (!this.partial || qty < 2) return null;
		const first = this.partial.qty ?? Math.floor(qty * this.partial.fraction!);
		return Math.min(Math.max(first, 1), qty - 1);
	}
}

/** How long a lone update waits for a partner when reordering is on (wall ms). */
export const REORDER_HOLD_MS = 500;

/**
 * The trade-update delivery line: hold -> reorder (swap pairs) -> duplicate -> delay -> deliver.
 * Deterministic except for the wall-clock delay and the release of a lone held update.
 */
export class TradeUpdateShaper<T> {
	/** Queued while the hold switch is on. */
	private readonly onHold: T[] = [];
	private held: T | null = null;
	private holdTimer: NodeJS.Timeout | undefined;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(
		private readonly faults: Faults,
		private readonly deliver: (item: T) => void,
	) {}

	push(item: T): void {
		if (this.faults.hold) {
			this.onHold.push(item);
			return;
		}
		if (!this.faults.reorder) {
			this.releaseHeld();
			this.forward(item);
			return;
		}
		if (this.held === null) {
			this.held = item;
			this.holdTimer = setTimeout(() => this.releaseHeld(), REORDER_HOLD_MS);
			return;
		}
		const earlier = this.held;
		this.clearHold();
		this.forward(item);
		this.forward(earlier);
	}

	/** Updates held back (reordering) or waiting out a delay. */
	get pending(): number {
		return this.timers.size + (this.held === null ? 0 : 1);
	}

	/** Settings changed: a held update is released when reordering was turned off. */
	settingsChanged(): void {
		if (!this.faults.hold) for (const item of this.onHold.splice(0)) this.push(item);
		if (!this.faults.reorder) this.releaseHeld();
	}

	private releaseHeld(): void {
		if (this.held === null) return;
		const item = this.held;
		this.clearHold();
		this.forward(item);
	}

	private clearHold(): void {
		this.held = null;
		if (this.holdTimer) clearTimeout(this.holdTimer);
		this.holdTimer = undefined;
	}

	private forward(item: T): void {
		const copies = this.faults.duplicate ? 2 : 1;
		for (let i = 0; i < copies; i++) {
			const delay = this.faults.delayMs;
			if (delay <= 0) {
				this.deliver(item);
				continue;
			}
			const timer = setTimeout(() => {
				this.timers.delete(timer);
				this.deliver(item);
			}, delay);
			this.timers.add(timer);
		}
	}

	close(): void {
		this.onHold.length = 0;
		this.clearHold();
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
