/**
 * Bar-mode backtest throughput: 20 synthetic symbols over 130 sessions (1,014,000 bars),
 * journal off and on, plus memory across a run twice as long (it must not grow).
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {syntheticSessions, weekdays} from '../source/adapters/sim/synthetic.js';
import type {BarSession} from '../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../source/backtest/scalp-backtest.js';
import {nullJournal, type Journal} from '../source/journal/records.js';
import {FileJournal} from '../source/journal/writer.js';
import {micros} from '../source/core/money.js';

const SYMBOLS = Array.from({length: 20}, (_, i) => `S${String(i).padStart(2, '0')}`);

function pregenerated(sessions: number): BarSession[] {
	return [...syntheticSessions(SYMBOLS, weekdays('2019-01-07', sessions), {seed: 7})];
}

function timeRun(sessions: BarSession[], journal: Journal) {
	const started = process.hrtime.bigint();
	const result = runScalpBacktest({sessions, symbols: SYMBOLS, lot: micros(2000e6), cash: micros(1_000_000e6), exitAfterMs: null, signal: null, journal});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	return {seconds, bars: result.total.bars, trips: result.total.roundTrips};
}

export async function benchBars(): Promise<string[]> {
	const lines: string[] = [];
	const sessions = pregenerated(130);
	// One full run warms the JIT up; then the median of five (the machine may be busy).
	const first = timeRun(sessions, nullJournal);
	const runs = Array.from({length: 5}, () => timeRun(sessions, nullJournal)).sort((a, b) => a.seconds - b.seconds);
	const off = runs[2]!;
	const rate = (r: {bars: number; seconds: number}) => Math.round(r.bars / r.seconds).toLocaleString('en-US');
	lines.push(
		`bar backtest, journal off: ${off.bars.toLocaleString('en-US')} bars, median of 5 runs ${off.seconds.toFixed(3)} s = ${rate(off)} bars/s (fastest ${rate(runs[0]!)}, slowest ${rate(runs[4]!)}, first cold run ${rate(first)}; ${off.trips} round trips, ~${Math.round(off.bars / (off.trips * 2))} bars per order)`,
	);
	const dir = mkdtempSync(join(tmpdir(), 'bench-'));
	const path = join(dir, 'journal.jsonl');
	const journal = new FileJournal(path, {mode: 'buffered'});
	const on = timeRun(sessions, journal);
	journal.close();
	lines.push(
		`bar backtest, journal on:  ${on.bars.toLocaleString('en-US')} bars in ${on.seconds.toFixed(3)} s = ${Math.round(on.bars / on.seconds).toLocaleString('en-US')} bars/s (journal ${(statSync(path).size / 1e6).toFixed(1)} MB)`,
	);
	rmSync(dir, {recursive: true, force: true});

	// Memory: a lazily generated run of 520 sessions (~4M bars); heap sampled as it goes.
	const samples: number[] = [];
	let count = 0;
	const lazy = (function* () {
		for (const s of syntheticSessions(SYMBOLS, weekdays('2015-01-05', 520), {seed: 9})) {
			count += 1;
			if (count % 130 === 0) {
				globalThis.gc?.();
				samples.push(process.memoryUsage().heapUsed);
			}
			yield s;
		}
	})();
	runScalpBacktest({sessions: lazy, symbols: SYMBOLS, lot: micros(2000e6), cash: micros(1_000_000e6), exitAfterMs: null, signal: null, journal: nullJournal});
	lines.push(
		`memory over 520 sessions (heap after 130/260/390/520): ${samples.map(b => `${(b / 1e6).toFixed(1)} MB`).join(', ')}${globalThis.gc ? '' : ' (run with --expose-gc for exact figures)'}`,
	);
	return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchBars()) console.log(line);
}
