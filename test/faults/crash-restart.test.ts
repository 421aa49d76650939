/**
 * `kill -9` of the real binary (paper mode against `emulate`, manual clock) in each state of
 * the scalper, then a restart on the same journal: the restarted process rebuilds the state
 * from the broker (its journal says so), never buys a second time while a position or a buy
 * exists, and carries on to a completed round trip. Then SIGTERM: no orphan order, flat, and
 * a journal of whole, valid lines (a line torn by a crash mid-write is tolerated).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator, type EmulatorHandle} from '../../source/emulate/server.js';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {journal, kill9, lastState, launch, until, type Running} from './_process.js';
import {cycleBars, KEYS, lotShares} from './_rig.js';

const SYMBOL = 'AAPL';
const SHARES = lotShares(100);
const SIGNAL = 22;
const BUY_FILL = 23;

interface Crash {
	readonly emulator: EmulatorHandle;
	readonly dir: string;
	readonly journalPath: string;
	readonly args: string[];
	/** Market steps taken so far. */
	steps: number;
	running: Running | null;
}

async function setUp(extraArgs: string[] = []): Promise<Crash> {
	const emulator = await startEmulator({
		port: 0,
		bars: new Map([[SYMBOL, cycleBars(SYMBOL, 100, 2)]]),
		manualClock: true,
		keys: KEYS,
		rateLimitPerMinute: 0,
		cash: 100_000,
	});
	const dir = mkdtempSync(join(tmpdir(), 'scalp-crash-'));
	const journalPath = join(dir, 'journal.jsonl');
	const args = [SYMBOL, '--journal', journalPath, '--log-file', join(dir, 'log.txt'), ...extraArgs];
	return {emulator, dir, journalPath, args, steps: 0, running: null};
}

async function start(c: Crash): Promise<void> {
	c.running = await launch(c.emulator, c.dir, c.args);
}

const exchangeOrders = (c: Crash) => c.emulator.exchange.allOrders().filter(o => o.symbol === SYMBOL);
const openAt = (c: Crash, side: 'buy' | 'sell') => c.emulator.exchange.state().openOrders.filter(o => o.side === side);

const context = (c: Crash) => () => `${c.running?.stdout() ?? ''}\n${c.running?.stderr() ?? ''}`;

/** The scalper's state moves, in order, as `from>to`. */
const stateMoves = (c: Crash): string[] =>
	journal(c.journalPath)
		.filter(r => r.type === 'state' && r.symbol === SYMBOL && r.strategy === 'scalp')
		.map(r => `${r.from}>${r.to}`);

/**
 * Step the market; flat minutes wait until the process has handled their frames (the
 * emulator idle), the trading minutes wait for what must follow.
 * After the buy's fill the next bar is the take-profit's only chance, so the wait is for the
 * order at the exchange (a TO_SELL journal line comes before it: waiting on that raced the
 * next bar under load), or, when the test made the exchange refuse it, for the refusal.
 */
async function step(c: Crash, count: number, options: {takeProfitRefused?: boolean} = {}): Promise<void> {
	for (let i = 0; i < count; i++) {
		c.emulator.step();
		c.steps += 1;
		const inCycle = ((c.steps - 1) % 26) + 1;
		if (inCycle === SIGNAL) await until(() => openAt(c, 'buy').length === 1, 'the buy', 20_000, context(c));
		else if (inCycle === BUY_FILL && options.takeProfitRefused)
			await until(() => stateMoves(c).at(-1) === 'SELL_SUBMITTED>TO_SELL', 'the refused take-profit (back to TO_SELL)', 20_000, context(c));
		else if (inCycle === BUY_FILL) await until(() => openAt(c, 'sell').length === 1, 'the take-profit at the exchange', 20_000, context(c));
		else await c.emulator.whenIdle();
	}
}

/** SIGTERM (the headless default: cancel open orders, keep positions), then the final checks. */
async function finish(c: Crash, options: {tornLines?: number} = {}): Promise<void> {
	const running = c.running!;
	running.child.kill('SIGTERM');
	const {code} = await running.exited;
	assert.equal(code, 143, running.stderr());
	assert.deepEqual(c.emulator.exchange.state().openOrders, [], 'no orphan order');
	assert.equal(c.emulator.exchange.position(SYMBOL), null, 'flat after the round trip');
	const {records, badLines, tornTail} = readJournal(c.journalPath);
	if (process.env.CRASH_DEBUG) for (const r of records) console.error(JSON.stringify(r));
	assert.equal(tornTail, false);
	assert.equal(badLines.length, options.tornLines ?? 0, 'only the line the crash tore');
	for (const record of records) assert.deepEqual(validateRecord(record), [], JSON.stringify(record));
	// No duplicate order: client ids unique, at most one lot held at any time.
	const ids = exchangeOrders(c).map(o => o.clientOrderId);
	assert.equal(new Set(ids).size, ids.length);
	for (const update of records.filter(r => r.type === 'order_update'))
		assert.ok(Number(update.position_qty) <= SHARES, `position ${update.position_qty}: a second entry`);
	assert.equal(records.filter(r => r.type === 'session' && r.event === 'start').length, 2, 'two runs');
	assert.equal(records.at(-1)!.type, 'session');
	assert.equal(records.at(-1)!.event, 'end');
}

/** Records written by the restarted process (after its `session start`). */
function afterRestart(c: Crash) {
	const records = journal(c.journalPath);
	const starts = records.map((r, i) => (r.type === 'session' && r.event === 'start' ? i : -1)).filter(i => i >= 0);
	return records.slice(starts.at(-1)!);
}

