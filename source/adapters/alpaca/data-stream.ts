/**
 * The one market-data websocket (bars, quotes, trades on one feed). Channels are subscribed
 * before connecting (subscribing in onConnect makes the SDK send each subscribe twice; it re-sends them in one frame after every
 * re-authentication). A watchdog treats the socket as dead when no data arrived for
 * `silenceMs` (60 s) while the market is open, and opens a new one. Events are handed on
 * as the SDK's normalized objects; mapping to core types is the market-data adapter's job.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import type {ConnectionState, Subscription} from '../../ports/market-data.js';
import {StreamLifecycle, type AlpacaLog} from './client.js';

export interface DataStreamHandlers {
	onBar(bar: streaming.StreamBar): void;
	onQuote(quote: streaming.StreamQuote): void;
	onTrade(trade: streaming.StreamTrade): void;
	onState(state: ConnectionState): void;
	/** A reconnect re-authenticated (subscriptions were re-sent). */
	onReconnected(): void;
}

export interface WatchdogOptions {
	/** Silence that counts as a dead socket. Default 60 s. */
	readonly silenceMs?: number;
	/** How often to look. Default 5 s. */
	readonly checkEveryMs?: number;
	/** Wall clock for silence (injectable). */
	readonly now?: () => number;
	/** Whether the market is open now (silence outside hours is normal). */
	readonly marketOpen?: () => boolean;
}

export interface DataStreamOptions {
	readonly log: AlpacaLog;
	readonly url: string;
	readonly watchdog?: WatchdogOptions;
	/** Give up waiting for the first authentication after this long. Default 30 s. */
	readonly startTimeoutMs?: number;
}

export class DataStream {
	private readonly lifecycle: StreamLifecycle;
	private readonly now: () => number;
	private readonly silenceMs: number;
	private readonly checkEveryMs: number;
	private readonly marketOpen: () => boolean;
	private lastDataAt: number;
	/** When our connection state last changed (a handshake that never completes is dead too). */
	private stateSince: number;
	private started = false;
	/** A (re)authentication whose subscription confirmation is still awaited. */
	private awaitingSubscription: 'first' | 'again' | null = null;
	private wantsChannels = false;
	private timer: NodeJS.Timeout | null = null;
	private ready: {resolve: () => void; reject: (error: Error) => void} | null = null;
	/** Silent-socket restarts so far (for tests and the status line). */
	restarts = 0;

	constructor(
		private readonly socket: streaming.StockDataStream,
		private readonly handlers: DataStreamHandlers,
		private readonly options: DataStreamOptions,
	) {
		const w = options.watchdog ?? {};
		this.now = w.now ?? Date.now;
		this.silenceMs = w.silenceMs ?? 60_000;
		this.checkEveryMs = w.checkEveryMs ?? 5_000;
		this.marketOpen = w.marketOpen ?? (() => true);
		this.lastDataAt = this.now();
		this.stateSince = this.lastDataAt;
		socket.onBar(bar => {
			this.lastDataAt = this.now();
			handlers.onBar(bar);
		});
		socket.onQuote(quote => {
			this.lastDataAt = this.now();
			handlers.onQuote(quote);
		});
		socket.onTrade(trade => {
			this.lastDataAt = this.now();
			handlers.onTrade(trade);
		});
		socket.on('subscription', () => this.onSubscribed());
		socket.onError(message => {
			// Terminal auth errors are reported by the lifecycle; these are the rest (406, 409, ...).
			if (message !== 'auth failed' && message !== 'not authenticated' && message !== 'auth timeout') {
				options.log('warn', `market-data stream: ${message}`);
			}
		});
		this.lifecycle = new StreamLifecycle(socket, {
			onState: state => {
				this.stateSince = this.now();
				handlers.onState(state);
			},
			onAuthenticated: first => {
				this.lastDataAt = this.now();
				// Ready once the server confirms the channels (the SDK re-sends them right after
				// authenticating): only then can no bar slip by unseen.
				this.awaitingSubscription = first ? 'first' : 'again';
				if (!this.wantsChannels) this.onSubscribed();
			},
			onClosedForGood: reason => {
				const message = /auth/.test(reason)
					? `market-data stream at ${options.url} refused the API keys (${reason}): check APCA_API_KEY_ID / APCA_API_SECRET_KEY and the data plan for this feed`
					: `market-data stream at ${options.url} closed: ${reason}`;
				options.log('error', message);
				this.ready?.reject(new Error(message));
				this.ready = null;
			},
		});
	}

	get state(): ConnectionState {
		return this.lifecycle.state;
	}

	/** Subscribe before `start()`; later calls go out at once (the SDK sends the delta). */
	subscribe(subscription: Subscription): void {
		this.wantsChannels ||= subscription.bars.length + subscription.quotes.length + subscription.trades.length > 0;
		if (subscription.bars.length > 0) this.socket.subscribeForBars([...subscription.bars]);
		if (subscription.quotes.length > 0) this.socket.subscribeForQuotes([...subscription.quotes]);
		if (subscription.trades.length > 0) this.socket.subscribeForTrades([...subscription.trades]);
	}

	private onSubscribed(): void {
		const pending = this.awaitingSubscription;
		this.awaitingSubscription = null;
		if (pending === 'first') {
			this.ready?.resolve();
			this.ready = null;
		} else if (pending === 'again') {
			this.options.log('info', 'market-data stream reconnected');
			this.handlers.onReconnected();
		}
	}

	/** Connect; resolves once authenticated and subscribed, rejects when the keys are refused. */
	start(): Promise<void> {
		const started = new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.ready = null;
				const e = this.lifecycle.lastErrorMessage;
				reject(new Error(`market-data stream at ${this.options.url} did not authenticate in time${e ? ` (${e})` : ''}`));
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
		});
		this.started = true;
		this.lifecycle.start();
		this.startWatchdog();
		return started;
	}

	stop(): void {
		this.started = false;
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		this.ready?.reject(new Error('market-data stream stopped'));
		this.ready = null;
		this.lifecycle.stop();
	}

	/** Run one watchdog check now (the interval calls this; tests may too). */
	checkSilence(): boolean {
		const state = this.lifecycle.state;
		if (this.started && (state === 'connecting' || state === 'reconnecting')) {
			// A socket that opened but never authenticated (its answers lost) is dead as well.
			const stuck = this.now() - this.stateSince;
			if (stuck < this.silenceMs) return false;
			this.restarts += 1;
			this.options.log('warn', `market-data stream not connected after ${Math.round(stuck / 1000)} s: opening a new socket`);
			this.stateSince = this.now();
			this.lifecycle.restart();
			return true;
		}
		if (state !== 'connected') return false;
		const silent = this.now() - this.lastDataAt;
		if (silent < this.silenceMs || !this.marketOpen()) return false;
		this.restarts += 1;
		this.options.log('warn', `market-data stream silent for ${Math.round(silent / 1000)} s while the market is open: treating it as dead, reconnecting`);
		this.lastDataAt = this.now();
		this.lifecycle.restart();
		return true;
	}

	private startWatchdog(): void {
		if (this.timer || this.checkEveryMs <= 0) return;
		this.timer = setInterval(() => this.checkSilence(), this.checkEveryMs);
		this.timer.unref();
	}
}
