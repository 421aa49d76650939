/**
 * Dev-only conformance check (not a test): runs the scalping backtest over minute CSVs and
 * compares the journal's submitted orders with a reference run of the original algorithm.
 *   node --import tsx scripts/conformance-scalp.ts <reference.json> <csv or folder>...
 *   node --import tsx scripts/conformance-scalp.ts --all <reference-root> <minute-data-folder>
 */
import {readFileSync, readdirSync, mkdtempSync} from 'node:fs';
import {join} from 'node:path';
import {tmpdir} from 'node:os';
import {loadMinuteData, toSessions} from '../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../source/backtest/scalp-backtest.js';
import {MemoryJournal} from '../source/journal/records.js';

interface RefOrder {
	ts: string;
	symbol: string;
	side: string;
	order_type: string;
	qty: number;
	limit_price: number | null;
}

function key(o: RefOrder): string {
	return `${o.ts}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}`;
}

export function compare(referencePath: string, dataPaths: string[]): {ok: boolean; detail: string} {
	const ref = JSON.parse(readFileSync(referencePath, 'utf8'));
	const data = loadMinuteData(dataPaths);
	const journal = new MemoryJournal();
	const symbols = [...data.bars.keys()].sort();
	runScalpBacktest({sessions: toSessions(data.bars), symbols, lot: 2000e6, cash: 100000e6, exitAfterMs: null, signal: null, journal});
	const mine = journal
		.ofType('order_submitted')
		.map(r => ({ts: new Date(r.ts).toISOString(), symbol: r.symbol, side: r.side, order_type: r.order_type, qty: r.qty, limit_price: r.limit_price}));
	const a = mine.map(key).sort();
	const b = (ref.orders as RefOrder[]).map(key).sort();
	const missing = b.filter(x => !a.includes(x));
	const extra = a.filter(x => !b.includes(x));
	const ok = missing.length === 0 && extra.length === 0;
	return {
		ok,
		detail: ok
			? `${a.length} orders equal`
			: `mine ${a.length} ref ${b.length}\n  missing: ${missing.slice(0, 5).join('\n           ')}\n  extra:   ${extra.slice(0, 5).join('\n           ')}`,
	};
}

const args = process.argv.slice(2);
if (args[0] === '--all') {
	const [, root, minute] = args as [string, string, string];
	let pass = 0;
	let fail = 0;
	const files = readdirSync(minute).filter(f => f.endsWith('.csv'));
	for (const name of readdirSync(join(root, 'scalp')).filter(f => f.endsWith('.json'))) {
		const r = compare(join(root, 'scalp', name), [join(minute, name.replace('.json', '.csv'))]);
		r.ok ? pass++ : fail++;
		if (!r.ok) console.log(`FAIL ${name}: ${r.detail}`);
	}
	for (const name of readdirSync(join(root, 'scalp/by-symbol'))) {
		const sym = name.replace('.json', '');
		const dir = mkdtempSync(join(tmpdir(), 'conf-'));
		const paths = files.filter(f => f.startsWith(`${sym}_`)).map(f => join(minute, f));
		const r = compare(join(root, 'scalp/by-symbol', name), paths);
		r.ok ? pass++ : fail++;
		console.log(`${r.ok ? 'ok  ' : 'FAIL'} by-symbol/${name}: ${r.detail}`);
		void dir;
	}
	for (const name of readdirSync(join(root, 'scalp/fleet'))) {
		const [first, last] = name.replace('.json', '').split('_') as [string, string];
		const paths = files
			.filter(f => {
				const d = f.slice(f.indexOf('_') + 1, -4);
				return d >= first && d <= last;
			})
			.map(f => join(minute, f));
		const r = compare(join(root, 'scalp/fleet', name), paths);
		r.ok ? pass++ : fail++;
		console.log(`${r.ok ? 'ok  ' : 'FAIL'} fleet/${name}: ${r.detail}`);
	}
	console.log(`${pass} passed, ${fail} failed`);
} else {
	const [reference, ...data] = args;
	const r = compare(reference!, data);
	console.log(r.ok ? 'OK' : 'DIFF', r.detail);
}