async function crashAndRestart(c: Crash): Promise<void> {
	await kill9(c.running!);
	await start(c);
}

const TIMEOUT = {timeout: 120_000};

test("kill -9 in TO_BUY: the restart warms up from today's bars and trades the signal once", TIMEOUT, async () => {
	const c = await setUp();
	try {
		await start(c);
		await step(c, 12);
		assert.equal(lastState(c.journalPath, SYMBOL), null, 'still TO_BUY');
		await crashAndRestart(c);
		await step(c, SIGNAL - 12);
		assert.equal(openAt(c, 'buy').length, 1, 'the signal was traded after the restart');
		await step(c, 3);
		await until(
			() => journal(c.journalPath).some(r => r.type === 'order_update' && r.event === 'fill' && String(r.client_order_id).includes('-tp-')),
			'the take-profit fill',
			20_000,
			context(c),
		);
		assert.equal(exchangeOrders(c).filter(o => o.side === 'buy').length, 1);
		assert.match(c.running!.stdout(), /warm-up: 12 bars of today/);
		await finish(c);
	} finally {
		c.running?.child.kill('SIGKILL');
		await c.emulator.close();
	}
});

test('kill -9 in BUY_SUBMITTED: the restart adopts the open buy (no second buy) and sells when it fills', TIMEOUT, async () => {
	const c = await setUp();
	try {
		await start(c);
		await step(c, SIGNAL);
		assert.equal(lastState(c.journalPath, SYMBOL), 'BUY_SUBMITTED');
		await crashAndRestart(c);
		const rebuilt = afterRestart(c).filter(r => r.type === 'state');
		assert.deepEqual(
			rebuilt.map(r => `${r.from}>${r.to}`),
			['TO_BUY>BUY_SUBMITTED'],
			'rebuilt from the open buy at the broker',
		);
		await step(c, 2);
		await until(
			() => journal(c.journalPath).some(r => r.type === 'order_update' && r.event === 'fill' && String(r.client_order_id).includes('-tp-')),
			'the take-profit fill',
			20_000,
			context(c),
		);
		assert.equal(exchangeOrders(c).filter(o => o.side === 'buy').length, 1, 'one buy in all');
		await finish(c);
	} finally {
		c.running?.child.kill('SIGKILL');
		await c.emulator.close();
	}
});

test('kill -9 in SELL_SUBMITTED (and a torn journal line): the restart adopts the take-profit, which fills', TIMEOUT, async () => {
	const c = await setUp();
	try {
		await start(c);
		await step(c, BUY_FILL);
		assert.equal(lastState(c.journalPath, SYMBOL), 'SELL_SUBMITTED');
		await kill9(c.running!);
		// A crash in the middle of a write (power loss) leaves half a line at the end.
		appendFileSync(c.journalPath, '{"ts":"2019-02-11T14:54:00.000Z","type":"order_upd');
		assert.equal(readJournal(c.journalPath).tornTail, true, 'the reader skips a torn last line');
		await start(c);
		const rebuilt = afterRestart(c).filter(r => r.type === 'state');
		assert.deepEqual(
			rebuilt.map(r => `${r.from}>${r.to}`),
			['TO_BUY>SELL_SUBMITTED'],
			'rebuilt from the position and the open sell',
		);
		await step(c, 1);
		await until(
			() => journal(c.journalPath).some(r => r.type === 'order_update' && r.event === 'fill' && String(r.client_order_id).includes('-tp-')),
			'the take-profit fill',
		);
		await until(() => lastState(c.journalPath, SYMBOL) === 'TO_BUY', 'the round trip');
		assert.equal(exchangeOrders(c).filter(o => o.side === 'sell').length, 1, 'the take-profit was not placed again');
		await finish(c, {tornLines: 1});
	} finally {
		c.running?.child.kill('SIGKILL');
		await c.emulator.close();
	}
});

test('kill -9 in TO_SELL (take-profit refused): the restart places the take-profit again, then exits it (--exit-after)', TIMEOUT, async () => {
	const c = await setUp(['--exit-after', '1m']);
	try {
		await start(c);
		await step(c, SIGNAL);
		c.emulator.faults.rejectOrders(1, {mode: 'http', status: 403, message: 'insufficient qty available for order'});
		await step(c, 1, {takeProfitRefused: true});
		assert.equal(lastState(c.journalPath, SYMBOL), 'TO_SELL');
		assert.equal(c.emulator.exchange.position(SYMBOL)?.qty, SHARES);
		await crashAndRestart(c);
		const rebuilt = afterRestart(c).filter(r => r.type === 'state');
		assert.deepEqual(
			rebuilt.map(r => `${r.from}>${r.to}`),
			['TO_BUY>TO_SELL', 'TO_SELL>SELL_SUBMITTED'],
			'rebuilt from the position, nothing open: the take-profit goes out again',
		);
		await step(c, 3);
		// The take-profit placed again or the --exit-after market sell closes it, whichever first.
		await until(
			() => afterRestart(c).some(r => r.type === 'order_update' && r.event === 'fill' && /-(exit|tp)-/.test(String(r.client_order_id))),
			'the exit fill',
		);
		await until(() => lastState(c.journalPath, SYMBOL) === 'TO_BUY', 'the round trip');
		assert.equal(exchangeOrders(c).filter(o => o.side === 'buy').length, 1, 'no second buy while the position was held');
		await finish(c);
	} finally {
		c.running?.child.kill('SIGKILL');
		await c.emulator.close();
	}
});
