/**
 * Client order ids: `<run>-<strategy>-<SYMBOL>-<intent>-<seq>`. The run tag makes ids unique
 * across restarts (Alpaca refuses a reused id), the sequence within a run; a retry of the same
 * submission reuses its id, so a lost reply can never turn into a second order.
 */
import {decimalText} from '../core/decimal-text.js';
import type {StrategyName} from '../core/types.js';

const STRATEGY_TAG: Record<StrategyName, string> = {scalp: 'sc', hft: 'hf', rebalance: 'rb', manual: 'mn'};

export class OrderIdFactory {
	private seq = 0;

	constructor(readonly runTag: string) {
		if (!/^[A-Za-z0-9]{1,24}$/.test(runTag)) throw new RangeError(`bad run tag: ${runTag}`);
	}

	next(strategy: StrategyName, symbol: string, intent: string): string {
		this.seq += 1;
		return `${this.runTag}-${STRATEGY_TAG[strategy]}-${symbol}-${intent}-${decimalText(this.seq)}`;
	}

	/** Make sure the sequence continues after ids a previous run left (restart). */
	observe(clientOrderId: string): void {
		const parsed = parseClientOrderId(clientOrderId);
		if (parsed && parsed.runTag === this.runTag && parsed.seq > this.seq) this.seq = parsed.seq;
	}
}

export interface ParsedClientOrderId {
	readonly runTag: string;
	readonly strategy: StrategyName;
	readonly symbol: string;
	readonly intent: string;
	readonly seq: number;
}

export function parseClientOrderId(id: string): ParsedClientOrderId | null {
	const m = /^([A-Za-z0-9]+)-(sc|hf|rb|mn)-(.+)-([a-z]+)-(\d+)$/.exec(id);
	if (!m) return null;
	const strategy = (Object.entries(STRATEGY_TAG).find(([, tag]) => tag === m[2])?.[0] ?? 'manual') as StrategyName;
	return {runTag: m[1]!, strategy, symbol: m[3]!, intent: m[4]!, seq: Number(m[5])};
}

/**
 * A run tag from the wall clock: base36 milliseconds, unique per start. (Seconds were not
 * enough: a process restarted within the second it crashed in reused its ids, and a resend
 * refused as a duplicate then "found" the earlier run's order.)
 */
export function runTagFromTime(ms: number): string {
	return Math.floor(ms).toString(36);
}
