/**
 * What the console renders: a plain, immutable picture of engine state taken at most once
 * per frame. Numbers are dollars as JS numbers (display only; the engine keeps exact micros).
 */
import type {ConnectionState} from '../ports/market-data.js';
import type {Mode, OrderType, Side} from '../core/types.js';
import type {OrderRecord} from './order-history.js';

export type {OrderRecord} from './order-history.js';

export type ScalpState = 'TO_BUY' | 'BUY_SUBMITTED' | 'TO_SELL' | 'SELL_SUBMITTED';

export interface OpenOrderView {
	readonly clientOrderId: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	readonly filledQty: number;
	readonly limitPrice: number | null;
	readonly ageMs: number;
}

export interface PositionView {
	readonly qty: number;
	readonly avgPrice: number;
	readonly unrealizedPnl: number;
}

export interface HftView {
	readonly bidPrice: number;
	readonly bidSize: number;
	readonly askPrice: number;
	readonly askSize: number;
	readonly spread: number;
	/** Size ratio that makes a side dominate (1.8 by default, as the original). */
	readonly threshold: number;
	readonly armed: boolean;
	readonly pendingBuy: number;
	readonly pendingSell: number;
	readonly maxQty: number;
	/** Most recent actions, newest last (e.g. "buy 100 @ 223.82"). */
	readonly lastActions: readonly string[];
}

export interface SymbolView {
	readonly symbol: string;
	readonly strategy: 'scalp' | 'hft';
	/** Scalp: a ScalpState. Tick-taker: 'ARMED' or 'DISARMED'. */
	readonly state: string;
	readonly paused: boolean;
	readonly lastPrice: number | null;
	/** Change since the current session's open (its first bar), in dollars. */
	readonly change: number | null;
	/** The panel's data is made up (SIM: seeded synthetic bars, or the tick-taker's synthetic book). */
	readonly synthetic: boolean;
	/** Recent closes, oldest first (bounded), for the chart. */
	readonly closes: readonly number[];
	/** SMA20 aligned with `closes` (NaN where fewer than 20 closes were known). */
	readonly sma: readonly number[];
	readonly openOrder: OpenOrderView | null;
	readonly position: PositionView | null;
	readonly realizedPnl: number;
	/** Completed round trips (buy then sell) this run. */
	readonly trades: number;
	readonly hft: HftView | null;
	/** The symbol's recent orders with status and fills, oldest first (bounded; the `o` list). */
	readonly orders: readonly OrderRecord[];
}

export interface LogLine {
	readonly ms: number;
	/** Symbol the line belongs to, or null for engine-wide lines. */
	readonly symbol: string | null;
	readonly level: 'info' | 'warn' | 'error';
	readonly text: string;
}

export interface RiskView {
	readonly dailyLossLimit: number | null;
	readonly maxOrdersPerMinute: number | null;
	readonly maxPositionUsd: number | null;
	readonly killed: boolean;
	readonly tripped: readonly string[];
}

export interface EngineSnapshot {
	readonly mode: Mode;
	readonly nowMs: number;
	readonly sessionDate: string | null;
	readonly sessionState: 'pre' | 'open' | 'closed';
	/** Epoch ms of today's 15:55 New York liquidation, or null outside a session. */
	readonly liquidationMs: number | null;
	/** Sim replay speed (market seconds per wall second), null for paper/live. */
	readonly speed: number | null;
	readonly equity: number;
	readonly cash: number;
	readonly realizedPnl: number;
	readonly unrealizedPnl: number;
	/** The trading day's P&L (equity now - equity at the day's start): the loss guard's figure. */
	readonly dayPnl: number;
	readonly connection: ConnectionState;
	readonly symbols: readonly SymbolView[];
	readonly log: readonly LogLine[];
	readonly risk: RiskView | null;
	/** True once the replay or session has ended (nothing more will happen). */
	readonly finished: boolean;
	/** The strategy parameters in force, one line in flag names (header). */
	readonly params?: string;
	/** Name of the custom buy signal (`--signal`), or null for the SMA crossover. */
	readonly signalName: string | null;
	/** Bars in the scalper's SMA (the chart's second line and the panel's SMA figure). */
	readonly smaLength: number;
}
