/**
 * Day P&L is per trading day and is one figure for the header and the loss guard: in SIM,
 * equity now minus equity when the replayed session began; in paper/live, equity now minus
 * the broker's last_equity (so a restart does not reset it). Guard trips and the kill switch
 * survive a restart within the same trading day (operator-state file) and not into the next.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {BrokerState, Mode} from '../../source/core/types.js';
import {nyTime} from '../../source/core/time.js';
import {Engine} from '../../source/engine/engine.js';
import {NO_LIMITS, type RiskLimits} from '../../source/engine/risk.js';
import {buildSnapshot} from '../../source/engine/snapshot-builder.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {validateRecord} from '../../source/journal/schema.js';
import {serializeRecord} from '../../source/journal/writer.js';
import {attachOperatorState, operatorStatePath, readOperatorState} from '../../source/session/operator-state.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {$} from '../_helpers/bars.js';
import {ScriptedBroker} from '../_helpers/scripted-broker.js';

const D1 = '2019-02-11';
const D2 = '2019-02-12';

function rig(mode: Mode, limits: Partial<RiskLimits> = {}) {
	const journal = new MemoryJournal();
	const engine = new Engine({mode, broker: new ScriptedBroker(), journal, runTag: 'pnl', risk: {...NO_LIMITS, ...limits}, logSink: () => {}});
	engine.add('scalp', (ctx, book) => new ScalpStrategy('XXX', ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book('XXX')));
	const snapshotPnl = () => buildSnapshot(engine, {mode, connection: 'replay', speed: null, log: [], risk: null, finished: false}).dayPnl;
	return {journal, engine, snapshotPnl};
}

/** 100 XXX bought at $100 (cost $10,000) and $90,000 cash. */
const held = (extra: Partial<BrokerState> = {}): BrokerState => ({
	cash: $(90_000),
	openOrders: [],
	positions: [{symbol: 'XXX', qty: 100, costBasis: $(10_000)}],
	...extra,
});

test('SIM: day P&L starts over with each replayed session; the header shows the guard figure', () => {
	const {engine, snapshotPnl} = rig('sim', {maxDailyLoss: $(400)});
	engine.beginSession(D1, held(), nyTime(D1, 9, 30));
	engine.setLastPrice('XXX', $(100));
	assert.equal(engine.dayPnl(), 0);
	engine.setLastPrice('XXX', $(97));
	assert.equal(engine.dayPnl(), $(-300));
	assert.equal(snapshotPnl(), -300);
	// The next replayed day begins at $97: yesterday's -$300 is not today's.
	engine.beginSession(D2, held(), nyTime(D2, 9, 30));
	assert.equal(engine.dayPnl(), 0);
	engine.setLastPrice('XXX', $(96));
	assert.equal(engine.dayPnl(), $(-100));
	assert.equal(snapshotPnl(), -100, 'not the -$400 summed over both days');
	engine.checkup(nyTime(D2, 9, 31));
	assert.deepEqual(engine.riskView()!.tripped, [], 'the guard counts today only, as the header does');
	engine.setLastPrice('XXX', $(92));
	engine.checkup(nyTime(D2, 9, 32));
	assert.deepEqual(engine.riskView()!.tripped, ['daily_loss']);
	assert.equal(snapshotPnl(), -500);
});

test("paper: day P&L counts from the broker's last_equity, so a restart does not reset it; the guard uses it", () => {
	const {engine, snapshotPnl, journal} = rig('paper', {maxDailyLoss: $(400)});
	// Yesterday closed at $100,500: the position has lost $500 since (price unknown yet: at cost).
	engine.beginSession(D1, held({lastEquity: $(100_500)}), nyTime(D1, 10, 0));
	assert.equal(engine.dayPnl(), $(-500));
	engine.setLastPrice('XXX', $(101));
	assert.equal(engine.dayPnl(), $(-400));
	assert.equal(snapshotPnl(), -400);
	engine.checkup(nyTime(D1, 10, 1));
	assert.deepEqual(engine.riskView()!.tripped, ['daily_loss']);
	assert.match(journal.ofType('risk')[0]!.message, /^day P&L -\$400\.00 reached/);
});

test('a kill switch and a loss trip survive a restart the same trading day, journaled when re-applied; not the next day', () => {
	const dir = mkdtempSync(join(tmpdir(), 'scalp-pnl-'));
	const path = operatorStatePath(join(dir, 'journal.jsonl'));
	const first = rig('paper', {maxDailyLoss: $(400)});
	attachOperatorState(first.engine, path, readOperatorState(path));
	first.engine.beginSession(D1, held({lastEquity: $(100_000)}), nyTime(D1, 10, 0));
	first.engine.setLastPrice('XXX', $(95));
	first.engine.checkup(nyTime(D1, 10, 1));
	first.engine.killSwitch();
	assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {version: 1, paused: [], risk: {date: D1, killed: true, daily_loss: true}});

	// Restart the same day: both re-applied before anything trades, one journal line each.
	const second = rig('paper', {maxDailyLoss: $(400)});
	attachOperatorState(second.engine, path, readOperatorState(path));
	assert.equal(second.engine.riskView()!.killed, false, 'applied when the session of that day begins');
	second.engine.beginSession(D1, held({lastEquity: $(100_000)}), nyTime(D1, 10, 5));
	assert.equal(second.engine.riskView()!.killed, true);
	assert.deepEqual([...second.engine.riskView()!.tripped].sort(), ['daily_loss', 'kill_switch']);
	const restored = second.journal.ofType('risk');
	assert.deepEqual(restored.map(r => [r.guard, r.restored]).sort(), [
		['daily_loss', true],
		['kill_switch', true],
	]);
	for (const record of second.journal.records) assert.deepEqual(validateRecord(JSON.parse(serializeRecord(record))), [], JSON.stringify(record));
	assert.deepEqual(readOperatorState(path)?.risk, {date: D1, killed: true, dailyLoss: true}, 'still saved');

	// Restart the next trading day: the guards start over and the file forgets the trip.
	const third = rig('paper', {maxDailyLoss: $(400)});
	attachOperatorState(third.engine, path, readOperatorState(path));
	third.engine.beginSession(D2, held({lastEquity: $(99_500)}), nyTime(D2, 9, 30));
	assert.equal(third.engine.riskView()!.killed, false);
	assert.deepEqual(third.engine.riskView()!.tripped, []);
	assert.equal(third.journal.ofType('risk').length, 0);
	assert.equal(readOperatorState(path)?.risk, undefined);
});
