/**
 * The trade-updates websocket. `trade_updates` is subscribed before connecting (subscribing
 * in onConnect makes the SDK send `listen` twice, an SDK 4.0.2 quirk), and the stream counts as
 * ready only when the server confirms the subscription (`listening`; `onConnect` comes earlier): that is
 * when `start()` resolves and, after a reconnect, when `onReconnected` fires, so the broker
 * reconciles only once no update can slip between its REST read and the stream.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import type {ConnectionState} from '../../ports/market-data.js';
import type {AlpacaLog} from './client.js';
import {StreamLifecycle} from './stream-lifecycle.js';

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

	constructor(
		private readonly socket: streaming.TradingStream,
		options: TradeStreamOptions,
	) {
		socket.onTradeUpdate(update => {
			for (const listener of this.updateListeners) listener(update);
		});
		socket.on('subscription', (streams: unknown) => {
			if (Array.isArray(streams) && streams.includes('trade_updates')) this.lifecycle.confirmed();
		});
		const url = options.url;
		this.lifecycle = new StreamLifecycle(
			socket,
			{
				name: 'trade-updates stream',
				log: options.log,
				startTimeoutMessage: `trade-updates stream at ${url} did not confirm the subscription in time`,
				closedMessage: reason =>
					reason === 'auth failed'
						? `trade-updates stream at ${url} refused the API keys: check APCA_API_KEY_ID / APCA_API_SECRET_KEY`
						: `trade-updates stream at ${url} closed: ${reason}`,
				...(options.startTimeoutMs === undefined ? {} : {startTimeoutMs: options.startTimeoutMs}),
				...(options.stuckMs === undefined ? {} : {stuckMs: options.stuckMs}),
				...(options.checkEveryMs === undefined ? {} : {checkEveryMs: options.checkEveryMs}),
				...(options.now === undefined ? {} : {now: options.now}),
			},
			{
				onState: state => {
					for (const listener of this.stateListeners) listener(state);
				},
				onReconnected: () => {
					for (const listener of this.reconnectListeners) listener();
				},
			},
		);
	}

	get state(): ConnectionState {
		return this.lifecycle.state;
	}

	/** Sockets replaced because they never got subscribed (tests, status). */
	get restarts(): number {
		return this.lifecycle.restarts;
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
		// Before connect: the SDK sends it once, after authentication.
		return this.lifecycle.start(() => this.socket.subscribeTradeUpdates());
	}

	stop(): void {
		this.lifecycle.stop();
	}

	/** Run one handshake check now (the watchdog does this every `checkEveryMs`). */
	checkHandshake(): boolean {
		return this.lifecycle.checkHandshake();
	}
}
