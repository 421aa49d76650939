/**
 * The trade-updates websocket. `trade_updates` is subscribed before connecting (subscribing
 * in onConnect makes the SDK send `listen` twice, an SDK 4.0.2 quirk), and the stream counts as
 * ready only when the server confirms the subscription (`listening`; `onConnect` comes earlier): that is
 * when `start()` resolves and, after a reconnect, when `onReconnected` fires, so the broker
 * reconciles only once no update can slip between its REST read and the stream.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import type {ConnectionState} from '../../ports/market-data.js';
import {StreamLifecycle, type AlpacaLog} from './client.js';

export type TradeUpdate = streaming.TradeUpdate;

/** What the broker needs from a trade-updates source (a fake in unit tests). */
export interface TradeUpdateSource {
	onUpdate(listener: (update: TradeUpdate) => void): void;
	/** After a reconnect, once the subscription is confirmed again. */
	onReconnected(listener: () => void): void;
	onState(listener: (state: ConnectionState) => void): void;
	/** Resolves when subscribed; rejects with a one-line message when the server refuses the keys. */
	start(): Promise<void>;
	stop(): void;
	readonly state: ConnectionState;
}

export interface TradeStreamOptions {
	readonly log: AlpacaLog;
	/** Where the stream connects (for messages). */
	readonly url: string;
	/** Give up waiting for the first subscription after this long. Default 30 s. */
	readonly startTimeoutMs?: number;
	/**
	 * A socket not subscribed this long after it (re)connected is treated as dead and replaced:
	 * an authentication whose answer was lost leaves the SDK waiting forever. Default 60 s.
	 */
	readonly stuckMs?: number;
	/** How often to look. Default 5 s; 0 disables the check. */
	readonly checkEveryMs?: number;
	/** Wall clock (injectable). */
	readonly now?: () => number;
}

export class TradeStream implements TradeUpdateSource {
	private readonly lifecycle: StreamLifecycle;
	private readonly updateListeners: ((update: TradeUpdate) => void)[] = [];
	private readonly reconnectListeners: (() => void)[] = [];
	private readonly stateListeners: ((state: ConnectionState) => void)[] = [];
	/** Set on a re-authentication; cleared when its subscription confirmation arrives. */
	private awaitingResubscribe = false;
	private ready: {resolve: () => void; reject: (error: Error) => void} | null = null;
	private subscribed = false;
	private readonly now: () => number;
	/** When the stream last became connected, or started (re)connecting. */
	private stateSince: number;
	private watchdog: NodeJS.Timeout | null = null;
	private started = false;
	/** Sockets replaced because they never got subscribed (tests, status). */
	restarts = 0;

	constructor(
		private readonly socket: streaming.TradingStream,
		private readonly options: TradeStreamOptions,
	) {
		socket.onTradeUpdate(update => {
			for (const listener of this.updateListeners) listener(update);
		});
		socket.on('subscription', (streams: unknown) => this.onSubscription(streams));
		this.now = options.now ?? Date.now;
		this.stateSince = this.now();
		this.lifecycle = new StreamLifecycle(socket, {
			onState: state => {
				this.stateSince = this.now();
				for (const listener of this.stateListeners) listener(state);
			},
			onAuthenticated: first => {
				if (!first) this.awaitingResubscribe = true;
			},
			onClosedForGood: reason => this.onClosedForGood(reason),
		});
	}

	get state(): ConnectionState {
		return this.lifecycle.state;
	}

	onUpdate(listener: (update: TradeUpdate) => void): void {
		this.updateListeners.push(listener);
	}

	onReconnected(listener: () => void): void {
		this.reconnectListeners.push(listener);
	}

	onState(listener: (state: ConnectionState) => void): void {
		this.stateListeners.push(listener);
	}

	start(): Promise<void> {
		if (this.subscribed) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.ready = null;
				reject(new Error(`trade-updates stream at ${this.options.url} did not confirm the subscription in time${this.lastError()}`));
			}, this.options.startTimeoutMs ?? 30_000);
			timer.unref();
			this.ready = {
				resolve: () => {
					clearTimeout(timer);
					resolve();
				},
				reject: error => {
					clearTimeout(timer);
					reject(error);
				},
			};
			// Before connect: the SDK sends it once, after authentication.
			this.socket.subscribeTradeUpdates();
			this.started = true;
			this.lifecycle.start();
			this.startWatchdog();
		});
	}

	stop(): void {
		this.started = false;
		if (this.watchdog) clearInterval(this.watchdog);
		this.watchdog = null;
		this.ready?.reject(new Error('trade-updates stream stopped'));
		this.ready = null;
		this.lifecycle.stop();
	}

	/**
	 * Run one handshake check now (the interval calls this): a socket still not subscribed
	 * `stuckMs` after it started (re)connecting is dropped and a new one opened. Ping/pong
	 * catches a dead link; this catches a live one whose authentication answer never came.
	 */
	checkHandshake(): boolean {
		const state = this.lifecycle.state;
		if (!this.started || (state !== 'connecting' && state !== 'reconnecting')) return false;
		const stuck = this.now() - this.stateSince;
		if (stuck < (this.options.stuckMs ?? 60_000)) return false;
		this.restarts += 1;
		this.options.log('warn', `trade-updates stream not connected after ${Math.round(stuck / 1000)} s: opening a new socket`);
		this.stateSince = this.now();
		this.lifecycle.restart();
		return true;
	}

	private startWatchdog(): void {
		const every = this.options.checkEveryMs ?? 5_000;
		if (this.watchdog || every <= 0) return;
		this.watchdog = setInterval(() => this.checkHandshake(), every);
		this.watchdog.unref();
	}

	private onSubscription(streams: unknown): void {
		if (!Array.isArray(streams) || !streams.includes('trade_updates')) return;
		if (!this.subscribed) {
			this.subscribed = true;
			this.ready?.resolve();
			this.ready = null;
			return;
		}
		if (this.awaitingResubscribe) {
			this.awaitingResubscribe = false;
			this.options.log('info', 'trade-updates stream reconnected');
			for (const listener of this.reconnectListeners) listener();
		}
	}

	private onClosedForGood(reason: string): void {
		const message =
			reason === 'auth failed'
				? `trade-updates stream at ${this.options.url} refused the API keys: check APCA_API_KEY_ID / APCA_API_SECRET_KEY`
				: `trade-updates stream at ${this.options.url} closed: ${reason}`;
		this.options.log('error', message);
		this.ready?.reject(new Error(message));
		this.ready = null;
	}

	private lastError(): string {
		const e = this.lifecycle.lastErrorMessage;
		return e ? ` (${e})` : '';
	}
}
