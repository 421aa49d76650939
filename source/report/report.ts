/**
 * `scalp-tui report`: trades and P&L over one or many journals, across restarts, with modes
 * kept apart (sim, paper, live and backtest figures are never added together). Each journal
 * is read in order; a `session` start opens a run (its mode, and its run id when the journal
 * has one) and the records after it belong to that run. Paper and live positions carry over
 * from run to run (the broker kept them); a simulated run starts flat.
 */
import {nyDate} from '../core/time.js';
import {addEvent, emptyStats, TradeBooks, viewStats, type RealizedEvent, type Stats, type StatsView} from './book.js';
import {ExecutionReader, type Execution} from './fills.js';

export type GroupBy = 'day' | 'symbol' | 'strategy' | 'mode';
export const GROUP_BY: readonly GroupBy[] = ['day', 'symbol', 'strategy', 'mode'];

export interface JournalInput {
	readonly path: string;
	readonly records: readonly {readonly ts: string; readonly type: string; readonly [field: string]: unknown}[];
}

export interface ReportOptions {
	readonly by: GroupBy;
	/** New York dates, inclusive; null = open. */
	readonly from: string | null;
	readonly to: string | null;
}

export interface ModeReport {
	readonly mode: string;
	readonly runs: number;
	readonly total: StatsView;
	readonly groups: readonly {readonly key: string; readonly stats: StatsView}[];
	/** Books still holding shares at the end of the journals. */
	readonly openPositions: readonly {readonly strategy: string; readonly symbol: string; readonly qty: number}[];
}

export interface Report {
	readonly by: GroupBy;
	readonly from: string | null;
	readonly to: string | null;
	readonly modes: readonly ModeReport[];
	readonly executions: number;
	readonly unknownSide: number;
	readonly unmatchedSellQty: number;
}

interface Tagged {
	readonly e: Execution;
	readonly mode: string;
	readonly bookKey: string;
	readonly order: number;
}

/** Modes that trade real broker accounts, whose positions outlive a run. */
const ACCOUNT_MODES = new Set(['paper', 'live']);

export function buildReport(journals: readonly JournalInput[], options: ReportOptions): Report {
	const tagged: Tagged[] = [];
	const runsByMode = new Map<string, Set<string>>();
	let unknownSide = 0;
	let order = 0;
	journals.forEach((journal, j) => {
		const reader = new ExecutionReader();
		// Runs of this journal: by run id when records carry one, else by position in the file.
		const runModes = new Map<string, string>();
		let current = {run: `${j}#0`, mode: 'unknown'};
		let starts = 0;
		for (const record of journal.records) {
			const runId = typeof record.run === 'string' ? record.run : typeof record.run_id === 'string' ? record.run_id : null;
			if (record.type === 'session' && record.event === 'start') {
				starts += 1;
				current = {run: runId ?? `${j}#${starts}`, mode: String(record.mode ?? 'unknown')};
				runModes.set(current.run, current.mode);
				let set = runsByMode.get(current.mode);
				if (!set) runsByMode.set(current.mode, (set = new Set()));
				set.add(`${j}|${current.run}`);
			}
			const ts = Date.parse(record.ts);
			if (Number.isNaN(ts)) continue;
			const execution = reader.read(record, ts);
			if (!execution) continue;
			const run = runId !== null && runModes.has(runId) ? runId : current.run;
			const mode = runModes.get(run) ?? current.mode;
			const scope = ACCOUNT_MODES.has(mode) ? mode : `${mode}|${j}|${run}`;
			tagged.push({e: execution, mode, bookKey: `${scope}|${execution.strategy}|${execution.symbol}`, order: order++});
		}
		unknownSide += reader.unknownSide;
	});
	// One time line across journals (restarts may be in separate files); ties keep file order.
	tagged.sort((a, b) => a.e.ts - b.e.ts || a.order - b.order);

	const books = new TradeBooks();
	const byMode = new Map<string, {total: Stats; groups: Map<string, Stats>}>();
	for (const t of tagged) {
		const event = books.apply(t.bookKey, t.mode, t.e);
		const date = nyDate(event.ts);
		if ((options.from && date < options.from) || (options.to && date > options.to)) continue;
		let m = byMode.get(t.mode);
		if (!m) byMode.set(t.mode, (m = {total: emptyStats(), groups: new Map()}));
		addEvent(m.total, event);
		const key = groupKey(options.by, event, date);
		let g = m.groups.get(key);
		if (!g) m.groups.set(key, (g = emptyStats()));
		addEvent(g, event);
	}
	const open = books.open();
	const modes = [...new Set([...byMode.keys(), ...runsByMode.keys()])].sort(modeOrder).map(mode => {
		const m = byMode.get(mode) ?? {total: emptyStats(), groups: new Map<string, Stats>()};
		return {
			mode,
			runs: runsByMode.get(mode)?.size ?? 0,
			total: viewStats(m.total),
			groups: [...m.groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, stats]) => ({key, stats: viewStats(stats)})),
			openPositions: open
				.filter(o => o.key.startsWith(`${mode}|`))
				.map(o => {
					const parts = o.key.split('|');
					return {strategy: parts[parts.length - 2]!, symbol: parts[parts.length - 1]!, qty: o.qty};
				}),
		};
	});
	return {by: options.by, from: options.from, to: options.to, modes, executions: tagged.length, unknownSide, unmatchedSellQty: books.unmatchedSellQty};
}

function groupKey(by: GroupBy, e: RealizedEvent, date: string): string {
	switch (by) {
		case 'day':
			return date;
		case 'symbol':
			return e.symbol;
		case 'strategy':
			return e.strategy;
		case 'mode':
			return e.mode;
	}
}

const MODE_RANK = ['live', 'paper', 'sim', 'backtest'];
function modeOrder(a: string, b: string): number {
	const ra = MODE_RANK.indexOf(a);
	const rb = MODE_RANK.indexOf(b);
	return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb) || (a < b ? -1 : a > b ? 1 : 0);
}
