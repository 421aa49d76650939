/**
 * Paper trading end to end: the real CLI in paper mode (the real Alpaca SDK inside) against
 * `emulate` on a loopback port, stepped bar by bar, makes the same scalping decisions as a
 * SIM backtest of the same bars. Also: the secret never appears in any output.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../../source/backtest/scalp-backtest.js';
import {startEmulator} from '../../source/emulate/server.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {readJournal} from '../../source/journal/reader.js';
import {bundledMinuteData} from '../../source/paths.js';
import {cliCommand} from '../_helpers/cli.js';
import {micros} from '../../source/core/money.js';

const SECRET = 'paper-secret-do-not-print-9f3k';
const STEPS = 75; // 09:30 .. 10:45 of 2019-02-11

test('paper mode against emulate trades like SIM (a full scalp round trip, driven from the CLI)', {timeout: 120_000}, async () => {
	const data = loadMinuteData([bundledMinuteData()], ['AAPL', 'TSLA']);
	const firstDay = toSessions(data.bars)[0]!;
	const cutoff = firstDay.bars[0]!.start + STEPS * 60_000;
	const bars = new Map([...data.bars].map(([symbol, list]) => [symbol, list.filter(b => b.start < cutoff)]));
	const emulator = await startEmulator({port: 0, bars, manualClock: true, keys: {keyId: 'PKTESTPAPER', secret: SECRET}, cash: 100_000});
	const dir = mkdtempSync(join(tmpdir(), 'scalp-paper-'));
	const journalPath = join(dir, 'journal.jsonl');
	const [node, ...argv] = cliCommand(['TSLA', 'AAPL', '--journal', journalPath, '--log-file', join(dir, 'log.txt')]);
	const child = spawn(node!, argv, {
		cwd: dir,
		env: {
			...process.env,
			APCA_API_KEY_ID: 'PKTESTPAPER',
			APCA_API_SECRET_KEY: SECRET,
			APCA_API_BASE_URL: emulator.baseUrl,
			APCA_API_DATA_URL: emulator.baseUrl,
			NO_COLOR: '1',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', chunk => (stdout += chunk));
	child.stderr.on('data', chunk => (stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
	// The same bars through the SIM backtest (first: its orders pace the stepping).
	const reference = new MemoryJournal();
	runScalpBacktest({
		sessions: [{date: firstDay.date, bars: firstDay.bars.filter(b => b.start < cutoff)}],
		symbols: ['AAPL', 'TSLA'],
		lot: micros(2000e6),
		cash: micros(100_000e6),
		exitAfterMs: null,
		signal: null,
		journal: reference,
	});
	// Orders SIM submits by each arrival: the console must have sent as many before the next minute.
	const simSubmitted = reference.ofType('order_submitted').map(o => new Date(o.ts).getTime());
	// Arrival times of the replayed minutes (the last step is the session's end: no bars).
	const arrivals = new Set([...bars.values()].flatMap(list => list.map(b => b.start + 60_000)));
	/** The console journaled that it evaluated the bars of the minute that arrived at `ms`. */
	const evaluated = (ms: number): boolean => {
		const prefix = `{"ts":"${new Date(ms).toISOString()}"`;
		return readFileSync(journalPath, 'utf8')
			.split('\n')
			.some(line => line.startsWith(prefix) && line.includes('"type":"bars_evaluated"'));
	};
	const waitFor = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
		const deadline = Date.now() + timeoutMs;
		while (!done()) {
			if (Date.now() > deadline) return false;
			await new Promise(r => setTimeout(r, 5));
		}
		return true;
	};
	try {
		await waitFor(() => /PAPER: market/.test(stdout), 30_000);
		assert.match(stdout, /PAPER: market/, `console did not start: ${stderr}`);
		assert.ok(await waitFor(() => emulator.subscribers().tradeUpdates === 1 && emulator.subscribers().bars === 1, 10_000), 'streams subscribed');
		for (let i = 0; i < STEPS + 1; i++) {
			// The minute's trades reach the console before its fills (SIM prices a take-profit from
			// this minute's last trade; on two sockets the arrival order would be up to the network).
			emulator.faults.holdTradeUpdates(true);
			emulator.step();
			await emulator.whenIdle();
			emulator.faults.holdTradeUpdates(false);
			// The console holds a minute's bars back a moment (its bar window) so that the same
			// minute's fills come first; its journal says when it has evaluated them, orders or not.
			if (arrivals.has(emulator.now))
				assert.ok(await waitFor(() => evaluated(emulator.now), 10_000), `bars of ${new Date(emulator.now).toISOString()} evaluated`);
			// The console reacts to this minute before the next one, as SIM does: its orders of this
			// arrival are at the exchange (a missing one times out here and fails the comparison below).
			const expected = simSubmitted.filter(ts => ts <= emulator.now).length;
			await waitFor(() => emulator.exchange.allOrders().length >= expected, 10_000);
			await emulator.whenIdle();
		}
		child.kill('SIGTERM');
		assert.equal(await exited, 143);
	} finally {
		child.kill('SIGKILL');
		await emulator.close();
	}

	// Alpaca takes whole cents: the adapter sends a sub-penny last price rounded half up.
	const cents = (p: number | null) => (p === null ? 'mkt' : (Math.round(p * 100 + 1e-9) / 100).toFixed(2));
	const key = (o: {ts: string | number; symbol: unknown; side: unknown; order_type: unknown; qty: unknown; limit_price: unknown}) =>
		`${new Date(o.ts).toISOString()} ${o.symbol} ${o.side} ${o.order_type} ${o.qty} ${cents(o.limit_price as number | null)}`;
	const sim = reference.ofType('order_submitted').map(key).sort();
	const {records} = readJournal(journalPath);
	const paper = records
		.filter(r => r.type === 'order_submitted')
		.map(r => key(r as never))
		.sort();
	assert.ok(sim.length >= 4, `the window has trades (${sim.length})`);
	assert.deepEqual(paper, sim);
	// A round trip completed: a take-profit sell filled.
	assert.ok(records.some(r => r.type === 'order_update' && r.event === 'fill' && String(r.client_order_id).includes('-tp-')));
	for (const text of [stdout, stderr, readFileSync(journalPath, 'utf8'), readFileSync(join(dir, 'log.txt'), 'utf8')]) {
		assert.equal(text.includes(SECRET), false, 'the secret leaked');
	}
});
