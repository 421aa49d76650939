/**
 * A journal wrapper that keeps the running session's figures as its records go by (O(1) per
 * record) and, just before the session's `end` line, journals a `session_summary` record: the
 * session's trades, realized P&L, win rate, profit factor, average win/loss, drawdown and fees.
 * The console prints the same summary at quit.
 */
import type {Journal, JournalRecord} from '../journal/records.js';
import {addEvent, emptyStats, TradeBooks, viewStats, type StatsView} from './book.js';
import {ExecutionReader} from './fills.js';

export interface SessionSummary extends StatsView {
	readonly mode: string;
	readonly executions: number;
	/** Shares still held per symbol at the end (this session's fills only). */
	readonly openPositions: Record<string, number>;
	/** Shares sold that this session did not buy (positions from before the start). */
	readonly unmatchedSellQty: number;
}

export class SessionTally implements Journal {
	private readonly reader = new ExecutionReader();
	private readonly books = new TradeBooks();
	private readonly stats = emptyStats();
	/** The summary journaled at the session's end (null before it). */
	last: SessionSummary | null = null;

	constructor(
		private readonly inner: Journal & {onFailure?(listener: (error: NodeJS.ErrnoException) => void): () => void},
		private readonly mode: string,
	) {}

	/** The wrapped file journal's write failures (a full disk stops the session). */
	onFailure(listener: (error: NodeJS.ErrnoException) => void): () => void {
		return this.inner.onFailure ? this.inner.onFailure(listener) : () => {};
	}

	write(record: JournalRecord): void {
		if (record.type === 'session' && record.event === 'end') {
			const summary = this.summary();
			this.last = summary;
			this.inner.write(summaryRecord(record.ts, summary, record));
		}
		this.inner.write(record);
		const execution = this.reader.read(record as unknown as {type: string; [field: string]: unknown}, record.ts);
		if (execution) addEvent(this.stats, this.books.apply(`${execution.strategy}|${execution.symbol}`, this.mode, execution));
	}

	flush(): void {
		this.inner.flush();
	}

	close(): void {
		this.inner.close();
	}

	summary(): SessionSummary {
		const openPositions: Record<string, number> = {};
		for (const o of this.books.open()) {
			const symbol = o.key.slice(o.key.indexOf('|') + 1);
			openPositions[symbol] = (openPositions[symbol] ?? 0) + o.qty;
		}
		return {mode: this.mode, ...viewStats(this.stats), executions: this.stats.executions, openPositions, unmatchedSellQty: this.books.unmatchedSellQty};
	}
}

/** The `session_summary` line (snake case, like every journal field). */
export function summaryRecord(ts: number, s: SessionSummary, end?: JournalRecord): JournalRecord {
	const run = end && 'run' in end && typeof end.run === 'string' ? {run: end.run} : {};
	return {
		ts,
		type: 'session_summary',
		mode: s.mode,
		trades: s.trades,
		wins: s.wins,
		losses: s.losses,
		win_rate: s.winRate,
		realized_pnl: s.realizedPnl,
		fees: s.fees,
		net_pnl: s.netPnl,
		profit_factor: s.profitFactor,
		avg_win: s.avgWin,
		avg_loss: s.avgLoss,
		max_drawdown: s.maxDrawdown,
		executions: s.executions,
		open_positions: s.openPositions,
		...run,
	};
}

const money = (v: number) => `${v < 0 ? '-' : '+'}$${Math.abs(v).toFixed(2)}`;

/** What the console prints at quit. */
export function formatSummary(s: SessionSummary): string {
	const open = Object.entries(s.openPositions).map(([symbol, qty]) => `${symbol} ${qty}`);
	return (
		[
			`session summary (${s.mode}): ${s.trades} trade${s.trades === 1 ? '' : 's'}, realized ${money(s.realizedPnl)}${s.fees > 0 ? `, fees $${s.fees.toFixed(2)}, net ${money(s.netPnl)}` : ''}`,
			// Two short lines rather than one long one: the summary is printed to an 80-column terminal.
			`  win rate ${s.winRate === null ? '—' : `${(s.winRate * 100).toFixed(1)}%`}, profit factor ${s.profitFactor === null ? '—' : s.profitFactor.toFixed(2)}, max drawdown $${s.maxDrawdown.toFixed(2)}`,
			`  avg win ${s.avgWin === null ? '—' : money(s.avgWin)}, avg loss ${s.avgLoss === null ? '—' : money(s.avgLoss)}`,
			...(open.length > 0 ? [`  still held: ${open.join(', ')}`] : []),
		].join('\n') + '\n'
	);
}
