/**
 * `scalp-tui report [JOURNAL...] [--journal PATH] [--from DATE --to DATE] [--by day|symbol|strategy|mode] [--json]`:
 * trades and P&L read back from journals, across restarts, modes kept apart.
 */
import {existsSync} from 'node:fs';
import type {CliFlags} from '../cli/flags.js';
import {UsageError} from '../config.js';
import {readJournal} from '../journal/reader.js';
import {formatReport, reportJson} from '../report/format.js';
import {buildReport, GROUP_BY, type GroupBy, type JournalInput} from '../report/report.js';
import {DEFAULT_JOURNAL, type Io} from './shared.js';

const DATE = /^\d{4}-\d\d-\d\d$/;

function dateFlag(name: string, value: string | undefined): string | null {
	if (value === undefined) return null;
	if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`--${name} needs a date like 2019-02-11, got "${value}"`);
	return value;
}

/** "sma 20 · take-profit 0.01 · ..." from a session start's params. */
function describeParams(params: unknown): string | null {
	if (typeof params !== 'object' || params === null) return null;
	return Object.entries(params as Record<string, unknown>)
		.map(([k, v]) => `${k.replace(/_/g, '-')} ${String(v)}`)
		.join(' · ');
}

export async function runReportCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	const journalFlag = flags.journal === undefined ? [] : Array.isArray(flags.journal) ? flags.journal : [flags.journal];
	const paths = [...journalFlag, ...args];
	if (paths.length === 0) paths.push(DEFAULT_JOURNAL);
	for (const path of paths) if (!existsSync(path)) throw new UsageError(`journal does not exist: ${path}`);
	const by = (flags.by ?? 'mode').toLowerCase();
	if (!GROUP_BY.includes(by as GroupBy)) throw new UsageError(`--by must be day, symbol, strategy or mode, got "${flags.by}"`);
	const from = dateFlag('from', flags.from);
	const to = dateFlag('to', flags.to);
	if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);

	const journals: JournalInput[] = [];
	const params = new Map<string, string[]>();
	for (const path of paths) {
		let read;
		try {
			read = readJournal(path);
		} catch (error) {
			throw new UsageError(`cannot read journal ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
		}
		if (read.records.length === 0 && read.badLines.length > 0) throw new UsageError(`not a JSONL journal: ${path}`);
		journals.push({path, records: read.records});
		for (const r of read.records) {
			if (r.type !== 'session' || r.event !== 'start') continue;
			const text = describeParams(r.params);
			if (!text) continue;
			const mode = String(r.mode);
			const list = params.get(mode) ?? [];
			if (!list.includes(text)) list.push(text);
			params.set(mode, list);
		}
	}
	const report = buildReport(journals, {by: by as GroupBy, from, to});
	io.stdout.write(flags.json ? reportJson(report, {journals: paths, params}) : formatReport(report, {journals: paths, params}));
	return 0;
}
