/**
 * The life of one SDK websocket, shared by the trade-updates and market-data clients:
 * - connect, and a `start()` promise that resolves once the server confirmed the
 *   subscription after the first authentication (only then can no message slip by unseen),
 *   or rejects on a timeout or when the SDK closes for good (refused keys);
 * - our ConnectionState from the SDK's states, and a first authentication told from a
 *   re-authentication (the SDK reconnects with backoff and re-sends the subscription itself;
 *   client.ts sets the backoff);
 * - after a re-authentication, `onReconnected` once the re-sent subscription is confirmed;
 * - a handshake watchdog: a socket still not connected `stuckMs` after it started
 *   (re)connecting is dropped and a new one opened. Ping/pong catches a dead link; this
 *   catches a live one whose authentication answer never came (the SDK would wait forever).
 * Each client keeps its protocol: what to subscribe, what counts as confirmation, messages.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import type {ConnectionState} from '../../ports/market-data.js';
import type {AlpacaLog} from './client.js';

/** The part of an SDK socket client the lifecycle drives. */
export interface LifecycleSocket {
	onStateChange(fn: (state: streaming.STATE) => void): unknown;
	onError(fn: (message: string) => void): unknown;
	getState(): streaming.STATE;
	connect(): void;
	disconnect(): void;
}

export interface LifecycleOptions {
	/** "trade-updates stream": starts every log line and error message. */
	readonly name: string;
	readonly log: AlpacaLog;
	/** The message when `start()` gives up waiting (the last SDK error is appended). */
	readonly startTimeoutMessage: string;
	/** Give up waiting for the first confirmation after this long. Default 30 s. */
	readonly startTimeoutMs?: number;
	/** The message (logged, and `start()` rejects with it) when the SDK closes for good. */
	readonly closedMessage: (reason: string) => string;
	/** A socket not connected this long after it started (re)connecting is replaced. Default 60 s. */
	readonly stuckMs?: number;
	/** How often the watchdog looks. Default 5 s; 0 disables it. */
	readonly checkEveryMs?: number;
	/** What the watchdog runs (a client may add its own checks). Default `checkHandshake`. */
	readonly check?: () => void;
	/** Wall clock (injectable). */
	readonly now?: () => number;
}

export interface LifecycleHandlers {
	/** Our state for the header. */
	onState(state: ConnectionState): void;
	/** Every successful authentication; `first` is false after a reconnect. */
	onAuthenticated?(first: boolean): void;
	/** A reconnect re-authenticated and the server confirmed the subscription again. */
	onReconnected(): void;
}

export class StreamLifecycle {
	private authCount = 0;
	private stopping = false;
	private restarting = false;
	private lastError: string | null = null;
	private current: ConnectionState = 'disconnected';
	private readonly now: () => number;
	/** When the state last changed (a handshake that never completes is dead too). */
	private stateSince: number;
	/** An authentication whose subscription confirmation is still awaited. */
	private awaiting = false;
	/** The first confirmation came (`start()` resolved). */
	private confirmedOnce = false;
	private started = false;
	private watchdog: NodeJS.Timeout | null = null;
	private ready: {resolve: () => void; reject: (error: Error) => void} | null = null;
	/** Sockets replaced by the watchdog so far (tests, status line). */
	restarts = 0;

	constructor(
		private readonly socket: LifecycleSocket,
		private readonly options: LifecycleOptions,
		private readonly handlers: LifecycleHandlers,
	) {
		this.now = options.now ?? Date.now;
		this.stateSince = this.now();
		socket.onError(message => {
			this.lastError = message;
		});
		socket.onStateChange(state => this.onSdkState(state));
	}

	get state(): ConnectionState {
		return this.current;
	}

	get lastErrorMessage(): string | null {
		return this.lastError;
	}

	/** Started and between connections (connecting, or waiting to reconnect). */
	get inHandshake(): boolean {
		return this.started && (this.current === 'connecting' || this.current === 'reconnecting');
	}

