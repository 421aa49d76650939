/**
 * The MarketData port over Alpaca: one market-data websocket for every strategy, REST for
 * the session's minute bars. Streamed events are mapped to exact core types (bad numbers are
 * logged and dropped, never passed on); bars are delivered once each and in time order. After
 * a reconnect the bars missed while the socket was down are fetched from REST and delivered
 * first; live bars arriving meanwhile wait behind them. Last trade prices are kept from the
 * stream, so nobody needs a REST call for them.
 */
import type {streaming} from '@alpacahq/alpaca-trade-api';
import {type Micros, ZERO_MICROS} from '../../core/money.js';
import {barProblem} from '../../core/market-checks.js';
import {MINUTE_MS} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import type {ConnectionState, MarketData, MarketDataHandlers, Subscription} from '../../ports/market-data.js';
import type {AlpacaLog} from './client.js';
import type {DataStream, DataStreamHandlers} from './data-stream.js';
import {barFromSdk, describeError, quoteFromSdk, tradeFromSdk, type Mapped} from './mapping.js';

export interface BarSource {
	bars(symbol: string, sinceMs: number, untilMs: number | null): Promise<Bar[]>;
}

export interface AlpacaMarketDataOptions {
	readonly rest: BarSource;
	/** Opens the stream with our handlers (index.ts binds the SDK, the URL and the watchdog). */
	readonly openStream: (handlers: DataStreamHandlers) => DataStream;
	readonly log: AlpacaLog;
	/** Wall clock, for rate-limiting the "dropped bad data" lines. */
	readonly now?: () => number;
}

export class AlpacaMarketData implements MarketData {
	private stream: DataStream | null = null;
	private handlers: MarketDataHandlers | null = null;
	private subscription: Subscription | null = null;
	private readonly stateListeners: ((state: ConnectionState) => void)[] = [];
	private readonly reconnectListeners: (() => void)[] = [];
	/** Start of the last bar delivered (or loaded) per symbol. */
	private readonly lastBarStart = new Map<string, number>();
	private readonly lastPrices = new Map<string, Micros>();
	/** Live bars held back while missed bars are fetched after a reconnect. */
	private held: Bar[] | null = null;
	private readonly now: () => number;
	private droppedSinceLog = 0;
	private lastDropLog = -Infinity;
	private state: ConnectionState = 'disconnected';

	constructor(private readonly options: AlpacaMarketDataOptions) {
		this.now = options.now ?? Date.now;
	}

	async start(subscription: Subscription, handlers: MarketDataHandlers): Promise<void> {
		if (this.stream) throw new Error('market data already started');
		this.handlers = handlers;
		this.subscription = subscription;
		const stream = this.options.openStream({
			onBar: bar => this.onBar(barFromSdk(bar)),
			onQuote: quote => this.onQuote(quote),
			onTrade: trade => this.onTrade(trade),
			onState: state => this.setState(state),
			onReconnected: () => void this.afterReconnect(),
		});
		this.stream = stream;
		stream.subscribe(subscription);
		await stream.start();
	}

	async stop(): Promise<void> {
		this.stream?.stop();
		this.stream = null;
		this.handlers = null;
		this.held = null;
		this.setState('disconnected');
	}

	async loadSessionBars(symbol: string, sinceMs: number, untilMs: number): Promise<Bar[]> {
		const bars = await this.options.rest.bars(symbol, sinceMs, untilMs);
		const last = bars[bars.length - 1];
		if (last && last.start > (this.lastBarStart.get(symbol) ?? -Infinity)) this.lastBarStart.set(symbol, last.start);
		if (last && !this.lastPrices.has(symbol)) this.lastPrices.set(symbol, last.close);
		return bars;
	}

	onConnectionState(listener: (state: ConnectionState) => void): () => void {
		this.stateListeners.push(listener);
		listener(this.state);
		return () => {
			const i = this.stateListeners.indexOf(listener);
			if (i >= 0) this.stateListeners.splice(i, 1);
		};
	}

