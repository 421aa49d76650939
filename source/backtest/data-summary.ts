/**
 * What a backtest ran on, for its report: where the bars came from (the cache or CSV files),
 * the feed and adjustment, the date range, how many bars, and the holes found (never filled).
 */
import type {BarSession} from '../adapters/replay/minute-csv.js';
import type {DataHoles, DataSummary} from '../core/data-summary.js';
import {closeTimeOfDayMs, isTradingDay} from '../core/trading-days.js';
import {MINUTE_MS, REGULAR_OPEN_MS} from '../core/time.js';

export type {DataHoles, DataSummary};

function holesText(h: DataHoles): string {
	const minutes =
		h.missingMinutes === 0
			? 'no missing minutes'
			: `${h.missingMinutes.toLocaleString('en-US')} missing minutes in ${h.daysWithHoles} symbol-session${h.daysWithHoles === 1 ? '' : 's'}`;
	if (h.missingDays === null) return minutes;
	const days =
		h.missingDays === 0
			? 'no missing days'
			: `${h.missingDays} symbol-day${h.missingDays === 1 ? '' : 's'} without bars (${h.missingDayList.join(', ')}${h.missingDays > h.missingDayList.length ? ', ...' : ''})`;
	return `${minutes}, ${days}`;
}

/** One report line: "data cache ~/.cache/scalp-tui: 1Min iex raw, 2024-03-04..2024-03-08, 7,800 bars in 5 sessions; holes: ..." */
export function formatDataSummary(d: DataSummary): string {
	const kind = [d.timeframe, d.feed ?? 'feed n/a', d.adjustment ?? 'adjustment n/a'].join(' ');
	const range = d.from === null ? 'no dates' : d.from === d.to ? d.from : `${d.from}..${d.to}`;
	const conflicts = d.conflictingRows ?? 0;
	const dropped = conflicts > 0 ? `; ${conflicts} conflicting duplicate row${conflicts === 1 ? '' : 's'} dropped (the first row of each minute kept)` : '';
	return `data ${d.source} ${d.location}: ${kind}, ${range}, ${d.bars.toLocaleString('en-US')} bars in ${d.sessions} session${d.sessions === 1 ? '' : 's'}; holes: ${holesText(d.holes)}${dropped}`;
}

export function dataSummaryJson(d: DataSummary): Record<string, unknown> {
	return {
		source: d.source,
		location: d.location,
		timeframe: d.timeframe,
		feed: d.feed,
		adjustment: d.adjustment,
		from: d.from,
		to: d.to,
		bars: d.bars,
		sessions: d.sessions,
		conflicting_rows: d.conflictingRows ?? 0,
		holes: {
			missing_minutes: d.holes.missingMinutes,
			sessions_with_holes: d.holes.daysWithHoles,
			missing_days: d.holes.missingDays,
			first_missing_days: d.holes.missingDayList,
		},
	};
}

/**
 * Holes of minute sessions read from files (CSV): per symbol and session that has bars, the
 * minutes of the regular session without one. Missing days are not judged (a folder of CSV
 * files holds whichever dates it holds).
 */
export function summarizeSessions(sessions: readonly BarSession[], location: string, conflictingRows = 0): DataSummary {
	let bars = 0;
	let missingMinutes = 0;
	let daysWithHoles = 0;
	for (const session of sessions) {
		bars += session.bars.length;
		const perSymbol = new Map<string, number>();
		for (const bar of session.bars) perSymbol.set(bar.symbol, (perSymbol.get(bar.symbol) ?? 0) + 1);
		const expected = isTradingDay(session.date) ? (closeTimeOfDayMs(session.date) - REGULAR_OPEN_MS) / MINUTE_MS : 0;
		for (const count of perSymbol.values()) {
			if (count < expected) {
				missingMinutes += expected - count;
				daysWithHoles += 1;
			}
		}
	}
	return {
		source: 'csv',
		location,
		timeframe: '1Min',
		feed: null,
		adjustment: null,
		from: sessions[0]?.date ?? null,
		to: sessions[sessions.length - 1]?.date ?? null,
		bars,
		sessions: sessions.length,
		holes: {missingMinutes, daysWithHoles, missingDays: null, missingDayList: []},
		conflictingRows,
	};
}
