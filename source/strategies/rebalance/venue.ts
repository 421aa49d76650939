/**
 * Where a live, paper or simulated rebalance runs. The command (commands/rebalance.ts) only
 * talks to this interface; the simulated implementation over daily data is
 * backtest/rebalance/sim-venue.ts, the Alpaca one lives with the Alpaca adapter.
 */
import type {Mode} from '../../core/types.js';
import type {Broker} from '../../ports/broker.js';
import type {DailyBar} from '../../core/daily-bars.js';

/** The broker's market clock (Alpaca GET /v2/clock). Instants are epoch milliseconds. */
export interface MarketClockState {
	readonly isOpen: boolean;
	/** The broker's current time (market time: simulated in sim). */
	readonly timestamp: number;
	readonly nextOpen: number;
	readonly nextClose: number;
}

export interface RebalanceVenue {
	readonly mode: Mode;
	/** Orders, cancels, order events and the account (cash, open orders, positions). */
	readonly broker: Broker;
	clock(): Promise<MarketClockState>;
	/**
	 * Completed daily bars of each symbol, oldest first, at most `lookbackDays` per symbol (the
	 * most recent ones). Symbols without bars may be absent from the map. A bar of the session
	 * in progress, if the provider returns one, is ignored by the caller (it keeps dates before
	 * today only).
	 */
	dailyBars(symbols: readonly string[], lookbackDays: number): Promise<Map<string, DailyBar[]>>;
	/** Release connections; a simulated venue expires its open orders. */
	close?(): Promise<void>;
}
