/**
 * The bar cache against CSV: 1,000 synthetic symbols x 3 sessions (1,170,000 minute bars).
 * Size on disk, load time (cache: loadBars with every session built, verified; CSV: the
 * minute-CSV reader), and the scalper backtest end to end from the cache as `backtest` reads it
 * (files read and verified, then each session built as the replay reaches it, in one reused
 * day's room): in process with the journal off and on, and the
 * real binary (`node dist/cli.js backtest --from --to`, which always writes its journal) timed
 * from spawn to exit.
 */
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadBars} from '../source/adapters/cache/load.js';
import {writePeriod} from '../source/adapters/cache/store.js';
import {loadMinuteData, toSessions} from '../source/adapters/replay/minute-csv.js';
import {syntheticSessions, weekdays} from '../source/adapters/sim/synthetic.js';
import {runScalpBacktest} from '../source/backtest/scalp-backtest.js';
import type {Bar} from '../source/core/types.js';
import {nullJournal, type Journal} from '../source/journal/records.js';
import {FileJournal} from '../source/journal/writer.js';
import {micros} from '../source/core/money.js';

const SYMBOLS = Array.from({length: 1000}, (_, i) => `S${String(i).padStart(3, '0')}`);
const DATES = weekdays('2024-03-04', 3);
const FROM = DATES[0]!;
const TO = DATES[DATES.length - 1]!;

function dirBytes(dir: string): number {
	let total = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		total += entry.isDirectory() ? dirBytes(path) : statSync(path).size;
	}
	return total;
}

const money = (m: number): string => {
	const s = String(m).padStart(7, '0');
	return `${s.slice(0, -6)}.${s.slice(-6)}`.replace(/\.?0+$/, '');
};

