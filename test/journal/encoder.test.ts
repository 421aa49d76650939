import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {JournalRecord} from '../../source/journal/records.js';
import {serializeRunRecord} from '../../source/journal/writer.js';

/** The contract's definition of a line: the record with ts as ISO text (and run after it), stringified. */
function reference(record: JournalRecord, run: string | undefined): string {
	const {ts, ...rest} = record;
	const head = run === undefined ? {ts: new Date(ts).toISOString()} : {ts: new Date(ts).toISOString(), run};
	return `${JSON.stringify({...head, ...rest})}\n`;
}

const awkward = [
	'',
	'plain',
	'quote " and \\ backslash',
	'tab\there\nnewline',
	'\u0000\u001f',
	'é ü ß',
	'株式',
	'😀 pair',
	'lone \ud800 high',
	'lone \udc00 low',
	'\u2028\u2029',
];

test('every record is written as JSON.stringify writes it (direct encoder and general path agree)', () => {
	const records: JournalRecord[] = [
		{ts: 1_709_563_860_000, type: 'state', symbol: 'S032', strategy: 'scalp', from: 'TO_BUY', to: 'BUY_SUBMITTED'},
		{
			ts: 1_709_563_860_000,
			type: 'order_update',
			symbol: 'S032',
			client_order_id: 'bt-sc-S032-buy-1',
			order_id: null,
			event: 'fill',
			filled_qty: 7,
			filled_avg_price: 283.98,
			position_qty: -0,
		},
		{
			ts: 0,
			type: 'signal',
			symbol: 'X',
			strategy: 'scalp',
			signal: 'sma20_cross',
			close: 1e21,
			sma: 1e-7,
			prev_close: Number.NaN,
			prev_sma: Number.POSITIVE_INFINITY,
		},
		{ts: 1, type: 'risk', guard: 'kill_switch', message: 'm', symbol: null, restored: true},
		{ts: 2, type: 'signal', symbol: 'X', strategy: 'scalp', skipped: undefined, flag: false, nested: {a: [1, 'b']}},
		{ts: 3, type: 'session', event: 'start', mode: 'backtest', version: '1', symbols: ['A', 'B']},
		{type: 'error', message: 'ts not first', symbol: null, ts: 4} as JournalRecord,
		{ts: 5, type: 'command', command: 'pause', symbol: 'X', 7: 'integer key'} as JournalRecord,
		{ts: 6, type: 'command', command: 'pause', symbol: 'X', run: 'own run'},
		{ts: 7, type: 'signal', symbol: 'X', strategy: 'scalp', when: new Date(0)},
		...awkward.map((text, i) => ({ts: 8 + i, type: 'error' as const, message: text, symbol: text})),
		...awkward.map((text, i) => ({ts: 20 + i, type: 'signal' as const, symbol: 'X', strategy: 'scalp' as const, [text]: text})),
	];
	for (const record of records) {
		for (const run of [undefined, 'r1', 'odd "run"']) assert.equal(serializeRunRecord(record, run), reference(record, run), JSON.stringify(record));
	}
});
