/**
 * The tick-taker in paper mode against `emulate` in tick mode: the real engine, LiveSession
 * and Alpaca adapter (the real SDK, msgpack market-data socket) trade the bundled LOBSTER
 * ticks streamed by the emulator, and make the same decisions as `backtest --strategy hft` on
 * the same ticks: the same IOC orders (time, side, qty, limit) and the same fills (qty, price,
 * position after).
 *
 * Lockstep without sleeps: the emulator is stepped through its quotes to the next trade (the
 * rules act on trades), then the test waits until the emulator is idle (every frame handled by
 * the client: a ping round trip) and the engine has no order in flight, so the next quote
 * reaches the book only after the strategy reacted, as in the backtest.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {loadTicks} from '../../source/adapters/replay/ticks.js';
import {runHftBacktest} from '../../source/backtest/hft-backtest.js';
import type {StepReport} from '../../source/emulate/replay.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {readJournal} from '../../source/journal/reader.js';
import {ROOT} from '../_helpers/cli.js';
import {startRig} from '../faults/_rig.js';

const LOB = 'AMZN_2012-06-21_34200000_37800000';
/** The last 20 minutes of the bundled hour (10:10-10:30 ET), where the tick-taker trades. */
const FROM_SECONDS = 36_600;

function sliceOfSample(): string {
	const dir = mkdtempSync(join(tmpdir(), 'scalp-hft-paper-'));
	const ticks = join(dir, 'ticks');
	mkdirSync(ticks);
	const read = (part: string): string[] =>
		readFileSync(join(ROOT, 'data/ticks', `${LOB}_${part}_1.csv`), 'utf8')
			.trimEnd()
			.split('\n');
	const messages = read('message');
	const books = read('orderbook');
	const keep = messages.map(line => Number(line.split(',')[0]) >= FROM_SECONDS);
	writeFileSync(join(ticks, `${LOB}_message_1.csv`), messages.filter((_, i) => keep[i]).join('\n') + '\n');
	writeFileSync(join(ticks, `${LOB}_orderbook_1.csv`), books.filter((_, i) => keep[i]).join('\n') + '\n');
	return ticks;
}

type Row = Record<string, unknown>;
/** The run tag differs (bt / rig); the rest of a client order id is the decision. */
const idOf = (row: Row): string => String(row['client_order_id']).split('-').slice(1).join('-');
const orderKey = (row: Row): string =>
	`${new Date(row['ts'] as string | number).toISOString()} ${idOf(row)} ${row['side']} ${row['order_type']} ${row['qty']} ${row['limit_price']} ${row['time_in_force']} ${row['reason']}`;
const fillKey = (row: Row): string => `${idOf(row)} ${row['event']} ${row['filled_qty']} ${row['filled_avg_price']} ${row['position_qty']}`;
const isFill = (row: Row): boolean => row['type'] === 'order_update' && (row['event'] === 'fill' || row['event'] === 'partial_fill');

test('paper --hft against emulate --ticks makes the tick backtest’s decisions (orders, prices, qty, fills)', {timeout: 120_000}, async () => {
	const ticks = sliceOfSample();

	const reference = new MemoryJournal();
	const backtest = runHftBacktest({tape: loadTicks([ticks]).tape, hftSymbols: ['AMZN'], journal: reference});
	const simOrders = reference.ofType('order_submitted').map(r => orderKey(r as Row));
	const simFills = (reference.records as Row[]).filter(isFill).map(fillKey);
	assert.ok(simOrders.length >= 4 && simFills.length >= 2, `the slice has decisions to compare (${simOrders.length} orders, ${simFills.length} fills)`);

	const rig = await startRig({symbols: [], hft: 'AMZN', emulator: {tickPaths: [ticks]}});
	try {
		assert.deepEqual(rig.emulator.tickSymbols, ['AMZN']);
		let last: StepReport | null = null;
		rig.emulator.onStep(report => {
			last = report;
		});
		let trades = 0;
		while (rig.emulator.step()) {
			const report = last as StepReport | null;
			// Quotes only move the book: the client gets them in one go up to the next trade.
			if (report?.kind === 'tick' && report.tick?.kind === 'quote') continue;
			if (report?.tick?.kind === 'trade') trades += 1;
			await rig.emulator.whenIdle();
			await rig.until(() => rig.engine.openOrderCount() === 0, 'the IOC order answered');
			await rig.emulator.whenIdle();
		}
		assert.equal(trades, backtest.ticks.trades, 'every trade was streamed');
	} finally {
		await rig.close();
	}

	const {records} = readJournal(rig.journalPath);
	const paperOrders = records.filter(r => r.type === 'order_submitted').map(r => orderKey(r as Row));
	const paperFills = (records as Row[]).filter(isFill).map(fillKey);
	assert.deepEqual(paperOrders, simOrders);
	assert.deepEqual(paperFills, simFills);
});
