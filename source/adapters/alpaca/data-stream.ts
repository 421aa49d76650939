/**
 * The one market-data websocket (bars, quotes, trades on one feed). Channels are subscribed
 * before connecting (subscribing in onConnect makes the SDK send each subscribe twice; it re-sends them in one frame after every
 * re-authentication). A watchdog treats the socket as dead when no data arrived for
 * `silenceMs` (60 s) while the market is open, and opens a new one. Events are handed on
 * as the SDK's normalized objects; mapping to core types is the market-data adapter's job.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import type {ConnectionState, Subscription} from '../../ports/market-data.js';
import type {AlpacaLog} from './client.js';
import {StreamLifecycle} from './stream-lifecycle.js';

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
	private readonly marketOpen: () => boolean;
	private lastDataAt: number;
	private wantsChannels = false;

	constructor(
		private readonly socket: streaming.StockDataStream,
		handlers: DataStreamHandlers,
		options: DataStreamOptions,
	) {
		const w = options.watchdog ?? {};
		this.now = w.now ?? Date.now;
		this.silenceMs = w.silenceMs ?? 60_000;
		this.marketOpen = w.marketOpen ?? (() => true);
		this.lastDataAt = this.now();
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
		socket.on('subscription', () => this.lifecycle.confirmed());
		socket.onError(message => {
			// Terminal auth errors are reported by the lifecycle; these are the rest (406, 409, ...).
			if (message !== 'auth failed' && message !== 'not authenticated' && message !== 'auth timeout') {
				options.log('warn', `market-data stream: ${message}`);
			}
		});
		const url = options.url;
		this.lifecycle = new StreamLifecycle(
			socket,
			{
				name: 'market-data stream',
				log: options.log,
				startTimeoutMessage: `market-data stream at ${url} did not authenticate in time`,
				closedMessage: reason =>
					/auth/.test(reason)
						? `market-data stream at ${url} refused the API keys (${reason}): check APCA_API_KEY_ID / APCA_API_SECRET_KEY and the data plan for this feed`
						: `market-data stream at ${url} closed: ${reason}`,
				...(options.startTimeoutMs === undefined ? {} : {startTimeoutMs: options.startTimeoutMs}),
				// A socket that opened but never authenticated (its answers lost) is dead as well.
				stuckMs: this.silenceMs,
				checkEveryMs: w.checkEveryMs ?? 5_000,
				check: () => this.checkSilence(),
				now: this.now,
			},
			{
				onState: state => handlers.onState(state),
				onAuthenticated: () => {
					this.lastDataAt = this.now();
					// Nothing subscribed: no confirmation will come, and none is needed.
					if (!this.wantsChannels) this.lifecycle.confirmed();
				},
				onReconnected: () => handlers.onReconnected(),
			},
		);
	}

	get state(): ConnectionState {
		return this.lifecycle.state;
	}

	/** Silent-socket restarts so far (for tests and the status line). */
	get restarts(): number {
		return this.lifecycle.restarts;
	}

	/** Subscribe before `start()`; later calls go out at once (the SDK sends the delta). */
	subscribe(subscription: Subscription): void {
		this.wantsChannels ||= subscription.bars.length + subscription.quotes.length + subscription.trades.length > 0;
		if (subscription.bars.length > 0) this.socket.subscribeForBars([...subscription.bars]);
		if (subscription.quotes.length > 0) this.socket.subscribeForQuotes([...subscription.quotes]);
		if (subscription.trades.length > 0) this.socket.subscribeForTrades([...subscription.trades]);
	}

	/** Connect; resolves once authenticated and subscribed, rejects when the keys are refused. */
	start(): Promise<void> {
		return this.lifecycle.start();
	}

	stop(): void {
		this.lifecycle.stop();
	}

	/** Run one watchdog check now (the interval calls this; tests may too). */
	checkSilence(): boolean {
		if (this.lifecycle.checkHandshake()) return true;
		if (this.lifecycle.state !== 'connected') return false;
		const silent = this.now() - this.lastDataAt;
		if (silent < this.silenceMs || !this.marketOpen()) return false;
		this.lifecycle.replace(`market-data stream silent for ${Math.round(silent / 1000)} s while the market is open: treating it as dead, reconnecting`);
		this.lastDataAt = this.now();
		return true;
	}
}