function median<T>(runs: T[], key: (t: T) => number): T {
	return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

function backtest(sessions: Parameters<typeof runScalpBacktest>[0]['sessions'], journal: Journal) {
	return runScalpBacktest({sessions, symbols: SYMBOLS, lot: micros(2000e6), cash: micros(100_000_000e6), exitAfterMs: null, signal: null, journal});
}

export async function benchCache(): Promise<string[]> {
	const lines: string[] = [];
	const root = mkdtempSync(join(tmpdir(), 'bench-cache-'));
	try {
		const cache = join(root, 'cache');
		const csvDir = join(root, 'csv');
		mkdirSync(csvDir);
		// Generated in its own scope: a million Bar objects left on the heap would slow every
		// collection of the timed runs below.
		const total = (() => {
			const bySymbol = new Map<string, Bar[]>(SYMBOLS.map(s => [s, []]));
			for (const session of syntheticSessions(SYMBOLS, DATES, {seed: 11})) for (const bar of session.bars) bySymbol.get(bar.symbol)!.push(bar);
			let count = 0;
			for (const [symbol, bars] of bySymbol) {
				count += bars.length;
				writePeriod(cache, {symbol, timeframe: '1Min', feed: 'iex', adjustment: 'raw'}, FROM.slice(0, 7), bars, [FROM, TO]);
				const rows = bars.map(b => `${new Date(b.start).toISOString()},${money(b.open)},${money(b.high)},${money(b.low)},${money(b.close)},${b.volume}`);
				writeFileSync(join(csvDir, `${symbol}.csv`), `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
			}
			return count;
		})();
		const cacheBytes = dirBytes(cache);
		const csvBytes = dirBytes(csvDir);
		lines.push(
			`data: ${SYMBOLS.length} symbols x ${DATES.length} sessions = ${total.toLocaleString('en-US')} minute bars; cache ${(cacheBytes / 1e6).toFixed(1)} MB (Arrow, ${(cacheBytes / total).toFixed(1)} bytes/bar) vs CSV ${(csvBytes / 1e6).toFixed(1)} MB (${(cacheBytes / csvBytes).toFixed(2)}x)`,
		);

		const loads = Array.from({length: 5}, () => {
			globalThis.gc?.();
			const c = process.cpuUsage();
			const t = process.hrtime.bigint();
			// Every session built inside the timing (columns are built on first use).
			const sessions = loadBars({symbols: SYMBOLS, from: FROM, to: TO, cacheDir: cache}).columns.length;
			const cpu = process.cpuUsage(c);
			return {seconds: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, sessions};
		});
		const load = median(loads, r => r.seconds);
		lines.push(
			`load from the cache (checksums verified, sessions built): median of 5 ${load.seconds.toFixed(3)} s wall (${load.cpu.toFixed(3)} s CPU) = ${Math.round(total / load.seconds).toLocaleString('en-US')} bars/s (fastest ${Math.min(...loads.map(r => r.seconds)).toFixed(3)} s)`,
		);
		// The CSV load in its own scope: its million Bar objects must not stay on the heap (and
		// slow every later collection) while the cache runs below are timed.
		const csvRun = (() => {
			const t0 = process.hrtime.bigint();
			const csv = loadMinuteData([csvDir]);
			const csvSessions = toSessions(csv.bars);
			return {seconds: Number(process.hrtime.bigint() - t0) / 1e9, sessions: csvSessions.length};
		})();
		const csvSeconds = csvRun.seconds;
		lines.push(
			`load from CSV (parse, sessions): ${csvSeconds.toFixed(2)} s = ${Math.round(total / csvSeconds).toLocaleString('en-US')} bars/s; cache is ${(csvSeconds / load.seconds).toFixed(0)}x faster`,
		);
		if (csvRun.sessions !== load.sessions) throw new Error('cache and CSV sessions differ');

		// In process, end to end: load + backtest, in a warm process. No forced collection
		// before a timed run: a full collection there throws away most of the optimized replay
		// code (~40-50 "weak objects" deoptimizations a run under --trace-deopt, the previous
		// run's objects having died) and the run is compiled again, which no process running
		// backtests does. The previous run's garbage is collected inside the timed run instead.
		// Three warm-ups (the first runs still compile); the binary row below is the cold figure.
		for (let i = 0; i < 3; i++) backtest(loadBars({symbols: SYMBOLS, from: FROM, to: TO, cacheDir: cache}).streamColumns(), nullJournal);
		const endToEnd = (journal: () => Journal) => {
			const sink = journal();
			const c = process.cpuUsage();
			const t = process.hrtime.bigint();
			const loaded = loadBars({symbols: SYMBOLS, from: FROM, to: TO, cacheDir: cache});
			const result = backtest(loaded.streamColumns(), sink);
			sink.close();
			const cpu = process.cpuUsage(c);
			return {seconds: Number(process.hrtime.bigint() - t) / 1e9, cpu: (cpu.user + cpu.system) / 1e6, bars: result.total.bars, trips: result.total.roundTrips};
		};
		const runs = (list: {seconds: number}[]) => list.map(r => r.seconds.toFixed(3)).join(', ');
		const off = Array.from({length: 5}, () => endToEnd(() => nullJournal));
		const offRun = median(off, r => r.seconds);
		lines.push(
			`load + backtest, journal off: median of 5 ${offRun.seconds.toFixed(3)} s wall (${offRun.cpu.toFixed(3)} s CPU) = ${Math.round(offRun.bars / offRun.seconds).toLocaleString('en-US')} bars/s (${offRun.trips.toLocaleString('en-US')} round trips; runs ${runs(off)} s)`,
		);
		const journalPath = join(root, 'journal.jsonl');
		const on = Array.from({length: 5}, () =>
			endToEnd(() => {
				rmSync(journalPath, {force: true});
				return new FileJournal(journalPath, {mode: 'buffered'});
			}),
		);
		const onRun = median(on, r => r.seconds);
		lines.push(
			`load + backtest, journal on:  median of 5 ${onRun.seconds.toFixed(3)} s wall (${onRun.cpu.toFixed(3)} s CPU) = ${Math.round(onRun.bars / onRun.seconds).toLocaleString('en-US')} bars/s (journal ${(statSync(journalPath).size / 1e6).toFixed(0)} MB; runs ${runs(on)} s)`,
		);

		// The real binary, spawn to exit (node start-up, imports, load, run, report, journal when asked).
		const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
		if (existsSync(cli)) {
			for (const journaled of [false, true]) {
				const runs = Array.from({length: 3}, () => {
					const t = process.hrtime.bigint();
					const journalArgs = journaled ? ['--journal', journalPath] : [];
					const r = spawnSync(process.execPath, [cli, 'backtest', '--from', FROM, '--to', TO, '--cache-dir', cache, ...journalArgs, '--json'], {
						encoding: 'utf8',
						maxBuffer: 1 << 28,
					});
					if (r.status !== 0) throw new Error(`backtest exited ${r.status}: ${r.stderr.trim()}`);
					return {seconds: Number(process.hrtime.bigint() - t) / 1e9};
				});
				const cliRun = median(runs, r => r.seconds);
				lines.push(
					`scalp-tui backtest --from ${FROM} --to ${TO}${journaled ? ' --journal' : ''} (binary, cold, spawn to exit): median of 3 ${cliRun.seconds.toFixed(2)} s = ${Math.round(total / cliRun.seconds).toLocaleString('en-US')} bars/s`,
				);
			}
		} else {
			lines.push('binary run skipped: npm run build first');
		}
	} finally {
		rmSync(root, {recursive: true, force: true});
	}
	return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchCache()) console.log(line);
}
