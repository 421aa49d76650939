/**
 * What the rebalance console shows: a plain, immutable picture of one rebalance run (ranked
 * candidates, holdings, planned orders and their fill progress). Numbers are dollars as JS
 * numbers, for display only; decisions are made on exact micros elsewhere.
 */
import type {Mode, Side} from '../../core/types.js';

export type RebalancePhase = 'starting' | 'waiting_open' | 'already_done' | 'planning' | 'selling' | 'buying' | 'done' | 'dry_run' | 'error';

export interface CandidateRow {
	/** 1-based rank in the whole ranking. */
	readonly rank: number;
	readonly symbol: string;
	readonly score: number;
	/** Last close, dollars. */
	readonly last: number;
	/** Passed the cash filter (last close <= cash). */
	readonly eligible: boolean;
	readonly held: boolean;
}

export interface HoldingRow {
	readonly symbol: string;
	readonly qty: number;
	/** Average entry price, dollars, when the broker reports it. */
	readonly avgPrice: number | null;
}

export type OrderRowStatus = 'planned' | 'submitted' | 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface OrderRow {
	readonly clientOrderId: string;
	readonly symbol: string;
	readonly side: Side;
	readonly qty: number;
	readonly filledQty: number;
	/** Average fill price, dollars, once something filled. */
	readonly avgPrice: number | null;
	readonly status: OrderRowStatus;
	readonly message: string | null;
}

export interface WaitProgress {
	readonly side: Side;
	readonly elapsedMs: number;
	readonly limitMs: number;
	readonly pending: number;
}

export interface RebalanceSnapshot {
	readonly mode: Mode;
	/** The trading day being rebalanced (New York date), null before the clock was read. */
	readonly date: string | null;
	readonly phase: RebalancePhase;
	/** One line of status (e.g. "market closed; next open 2024-05-06 09:30 ET"). */
	readonly message: string | null;
	readonly dryRun: boolean;
	readonly cash: number | null;
	/** The previous trading day the ranking used (staleness rule). */
	readonly prevDate: string | null;
	readonly universe: number;
	readonly scored: number;
	/** The top of the ranking (the first floor(n / 20)), most oversold first. */
	readonly candidates: readonly CandidateRow[];
	readonly holdings: readonly HoldingRow[];
	/** Sells first, then buys, in the order they are (to be) sent. */
	readonly orders: readonly OrderRow[];
	readonly wait: WaitProgress | null;
}

export function emptySnapshot(mode: Mode, dryRun = false): RebalanceSnapshot {
	return {
		mode,
		date: null,
		phase: 'starting',
		message: null,
		dryRun,
		cash: null,
		prevDate: null,
		universe: 0,
		scored: 0,
		candidates: [],
		holdings: [],
		orders: [],
		wait: null,
	};
}
