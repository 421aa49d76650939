import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {FileJournal, serializeRunRecord} from '../../source/journal/writer.js';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../../source/backtest/scalp-backtest.js';
import {bundledMinuteData} from '../../source/paths.js';
import {micros} from '../../source/core/money.js';

const dir = () => mkdtempSync(join(tmpdir(), 'journal-'));

test('every line of a real backtest journal validates against the journal schema (journal/schema.ts)', () => {
	const path = join(dir(), 'j.jsonl');
	const journal = new FileJournal(path, {mode: 'buffered', bufferBytes: 4096});
	const data = loadMinuteData([bundledMinuteData()], ['TSLA', 'SPY']);
	runScalpBacktest({
		sessions: toSessions(data.bars),
		symbols: ['SPY', 'TSLA'],
		lot: micros(2000e6),
		cash: micros(100_000e6),
		exitAfterMs: 180_000,
		signal: null,
		journal,
	});
	journal.close();
	const {records, tornTail, badLines} = readJournal(path);
	assert.equal(tornTail, false);
	assert.deepEqual(badLines, []);
	assert.ok(records.length > 500);
	const types = new Set(records.map(r => r.type));
	for (const t of ['session', 'order_submitted', 'order_update', 'cancel_requested', 'state', 'signal']) assert.ok(types.has(t), `has ${t}`);
	for (const record of records) assert.deepEqual(validateRecord(record), [], JSON.stringify(record));
	// ts never goes backwards (market time)
	for (let i = 1; i < records.length; i++) assert.ok(records[i]!.ts >= records[i - 1]!.ts);
});

test('the schema check can fail', () => {
	assert.notDeepEqual(validateRecord({ts: '2019-02-11T14:30:00Z', type: 'state'}), []);
	assert.notDeepEqual(validateRecord({ts: '2019-02-11T14:30:00.000Z', type: 'order_submitted', symbol: 'X', side: 'hold'}), []);
});

test('the reader tolerates a torn last line, and the writer ends it before appending', () => {
	const path = join(dir(), 'torn.jsonl');
	writeFileSync(path, '{"ts":"2019-02-11T14:30:00.000Z","type":"error","message":"a","symbol":null}\n{"ts":"2019-02-11T14:3');
	const torn = readJournal(path);
	assert.equal(torn.records.length, 1);
	assert.equal(torn.tornTail, true);
	const journal = new FileJournal(path);
	journal.write({ts: Date.parse('2019-02-11T14:31:00Z'), type: 'error', message: 'b', symbol: null});
	journal.close();
	const after = readJournal(path);
	assert.deepEqual(
		after.records.map(r => r.message),
		['a', 'b'],
	);
	assert.deepEqual(after.badLines, [2]);
	assert.equal(after.tornTail, false);
});

test('the writer appends and never truncates; sync mode writes each line at once', () => {
	const path = join(dir(), 'append.jsonl');
	appendFileSync(path, '{"ts":"2019-02-11T14:30:00.000Z","type":"error","message":"old","symbol":null}\n');
	const journal = new FileJournal(path, {mode: 'sync'});
	journal.write({ts: Date.parse('2019-02-11T14:31:00Z'), type: 'command', command: 'pause', symbol: 'TSLA'});
	// visible before close: one write per line
	assert.match(readFileSync(path, 'utf8'), /"command":"pause"/);
	journal.close();
	assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 2);
});

test('minute CSV: conflicting duplicate rows are counted apart from repeated ones; an impossible date is an error', async () => {
	const {parseMinuteCsv} = await import('../../source/adapters/replay/minute-csv.js');
	const text = [
		'timestamp,open,high,low,close,volume',
		'2019-02-11T14:30:00Z,1,2,0.5,1.5,100',
		'2019-02-11T14:30:00Z,1,2,0.5,1.5,100',
		'2019-02-11T14:30:00Z,1,2,0.5,1.6,100',
	].join('\n');
	const parsed = parseMinuteCsv(text, 'AAPL.csv');
	assert.equal(parsed.bars.length, 1);
	assert.equal(parsed.duplicates, 2);
	assert.equal(parsed.conflicts, 1);
	assert.throws(() => parseMinuteCsv('timestamp,open,high,low,close,volume\n2019-02-29T14:30:00Z,1,2,0.5,1.5,100\n', 'AAPL.csv'), /bad timestamp/);
	assert.throws(() => parseMinuteCsv('timestamp,open,high,low,close,volume\n2019-02-11T24:00:00Z,1,2,0.5,1.5,100\n', 'AAPL.csv'), /bad timestamp/);
});

test('a line is the record with ts as ISO text first and run second, whatever the record looks like', () => {
	const general = (record: Record<string, unknown>, run?: string) => {
		const {ts, ...rest} = record;
		const iso = new Date(ts as number).toISOString();
		return `${JSON.stringify(run === undefined ? {ts: iso, ...rest} : {ts: iso, run, ...rest})}\n`;
	};
	const records: Record<string, unknown>[] = [
		{ts: 1_549_895_400_000, type: 'error', message: 'é "quoted" \u2028 \ud800', symbol: null},
		{type: 'state', ts: 1_549_895_460_000, symbol: 'A', strategy: 'scalp', from: 'X', to: 'Y'}, // ts not first
		{ts: 1_549_895_460_000, type: 'signal', symbol: 'A', strategy: 'scalp', run: 'inner', skipped: undefined},
		{ts: 0, type: 'session', event: 'start', mode: 'backtest', version: '1', symbols: []},
		{ts: 1_549_895_460_000.5, type: 'risk', guard: 'g', message: 'm', symbol: null},
		{ts: 1_549_895_460_000},
	];
	for (const record of records) {
		for (const run of [undefined, 'r-1']) assert.equal(serializeRunRecord(record as never, run), general(record, run), JSON.stringify(record));
	}
	assert.throws(() => serializeRunRecord({ts: Number.NaN, type: 'error', message: 'x', symbol: null}, undefined), RangeError);
});

test('buffered mode: lines longer than the buffer, many small ones, and close() write everything in order', () => {
	const path = join(dir(), 'buffered.jsonl');
	const journal = new FileJournal(path, {mode: 'buffered', bufferBytes: 256});
	const messages = ['short', 'ü'.repeat(500), ...Array.from({length: 50}, (_, i) => `m${i}`), 'x'.repeat(300)];
	for (const [i, message] of messages.entries()) journal.write({ts: 1_549_895_400_000 + i, type: 'error', message, symbol: null});
	journal.close();
	const {records, badLines} = readJournal(path);
	assert.deepEqual(badLines, []);
	assert.deepEqual(
		records.map(r => r.message),
		messages,
	);
});