	/**
	 * Connect; resolves once the first subscription is confirmed. `beforeConnect` runs right
	 * before the socket opens (subscribe there: the SDK sends it once, after authenticating).
	 */
	start(beforeConnect?: () => void): Promise<void> {
		if (this.confirmedOnce) return Promise.resolve();
		return new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.ready = null;
				const e = this.lastError;
				reject(new Error(`${this.options.startTimeoutMessage}${e ? ` (${e})` : ''}`));
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
			beforeConnect?.();
			this.started = true;
			this.stopping = false;
			this.socket.connect();
			this.startWatchdog();
		});
	}

	stop(): void {
		this.started = false;
		if (this.watchdog) clearInterval(this.watchdog);
		this.watchdog = null;
		this.ready?.reject(new Error(`${this.options.name} stopped`));
		this.ready = null;
		this.stopping = true;
		this.socket.disconnect();
		this.set('disconnected');
	}

	/** The server confirmed the subscription (the client decides what counts as that). */
	confirmed(): void {
		if (!this.awaiting) return;
		this.awaiting = false;
		if (!this.confirmedOnce) {
			this.confirmedOnce = true;
			this.ready?.resolve();
			this.ready = null;
			return;
		}
		this.options.log('info', `${this.options.name} reconnected`);
		this.handlers.onReconnected();
	}

	/**
	 * Run one handshake check now (the watchdog calls this): a socket still not connected
	 * `stuckMs` after it started (re)connecting is dropped and a new one opened.
	 */
	checkHandshake(): boolean {
		if (!this.inHandshake) return false;
		const stuck = this.now() - this.stateSince;
		if (stuck < (this.options.stuckMs ?? 60_000)) return false;
		this.replace(`${this.options.name} not connected after ${Math.round(stuck / 1000)} s: opening a new socket`);
		this.stateSince = this.now();
		return true;
	}

	/** Drop the socket and open a new one (it is dead: `why` is logged as a warning). */
	replace(why: string): void {
		this.restarts += 1;
		this.options.log('warn', why);
		this.restarting = true;
		this.set('reconnecting');
		this.socket.disconnect();
		this.restarting = false;
		if (!this.stopping) this.socket.connect();
	}

	private startWatchdog(): void {
		const every = this.options.checkEveryMs ?? 5_000;
		if (this.watchdog || every <= 0) return;
		const check = this.options.check ?? (() => this.checkHandshake());
		this.watchdog = setInterval(check, every);
		this.watchdog.unref();
	}

	private onSdkState(state: streaming.STATE): void {
		switch (state) {
			case 'authenticated':
				this.authCount += 1;
				this.set('connected');
				// Ready once the server confirms the subscription (the SDK re-sends it right
				// after authenticating).
				this.awaiting = true;
				this.handlers.onAuthenticated?.(this.authCount === 1);
				return;
			case 'connecting':
			case 'connected':
				this.set(this.authCount > 0 ? 'reconnecting' : 'connecting');
				return;
			case 'waiting to reconnect':
				this.set('reconnecting');
				return;
			case 'disconnected':
				if (this.stopping) {
					this.set('disconnected');
					return;
				}
				if (this.restarting) return;
				// A reconnect is scheduled synchronously right after this state when one will
				// follow; look once that has happened.
				queueMicrotask(() => {
					if (this.stopping || this.restarting) return;
					if (this.socket.getState() === 'disconnected') {
						this.set('disconnected');
						this.closedForGood(this.lastError ?? 'connection closed');
					}
				});
				this.set('reconnecting');
				return;
		}
	}

	private closedForGood(reason: string): void {
		const message = this.options.closedMessage(reason);
		this.options.log('error', message);
		this.ready?.reject(new Error(message));
		this.ready = null;
	}

	private set(state: ConnectionState): void {
		if (state === this.current) return;
		this.current = state;
		this.stateSince = this.now();
		this.handlers.onState(state);
	}
}
