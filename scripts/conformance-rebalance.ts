/**
 * Dev-only conformance check (not a test): run the rebalance backtest over a daily data folder
 * and compare it, day by day, with a reference run of the original algorithm.
 *
 *   node --import tsx scripts/conformance-rebalance.ts <data file or folder> <reference.json> [--days N]
 *
 * The parameters (days, cash, position size, max positions, benchmark) come from the reference's
 * `params` unless --days overrides. Compared per day: the fills (multiset of symbol, side, qty,
 * price: the conformance criterion), and for information the ranked top, the cash, the positions
 * and the equity. Exit status 0 when every day's fills match, 1 otherwise, 2 on bad input.
 */
import {readFileSync} from 'node:fs';
import {readDailyData} from '../source/adapters/replay/daily-csv.js';
import {dollarsToMicros} from '../source/core/money.js';
import {toJsonReport} from '../source/backtest/rebalance/report-json.js';
import {runRebalanceBacktest} from '../source/backtest/rebalance/runner.js';

interface RefOrder {
	symbol: string;
	side: string;
	qty: number;
	price: number;
	filled: boolean;
}
interface RefDay {
	date: string;
	universe: number;
	scored: number;
	candidates: Array<{symbol: string; score: number}>;
	orders: RefOrder[];
	cash: number;
	positions: Array<{symbol: string; qty: number; close: number}>;
	equity: number;
	bench_close: number | null;
}
interface Ref {
	params: {days: number; cash: number; position_size: number; max_positions: number; bench: string | null};
	days: RefDay[];
	summary: Record<string, number>;
}

function main(argv: string[]): number {
	const positional: string[] = [];
	let daysOverride: number | null = null;
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--days') daysOverride = Number(argv[++i]);
		else positional.push(argv[i]!);
	}
	const [dataPath, refPath] = positional;
	if (!dataPath || !refPath) {
		process.stderr.write('usage: conformance-rebalance <data file or folder> <reference.json> [--days N]\n');
		return 2;
	}
	const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Ref;
	const t0 = performance.now();
	const data = readDailyData(dataPath);
	const t1 = performance.now();
	const result = runRebalanceBacktest(data, {
		days: daysOverride ?? ref.params.days,
		cash: dollarsToMicros(ref.params.cash),
		positionSize: dollarsToMicros(ref.params.position_size),
		maxPositions: ref.params.max_positions,
		bench: ref.params.bench,
		universe: null,
	});
	const t2 = performance.now();
	const mine = toJsonReport(result);
	const mineDays = mine.days as RefDay[];
	process.stdout.write(
		`data: ${data.symbols.length} symbols, ${data.dates.length} days, ${data.skippedRows} rows with empty fields skipped (load ${(t1 - t0).toFixed(0)} ms, backtest ${(t2 - t1).toFixed(0)} ms)\n`,
	);
	process.stdout.write(`reference: ${refPath} (${ref.days.length} days); ours: ${mineDays.length} days\n`);

	let fillDays = 0;
	let fillDiffs = 0;
	let rankDiffs = 0;
	let scoreWorst = 0;
	let otherDiffs = 0;
	const byDate = new Map(mineDays.map(d => [d.date, d]));
	for (const r of ref.days) {
		const m = byDate.get(r.date);
		if (!m) {
			process.stdout.write(`${r.date}: missing from our run\n`);
			fillDiffs++;
			continue;
		}
		const key = (o: RefOrder) => `${o.side} ${o.symbol} ${o.qty} @ ${o.price}`;
		const refFills = r.orders
			.filter(o => o.filled)
			.map(key)
			.sort();
		const ourFills = m.orders
			.filter(o => o.filled)
			.map(key)
			.sort();
		const same = refFills.length === ourFills.length && refFills.every((f, i) => f === ourFills[i]);
		if (same) fillDays++;
		else {
			fillDiffs++;
			process.stdout.write(`${r.date}: fills differ\n  reference: ${refFills.join(', ') || '(none)'}\n  ours:      ${ourFills.join(', ') || '(none)'}\n`);
		}
		const refTop = r.candidates.map(c => c.symbol).join(' ');
		const ourTop = m.candidates.map(c => c.symbol).join(' ');
		if (refTop !== ourTop) {
			rankDiffs++;
			process.stdout.write(`${r.date}: ranked top differs\n  reference: ${refTop}\n  ours:      ${ourTop}\n`);
		}
		for (const c of r.candidates) {
			const o = m.candidates.find(x => x.symbol === c.symbol);
			if (o) scoreWorst = Math.max(scoreWorst, Math.abs(o.score - c.score));
		}
		const checks: Array<[string, unknown, unknown]> = [
			['universe', r.universe, m.universe],
			['scored', r.scored, m.scored],
			['cash', r.cash, m.cash],
			['equity', r.equity, m.equity],
			['bench_close', r.bench_close, m.bench_close],
			['positions', JSON.stringify(r.positions), JSON.stringify(m.positions)],
		];
		for (const [name, a, b] of checks) {
			if (a !== b) {
				otherDiffs++;
				process.stdout.write(`${r.date}: ${name} differs: reference ${String(a)}, ours ${String(b)}\n`);
			}
		}
	}
	const s = mine.summary;
	process.stdout.write(
		`summary: reference final_cash ${ref.summary.final_cash} final_equity ${ref.summary.final_equity} return ${ref.summary.return} bench_return ${ref.summary.bench_return}\n` +
			`         ours      final_cash ${String(s.final_cash)} final_equity ${String(s.final_equity)} return ${String(s.return)} bench_return ${String(s.bench_return)}\n`,
	);
	process.stdout.write(
		`result: fills match on ${fillDays}/${ref.days.length} days; ranked top differs on ${rankDiffs} days; ` +
			`largest score difference ${scoreWorst.toExponential(2)}; other field differences ${otherDiffs}\n`,
	);
	return fillDiffs === 0 ? 0 : 1;
}

try {
	process.exitCode = main(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
	process.exitCode = 2;
}
