/**
 * Dev-only conformance check (not a test): runs the tick backtest over the shared tick pairs
 * and compares the journal's submitted orders with the reference runs of the original
 * tick_taker.py (multiset of ts, symbol, side, order_type, qty, limit_price). Files without
 * a cash limit run with UNLIMITED_CASH.
 *   node --import tsx scripts/conformance-hft.ts [reference-dir] [tick-data-dir]
 * Defaults: /work/shared/reference/hft and /work/shared/data/ticks.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {readTickPair, type TickPair} from '../source/adapters/replay/ticks.js';
import {parseLobsterName} from '../source/adapters/replay/lobster.js';
import {runHftBacktest, UNLIMITED_CASH} from '../source/backtest/hft-backtest.js';
import {MemoryJournal} from '../source/journal/records.js';

interface RefOrder {
	ts: string;
	symbol: string;
	side: string;
	order_type: string;
	qty: number;
	limit_price: number | null;
}

interface Reference {
	source_format: 'lobster' | 'lean';
	symbol: string;
	date: string;
	inputs: string[];
	params: {qty: number; cash: number | null};
	orders: RefOrder[];
	fills: {ts: string; side: string; qty: number; price: number}[];
	rejects: unknown[];
	summary: {final_position: number; bought: number; sold: number};
}

function key(o: RefOrder): string {
	return `${o.ts}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}`;
}

/** Multiset difference a - b. */
function minus(a: string[], b: string[]): string[] {
	const counts = new Map<string, number>();
	for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
	const out: string[] = [];
	for (const x of a) {
		const n = counts.get(x) ?? 0;
		if (n > 0) counts.set(x, n - 1);
		else out.push(x);
	}
	return out;
}

function pairFor(ref: Reference, dataDir: string): TickPair {
	if (ref.source_format === 'lobster') {
		const message = ref.inputs.find(f => /_message_/.test(f))!;
		const orderbook = ref.inputs.find(f => /_orderbook_/.test(f))!;
		const name = parseLobsterName(message)!;
		return {
			format: 'lobster',
			symbol: name.symbol,
			date: name.date,
			levels: name.levels,
			files: [join(dataDir, 'lobster', message), join(dataDir, 'lobster', orderbook)],
		};
	}
	const folder = join(dataDir, 'lean', ref.symbol.toLowerCase());
	const trade = ref.inputs.find(f => /_trade_/i.test(f))!;
	const quote = ref.inputs.find(f => /_quote_/i.test(f))!;
	return {format: 'lean', symbol: ref.symbol, date: ref.date, levels: 1, files: [join(folder, trade), join(folder, quote)]};
}

export function compareHft(referencePath: string, dataDir: string): {ok: boolean; literalOk: boolean; detail: string} {
	const ref = JSON.parse(readFileSync(referencePath, 'utf8')) as Reference;
	const ticks = readTickPair(pairFor(ref, dataDir));
	const journal = new MemoryJournal();
	const started = performance.now();
	const result = runHftBacktest({
		tape: ticks.tape,
		hftSymbols: [ticks.symbol],
		hftQty: ref.params.qty,
		cash: ref.params.cash === null ? UNLIMITED_CASH : Math.round(ref.params.cash * 1e6),
		journal,
	});
	const elapsed = performance.now() - started;
	const refusedIds = new Set(
		journal
			.ofType('order_update')
			.filter(u => u.event === 'rejected' && u.order_id === null)
			.map(u => u.client_order_id),
	);
	const submitted = journal.ofType('order_submitted');
	const toKey = (r: (typeof submitted)[number]) =>
		key({ts: new Date(r.ts).toISOString(), symbol: r.symbol, side: r.side, order_type: r.order_type, qty: r.qty, limit_price: r.limit_price});
	const all = submitted.map(toKey);
	const accepted = submitted.filter(r => !refusedIds.has(r.client_order_id)).map(toKey);
	const expected = ref.orders.map(key);
	const missing = minus(expected, accepted);
	const extra = minus(accepted, expected);
	const ok = missing.length === 0 && extra.length === 0;
	const literalOk = minus(expected, all).length === 0 && minus(all, expected).length === 0;
	const hft = result.symbols.find(s => s.strategy === 'hft')!;
	const fillsOk = hft.finalPosition === ref.summary.final_position && hft.hft!.sharesBought === ref.summary.bought && hft.hft!.sharesSold === ref.summary.sold;
	const lines = [
		`${accepted.length} accepted orders (ref ${expected.length}), ${refusedIds.size} refused at submission (ref ${ref.rejects.length}); ` +
			`bought ${hft.hft!.sharesBought}/${ref.summary.bought} sold ${hft.hft!.sharesSold}/${ref.summary.sold} final ${hft.finalPosition}/${ref.summary.final_position}${fillsOk ? '' : ' MISMATCH'}; ` +
			`${ticks.quotes} quotes ${ticks.trades} trades in ${elapsed.toFixed(0)} ms`,
	];
	if (!ok) lines.push(`  missing: ${missing.slice(0, 5).join('\n           ')}`, `  extra:   ${extra.slice(0, 5).join('\n           ')}`);
	if (!literalOk) lines.push(`  note: counting refused submissions too, the journal has ${all.length} order_submitted lines`);
	return {ok: ok && fillsOk, literalOk, detail: lines.join('\n')};
}

const [refDir = '/work/shared/reference/hft', dataDir = '/work/shared/data/ticks'] = process.argv.slice(2);
if (!existsSync(refDir) || !existsSync(dataDir)) {
	console.error(`need ${refDir} and ${dataDir} (dev machines only)`);
	process.exit(2);
}
let pass = 0;
let fail = 0;
for (const name of readdirSync(refDir)
	.filter(f => f.endsWith('.json'))
	.sort()) {
	const r = compareHft(join(refDir, name), dataDir);
	if (r.ok) pass++;
	else fail++;
	console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${name}${r.ok && !r.literalOk ? ' (refused submissions journaled)' : ''}: ${r.detail}`);
}
console.log(`${pass} passed, ${fail} failed`);
process.exit(fail === 0 ? 0 : 1);
