/** Pauses outlive the process: the operator-state file next to the journal. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {UsageError} from '../../source/config.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {attachOperatorState, operatorStatePath, readOperatorState, writeOperatorState} from '../../source/session/operator-state.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import {$, DATE, closesToBars, crossoverCloses} from '../_helpers/bars.js';
import {ScriptedBroker} from '../_helpers/scripted-broker.js';
import {nyTime} from '../../source/core/time.js';

function engineFor(symbols: string[], hft: string | null = null) {
	const journal = new MemoryJournal();
	const broker = new ScriptedBroker();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 'ops'});
	for (const symbol of symbols)
		engine.add('scalp', (ctx, book) => new ScalpStrategy(symbol, ctx, {lot: $(2000), exitAfterMs: null, signal: null, keepHistory: false}, book(symbol)));
	if (hft) engine.add('hft', (ctx, book) => new HftStrategy(hft, ctx, {maxQty: 500}, book(hft)));
	return {journal, broker, engine};
}

const scratch = () => mkdtempSync(join(tmpdir(), 'scalp-ops-'));

test('pause and resume rewrite the state file at once; symbols this run does not trade are kept', () => {
	const dir = scratch();
	const path = operatorStatePath(join(dir, 'journal.jsonl'));
	assert.equal(path, join(dir, 'journal.jsonl.state.json'));
	writeOperatorState(path, {version: 1, paused: ['ZZZZ']});
	const {engine} = engineFor(['TSLA', 'AAPL'], 'AAPL');
	attachOperatorState(engine, path, readOperatorState(path));
	engine.pause('TSLA');
	assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {version: 1, paused: ['TSLA', 'ZZZZ']});
	engine.pause('AAPL');
	assert.deepEqual(readOperatorState(path)?.paused, ['AAPL', 'TSLA', 'ZZZZ']);
	engine.resume('TSLA');
	assert.deepEqual(readOperatorState(path)?.paused, ['AAPL', 'ZZZZ']);
	assert.deepEqual(
		readdirSync(dir).filter(name => name.endsWith('.tmp')),
		[],
		'no temporary file left behind',
	);
});

test('a restart applies the saved pauses before any bar: the crossover is not traded', () => {
	const dir = scratch();
	const path = operatorStatePath(join(dir, 'journal.jsonl'));
	writeOperatorState(path, {version: 1, paused: ['TSLA']});
	const {engine, journal, broker} = engineFor(['TSLA', 'AAPL']);
	const attached = attachOperatorState(engine, path, readOperatorState(path));
	assert.deepEqual(attached.restored, ['TSLA']);
	engine.beginSession(DATE, {cash: $(100_000), openOrders: [], positions: []}, nyTime(DATE, 9, 30));
	for (const b of [...closesToBars('TSLA', '09:30', crossoverCloses()), ...closesToBars('AAPL', '09:30', crossoverCloses())].sort(
		(a, b) => a.start - b.start,
	)) {
		engine.setTime(b.start + 60_000);
		engine.setLastPrice(b.symbol, b.close);
		engine.onBar(b, b.start + 60_000);
	}
	assert.deepEqual(
		broker.submitted.map(o => o.symbol),
		['AAPL'],
		'only the symbol that was not paused bought',
	);
	const restored = journal.ofType('command');
	assert.equal(restored.length, 1);
	assert.equal(restored[0]!.command, 'pause');
	assert.equal(restored[0]!.symbol, 'TSLA');
	assert.equal(restored[0]!.restored, true);
	// Resuming is saved too.
	engine.resume('TSLA');
	assert.deepEqual(readOperatorState(path)?.paused, []);
});

test('no file: nothing paused, nothing written until the operator pauses', () => {
	const dir = scratch();
	const path = operatorStatePath(join(dir, 'j.jsonl'));
	const {engine} = engineFor(['TSLA']);
	attachOperatorState(engine, path, readOperatorState(path));
	engine.changed();
	assert.equal(existsSync(path), false);
	engine.pause('TSLA');
	assert.equal(existsSync(path), true);
});

test('an unreadable state file stops the start with one line', () => {
	const dir = scratch();
	const path = join(dir, 'bad.state.json');
	for (const [text, pattern] of [
		['{not json', /is not valid JSON/],
		['{"version":2,"paused":[]}', /not a version 1 state file/],
		['{"version":1,"paused":"TSLA"}', /not a version 1 state file/],
		['{"version":1,"paused":["tsla; rm -rf"]}', /not a version 1 state file/],
	] as const) {
		writeFileSync(path, text);
		assert.throws(
			() => readOperatorState(path),
			(error: Error) => error instanceof UsageError && pattern.test(error.message) && !error.message.includes('\n'),
		);
	}
});