	/** Fired after a reconnect, once the missed bars were delivered. */
	onReconnected(listener: () => void): () => void {
		this.reconnectListeners.push(listener);
		return () => {
			const i = this.reconnectListeners.indexOf(listener);
			if (i >= 0) this.reconnectListeners.splice(i, 1);
		};
	}

	get connectionState(): ConnectionState {
		return this.state;
	}

	/** Last trade price seen on the stream (bar close when no trade is subscribed); 0 if none. */
	lastPrice(symbol: string): Micros {
		return this.lastPrices.get(symbol) ?? ZERO_MICROS;
	}

	/** The silent-socket watchdog's restarts so far. */
	get restarts(): number {
		return this.stream?.restarts ?? 0;
	}

	// --- events --------------------------------------------------------------------------

	private onBar(mapped: Mapped<Bar>): void {
		if (!mapped.ok) return this.dropped(mapped.reason);
		if (this.held) {
			this.held.push(mapped.value);
			return;
		}
		this.deliverBar(mapped.value);
	}

	private deliverBar(bar: Bar): void {
		const last = this.lastBarStart.get(bar.symbol);
		if (last !== undefined && bar.start <= last) return; // a duplicate or a late repeat
		// Garbled or extended-hours bars go on to the engine, which drops them, but never move the
		// mark: a bad bar must not hide the real bar of its minute, nor a stray 16:05 bar make
		// every later bar of the day look like a repeat.
		if (barProblem(bar) === null) this.lastBarStart.set(bar.symbol, bar.start);
		if (!this.subscription?.trades.includes(bar.symbol)) this.lastPrices.set(bar.symbol, bar.close);
		this.handlers?.onBar(bar);
	}

	private onQuote(quote: streaming.StreamQuote): void {
		const mapped = quoteFromSdk(quote);
		if (!mapped.ok) return this.dropped(mapped.reason);
		this.handlers?.onQuote(mapped.value);
	}

	private onTrade(trade: streaming.StreamTrade): void {
		const mapped = tradeFromSdk(trade);
		if (!mapped.ok) return this.dropped(mapped.reason);
		this.lastPrices.set(mapped.value.symbol, mapped.value.price);
		this.handlers?.onTrade(mapped.value);
	}

	/** Bad numbers never reach a strategy; say so at most once every 10 s. */
	private dropped(reason: string): void {
		this.droppedSinceLog += 1;
		const now = this.now();
		if (now - this.lastDropLog < 10_000) return;
		this.options.log('warn', `market data dropped: ${reason}${this.droppedSinceLog > 1 ? ` (${this.droppedSinceLog} dropped since the last note)` : ''}`);
		this.droppedSinceLog = 0;
		this.lastDropLog = now;
	}

	private setState(state: ConnectionState): void {
		if (state === this.state) return;
		this.state = state;
		for (const listener of [...this.stateListeners]) listener(state);
	}

	/** Fetch the bars missed while disconnected, deliver them, then the live bars held meanwhile. */
	private async afterReconnect(): Promise<void> {
		if (!this.subscription || !this.handlers) return;
		if (this.held) return; // a fill is already running; it will flush what arrives
		this.held = [];
		const missed: Bar[] = [];
		try {
			for (const symbol of this.subscription.bars) {
				const last = this.lastBarStart.get(symbol);
				if (last === undefined) continue; // nothing delivered yet: no gap to speak of
				try {
					const bars = await this.options.rest.bars(symbol, last + MINUTE_MS, null);
					if (bars.length > 0)
						this.options.log('info', `${symbol}: ${bars.length} missed bar${bars.length === 1 ? '' : 's'} filled from REST after the reconnect`);
					missed.push(...bars);
				} catch (error) {
					this.options.log('warn', `${symbol}: could not fill missed bars after the reconnect (${describeError(error)})`);
				}
			}
		} finally {
			// Missed bars first, then the live ones held meanwhile; in time order, symbols by name.
			const all = [...missed.sort(byStartThenSymbol), ...(this.held ?? []).sort(byStartThenSymbol)];
			this.held = null;
			for (const bar of all) this.deliverBar(bar);
		}
		for (const listener of [...this.reconnectListeners]) listener();
	}
}

function byStartThenSymbol(a: Bar, b: Bar): number {
	return a.start - b.start || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}
