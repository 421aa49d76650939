import type {Bar, Quote, Trade} from '../core/types.js';

export interface MarketDataHandlers {
	onBar(bar: Bar): void;
	onQuote(quote: Quote): void;
	onTrade(trade: Trade): void;
}

export interface Subscription {
	readonly bars: readonly string[];
	readonly quotes: readonly string[];
	readonly trades: readonly string[];
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'replay';

/**
 * One market-data source serving every strategy (Alpaca allows one stream per account).
 * The engine fans its events out per symbol.
 */
export interface MarketData {
	start(subscription: Subscription, handlers: MarketDataHandlers): Promise<void>;
	stop(): Promise<void>;
	/** Minute bars of the current session so far (warm-up after a start or reconnect). */
	loadSessionBars(symbol: string, sinceMs: number, untilMs: number): Promise<Bar[]>;
	onConnectionState(listener: (state: ConnectionState) => void): () => void;
}
