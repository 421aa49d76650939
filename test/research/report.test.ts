/**
 * `scalp-tui report` and the session summary: totals equal a direct sum over the journal's
 * fills (and the backtest's own figures), restarts carry paper positions over, modes are
 * never mixed, and the summary line is journaled before the session's end.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../../source/backtest/scalp-backtest.js';
import {MemoryJournal, type JournalRecord} from '../../source/journal/records.js';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {serializeRecord} from '../../source/journal/writer.js';
import {bundledMinuteData} from '../../source/paths.js';
import {buildReport} from '../../source/report/report.js';
import {formatReport} from '../../source/report/format.js';
import {formatSummary, SessionTally} from '../../source/report/session-tally.js';
import {runCliInProcess, scratchDir} from '../_helpers/cli.js';
import {micros} from '../../source/core/money.js';

function writeJournal(path: string, records: readonly JournalRecord[]): void {
	writeFileSync(path, records.map(serializeRecord).join(''));
}

test('report totals equal a direct sum over the journal fills and the backtest figures', () => {
	const symbols = ['AAPL', 'MSFT', 'TSLA'];
	const journal = new MemoryJournal();
	const result = runScalpBacktest({
		sessions: toSessions(loadMinuteData([bundledMinuteData()], symbols).bars),
		symbols,
		lot: micros(2000e6),
		cash: micros(100_000e6),
		exitAfterMs: null,
		signal: null,
		journal,
	});
	assert.ok(result.symbols.every(s => s.finalPosition === 0)); // flat at the end: realized is everything
	const path = join(scratchDir(), 'bt.jsonl');
	writeJournal(path, journal.records);
	const read = readJournal(path);
	// The direct sum: every execution's cash, from the cumulative quantity and average price.
	const sides = new Map<string, string>();
	const seen = new Map<string, {qty: number; notional: number}>();
	let cash = 0;
	let fills = 0;
	for (const r of read.records) {
		if (r.type === 'order_submitted') sides.set(String(r.client_order_id), String(r.side));
		if (r.type !== 'order_update' || (r.event !== 'fill' && r.event !== 'partial_fill')) continue;
		const id = String(r.client_order_id);
		const before = seen.get(id) ?? {qty: 0, notional: 0};
		const notional = Number(r.filled_qty) * Math.round(Number(r.filled_avg_price) * 1e6);
		cash += (sides.get(id) === 'sell' ? 1 : -1) * (notional - before.notional);
		seen.set(id, {qty: Number(r.filled_qty), notional});
		fills += 1;
	}
	const report = buildReport([{path, records: read.records}], {by: 'symbol', from: null, to: null});
	assert.equal(report.modes.length, 1);
	const m = report.modes[0]!;
	assert.equal(m.mode, 'backtest');
	assert.equal(report.executions, fills);
	assert.equal(m.total.realizedPnl, cash / 1e6);
	assert.equal(m.total.realizedPnl.toFixed(4), result.total.realizedPnl.toFixed(4));
	assert.equal(m.total.trades, result.total.roundTrips);
	assert.equal(m.total.wins, result.total.wins);
	// Per symbol rows add up to the total.
	assert.equal(m.groups.map(g => g.key).join(','), 'AAPL,MSFT,TSLA');
	assert.equal(
		m.groups.reduce((s, g) => s + g.stats.trades, 0),
		m.total.trades,
	);
	for (const g of m.groups) assert.equal(g.stats.realizedPnl.toFixed(4), result.symbols.find(s => s.symbol === g.key)!.realizedPnl.toFixed(4));
	assert.equal(m.total.fees, 0);
	assert.ok(m.total.profitFactor! > 0 && m.total.avgWin! > 0 && m.total.avgLoss! < 0 && m.total.maxDrawdown > 0);
});

const T0 = Date.parse('2026-03-02T15:00:00.000Z');
const at = (minutes: number) => T0 + minutes * 60_000;
function start(ts: number, mode: string, extra: Record<string, unknown> = {}): JournalRecord {
	return {ts, type: 'session', event: 'start', mode, version: 't', symbols: ['TSLA'], ...extra};
}
function order(ts: number, id: string, side: 'buy' | 'sell', qty: number, price: number, extra: Record<string, unknown> = {}): JournalRecord[] {
	return [
		{
			ts,
			type: 'order_submitted',
			symbol: 'TSLA',
			strategy: 'scalp',
			client_order_id: id,
			side,
			order_type: 'limit',
			qty,
			limit_price: price,
			time_in_force: 'day',
			reason: side === 'buy' ? 'signal' : 'take_profit',
		},
		{
			ts: ts + 1000,
			type: 'order_update',
			symbol: 'TSLA',
			client_order_id: id,
			order_id: `o-${id}`,
			event: 'fill',
			filled_qty: qty,
			filled_avg_price: price,
			position_qty: 0,
			...extra,
		},
	];
}

test('across restarts and journals: paper positions carry over, simulated runs start flat, modes never mix', () => {
	const dir = scratchDir();
	const a = join(dir, 'a.jsonl');
	const b = join(dir, 'b.jsonl');
	writeJournal(a, [
		start(at(0), 'sim'),
		...order(at(1), 's1-scalp-TSLA-buy-1', 'buy', 10, 100),
		// A restart in paper: buy, then the process dies with the position open.
		start(at(10), 'paper', {run: 'r2'}),
		...order(at(11), 'r2-scalp-TSLA-buy-1', 'buy', 5, 50, {run: 'r2'}),
		// The next sim run sells 10 it never bought (a new simulated account): no P&L invented.
		start(at(20), 'sim'),
		...order(at(21), 's3-scalp-TSLA-tp-1', 'sell', 10, 101),
	]);
	writeJournal(b, [
		// The paper restart, in another journal: sells the 5 bought before, with a fee.
		start(at(30), 'paper', {run: 'r4'}),
		...order(at(31), 'r4-scalp-TSLA-tp-1', 'sell', 5, 52, {run: 'r4', fee: 0.02}),
		start(at(40), 'live', {run: 'r5'}),
		...order(at(41), 'r5-scalp-TSLA-buy-1', 'buy', 2, 10, {run: 'r5'}),
		...order(at(42), 'r5-scalp-TSLA-tp-1', 'sell', 2, 9, {run: 'r5'}),
	]);
	const inputs = [a, b].map(path => ({path, records: readJournal(path).records}));
	const report = buildReport(inputs, {by: 'mode', from: null, to: null});
	const byMode = Object.fromEntries(report.modes.map(m => [m.mode, m]));
	assert.deepEqual(
		report.modes.map(m => m.mode),
		['live', 'paper', 'sim'],
	);
	assert.equal(byMode.paper!.runs, 2);
	assert.equal(byMode.paper!.total.trades, 1);
	assert.equal(byMode.paper!.total.realizedPnl, 10);
	assert.equal(byMode.paper!.total.fees, 0.02);
	assert.equal(byMode.paper!.total.netPnl, 9.98);
	assert.equal(byMode.live!.total.realizedPnl, -2);
	assert.equal(byMode.live!.total.winRate, 0);
	assert.equal(byMode.live!.total.avgLoss, -2);
	assert.equal(byMode.sim!.runs, 2);
	assert.equal(byMode.sim!.total.trades, 0);
	assert.equal(byMode.sim!.total.realizedPnl, 0);
	assert.deepEqual(byMode.sim!.openPositions, [{strategy: 'scalp', symbol: 'TSLA', qty: 10}]);
	assert.equal(report.unmatchedSellQty, 10);
	// --from/--to select by the New York date of the closing fill.
	assert.equal(
		buildReport(inputs, {by: 'day', from: '2026-03-03', to: null}).modes.every(m => m.total.trades === 0),
		true,
	);
});

test('the session summary is journaled (schema-valid) just before the session end, and prints', () => {
	const inner = new MemoryJournal();
	const tally = new SessionTally(inner, 'sim');
	for (const r of [
		start(at(0), 'sim'),
		...order(at(1), 'x-scalp-TSLA-buy-1', 'buy', 10, 100),
		...order(at(2), 'x-scalp-TSLA-tp-1', 'sell', 10, 100.5),
		...order(at(3), 'x-scalp-TSLA-buy-2', 'buy', 4, 100),
		...order(at(4), 'x-scalp-TSLA-tp-2', 'sell', 4, 99),
	])
		tally.write(r);
	tally.write({ts: at(5), type: 'session', event: 'end', mode: 'sim', version: 't', symbols: ['TSLA']});
	const types = inner.records.map(r => r.type);
	assert.deepEqual(types.slice(-2), ['session_summary', 'session']);
	const line = JSON.parse(serializeRecord(inner.records.at(-2)!));
	assert.deepEqual(validateRecord(line), []);
	assert.equal(line.trades, 2);
	assert.equal(line.realized_pnl, 1);
	assert.equal(line.wins, 1);
	assert.equal(line.profit_factor, 1.25);
	const printed = formatSummary(tally.last!).trimEnd().split('\n');
	assert.equal(printed[0], 'session summary (sim): 2 trades, realized +$1.00');
	assert.deepEqual(printed.slice(1), ['  win rate 50.0%, profit factor 1.25, max drawdown $4.00', '  avg win +$5.00, avg loss -$4.00']);
	// Printed to the terminal at quit: no line may wrap at 80 columns.
	for (const row of printed) assert.ok(row.length <= 80, `${row.length} columns: ${row}`);
});

test('report through the CLI: text by symbol, JSON, and bad input as one line with exit 2', async () => {
	const dir = scratchDir();
	// In this process (the CLI's own exit route): spawning is not what is tested here.
	const bt = await runCliInProcess(['backtest', 'TSLA', '--journal', join(dir, 'j.jsonl'), '--sma', '25']);
	assert.equal(bt.status, 0, bt.stderr);
	const text = await runCliInProcess(['report', join(dir, 'j.jsonl'), '--by', 'symbol']);
	assert.equal(text.status, 0, text.stderr);
	assert.match(text.stdout, /BACKTEST \(1 run/);
	assert.match(text.stdout, /params sma 25 · take-profit 0\.01 · stale-buy 120s · eod 15:55 · lot 2000/);
	assert.match(text.stdout, /^TSLA +\d+/m);
	const json = await runCliInProcess(['report', '--journal', join(dir, 'j.jsonl'), '--json']);
	assert.equal(json.status, 0, json.stderr);
	assert.equal(JSON.parse(json.stdout).modes[0].mode, 'backtest');
	const cases: [string[], string][] = [
		[['report', '--journal', join(dir, 'missing.jsonl')], `journal does not exist: ${join(dir, 'missing.jsonl')}`],
		[['report', join(dir, 'j.jsonl'), '--by', 'week'], '--by must be day, symbol, strategy or mode, got "week"'],
		[['report', join(dir, 'j.jsonl'), '--from', '2019-13-01'], '--from needs a date like 2019-02-11, got "2019-13-01"'],
		[['report', join(dir, 'j.jsonl'), '--from', '2019-02-14', '--to', '2019-02-11'], '--from 2019-02-14 is after --to 2019-02-11'],
		[['report', join(dir, 'j.jsonl'), '--sma', '20'], '--sma does not apply to report'],
	];
	for (const [args, message] of cases) {
		const r = await runCliInProcess(args);
		assert.equal(r.status, 2, args.join(' '));
		assert.equal(r.stderr, `scalp-tui: ${message}\n`);
		assert.equal(r.stdout, '');
	}
});

test('the text table shows fees and net only when some fill paid a fee, and fits 80 columns either way', () => {
	const trades = (fee: number | undefined) => [
		start(at(0), 'sim'),
		...order(at(1), 'x-scalp-TSLA-buy-1', 'buy', 10, 100, fee === undefined ? {} : {fee}),
		...order(at(2), 'x-scalp-TSLA-tp-1', 'sell', 10, 100.5, fee === undefined ? {} : {fee}),
	];
	const dir = scratchDir();
	const text = (records: JournalRecord[]) => {
		const path = join(dir, 'j.jsonl');
		writeJournal(path, records);
		const report = buildReport([{path, records: readJournal(path).records}], {by: 'symbol', from: null, to: null});
		return formatReport(report, {journals: [path], params: new Map()});
	};
	const free = text(trades(undefined));
	const paid = text(trades(0.35));
	const header = (report: string) => report.split('\n').find(line => line.startsWith('symbol '))!;
	assert.doesNotMatch(header(free), /fees/);
	assert.match(free, /no fees recorded/);
	assert.match(header(free), /realized/);
	assert.match(header(paid), /fees +net/);
	// Realized +$5.00 on the round trip, fees $0.35 on each fill: net +$4.30.
	assert.match(paid, /TOTAL +1 +100\.0% +\$0\.70 +\+\$4\.30 /);
	for (const report of [free, paid]) for (const line of report.split('\n')) assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
});
