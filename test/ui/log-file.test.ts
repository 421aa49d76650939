import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {LogLine} from '../../source/engine/snapshot.js';
import {createLogFollower, openLogFile} from '../../source/ui/log-file.js';
import {makeLog, T0} from '../_helpers/snapshots.js';

const lines = (count: number, from = 0): LogLine[] =>
	Array.from({length: count}, (_, index) => makeLog(`line ${from + index}`, {ms: T0 + (from + index) * 1000}));

test('the follower returns only lines it has not returned before', () => {
	const follower = createLogFollower();
	const first = lines(3);
	assert.deepEqual(
		follower.take(first).map(line => line.text),
		['line 0', 'line 1', 'line 2'],
	);
	assert.deepEqual(follower.take(first), []);
	// The window slides (bounded buffer), same line objects kept.
	const slid = [...first.slice(1), ...lines(2, 3)];
	assert.deepEqual(
		follower.take(slid).map(line => line.text),
		['line 3', 'line 4'],
	);
});

test('the follower matches rebuilt line objects by content', () => {
	const follower = createLogFollower();
	follower.take(lines(5));
	const rebuilt = [...lines(4, 1).map(line => ({...line})), ...lines(2, 5)];
	assert.deepEqual(
		follower.take(rebuilt).map(line => line.text),
		['line 5', 'line 6'],
	);
});

test('identical texts at different times are still new lines', () => {
	const follower = createLogFollower();
	const a = makeLog('tick', {ms: T0});
	follower.take([a]);
	const b = makeLog('tick', {ms: T0 + 1});
	assert.deepEqual(follower.take([a, b]), [b]);
});

test('when the whole window rotated out, everything in it is new', () => {
	const follower = createLogFollower();
	follower.take(lines(3));
	assert.equal(follower.take(lines(3, 10)).length, 3);
});

test('the log file gets "HH:MM:SS SYMBOL text" lines appended', async () => {
	const dir = await mkdtemp(join(tmpdir(), 'scalp-ui-'));
	try {
		const path = join(dir, 'console.log');
		const first = openLogFile(path);
		first.append([makeLog('buy 10 @ 187.25'), makeLog('started', {symbol: null, level: 'warn'})]);
		await first.close();
		const second = openLogFile(path);
		second.append([makeLog('sell 10', {symbol: 'SPY', ms: T0 + 61_000})]);
		await second.close();
		assert.equal(await readFile(path, 'utf8'), '10:30:00 AAPL buy 10 @ 187.25\n10:30:00 - WARN started\n10:31:01 SPY sell 10\n');
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});

test('an unwritable log file does not throw; close still resolves', async () => {
	const file = openLogFile('/nonexistent-dir/for/sure/console.log');
	file.append([makeLog('x')]);
	await file.close();
	await new Promise(resolve => setImmediate(resolve));
	assert.ok(file.error() === null || file.error() instanceof Error);
});
