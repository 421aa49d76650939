import {readFileSync} from 'node:fs';

export interface ReadJournalResult {
	/** Parsed records, `ts` left as the ISO string it was written as. */
	readonly records: Array<Record<string, unknown> & {ts: string; type: string}>;
	/** True when the last line was incomplete (a crash mid-write) and was skipped. */
	readonly tornTail: boolean;
	/** 1-based numbers of complete lines that did not parse (should never happen). */
	readonly badLines: number[];
}

/** Read a JSONL journal, tolerating a torn last line left by a crash. */
export function readJournal(path: string): ReadJournalResult {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {records: [], tornTail: false, badLines: []};
		throw error;
	}
	const lines = text.split('\n');
	const last = lines.pop() ?? '';
	const records: ReadJournalResult['records'] = [];
	const badLines: number[] = [];
	lines.forEach((line, index) => {
		if (line.trim() === '') return;
		try {
			records.push(JSON.parse(line));
		} catch {
			badLines.push(index + 1);
		}
	});
	let tornTail = false;
	if (last.trim() !== '') {
		try {
			records.push(JSON.parse(last));
		} catch {
			tornTail = true;
		}
	}
	return {records, tornTail, badLines};
}
