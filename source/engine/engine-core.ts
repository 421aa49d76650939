/**
 * What every part of the engine shares: the market time it was given, the current session,
 * the journal, log lines and change notices. One instance per engine, handed to the order
 * router, the market fan-out, the operator commands and the strategy contexts.
 */
import type {SessionTimes} from '../core/time.js';
import {nullJournal, type Journal} from '../journal/records.js';
import type {LogLine} from './snapshot.js';

export class EngineCore {
	/** Market time now: epoch ms and the nanoseconds inside it (no wall clock is ever read). */
	nowMs = 0;
	nowNs = 0;
	session: SessionTimes | null = null;
	/** False with the null journal: records are not even built (backtest hot path). */
	readonly journaling: boolean;
	/** False without a log sink (backtests): log text is not even built. */
	readonly logging: boolean;
	private readonly changeListeners = new Set<() => void>();

	constructor(
		readonly journal: Journal,
		private readonly logSink: ((line: LogLine) => void) | undefined,
	) {
		this.journaling = journal !== nullJournal;
		this.logging = logSink !== undefined;
	}

	setTime(ms: number, ns = 0): void {
		this.nowMs = ms;
		this.nowNs = ns;
	}

	log(symbol: string | null, level: LogLine['level'], text: string): void {
		this.logSink?.({ms: this.nowMs, symbol, level, text});
	}

	/** An error line in the journal (always written) and the log. */
	error(symbol: string | null, message: string): void {
		this.journal.write({ts: this.nowMs, type: 'error', message, symbol});
		this.log(symbol, 'error', message);
	}

	/** Tell listeners (the console's store) that something visible changed. */
	changed(): void {
		if (this.changeListeners.size === 0) return;
		for (const listener of this.changeListeners) listener();
	}

	onChange(listener: () => void): () => void {
		this.changeListeners.add(listener);
		return () => this.changeListeners.delete(listener);
	}
}
