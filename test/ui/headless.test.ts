import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {runHeadless} from '../../source/ui/headless.js';
import {createFakeControl, createManualTimer, settle} from '../_helpers/fake-control.js';
import {makeLog, makeSnapshot, T0} from '../_helpers/snapshots.js';

function capture() {
	const stream = new PassThrough();
	let text = '';
	stream.on('data', (chunk: Buffer) => {
		text += chunk.toString('utf8');
	});
	return {stream, text: () => text};
}

test('prints each new log line once, as HH:MM:SS SYMBOL text, and ends when finished', async () => {
	const control = createFakeControl(makeSnapshot({log: [makeLog('session started', {symbol: null})]}));
	const timer = createManualTimer();
	const out = capture();
	const done = runHeadless(control, {stdout: out.stream, timer, signals: new EventEmitter()});
	control.push(s => ({...s, log: [...s.log, makeLog('buy 10 @ 187.25', {ms: T0 + 5000})]}));
	timer.advance(100);
	control.push(s => ({...s, log: [...s.log, makeLog('filled', {ms: T0 + 6000, symbol: 'SPY'})], finished: true}));
	timer.advance(100);
	assert.equal(await done, 0);
	await settle();
	assert.equal(out.text(), '10:30:00 - session started\n10:30:05 AAPL buy 10 @ 187.25\n10:30:06 SPY filled\n');
	assert.deepEqual(control.commands(), ['shutdown {"how":"cancel_orders","reason":"finished"}']);
	assert.equal(control.listenerCount(), 0, 'stopped listening');
});

test('SIGTERM shuts down with cancel_orders and exits 143; the log file gets the lines', async () => {
	const dir = await mkdtemp(join(tmpdir(), 'scalp-ui-'));
	try {
		const logFile = join(dir, 'run.log');
		const control = createFakeControl();
		const signals = new EventEmitter();
		const out = capture();
		const done = runHeadless(control, {stdout: out.stream, logFile, timer: createManualTimer(), signals});
		signals.emit('SIGTERM');
		assert.equal(await done, 143);
		assert.deepEqual(control.commands(), ['shutdown {"how":"cancel_orders","reason":"SIGTERM"}']);
		assert.equal(signals.listenerCount('SIGTERM'), 0, 'signal handlers removed');
		assert.equal(await readFile(logFile, 'utf8'), '10:30:00 - session started\n');
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});

test('a second signal stops waiting for a slow shutdown', async () => {
	const control = createFakeControl(makeSnapshot(), {manualShutdown: true});
	const signals = new EventEmitter();
	const done = runHeadless(control, {stdout: capture().stream, timer: createManualTimer(), signals});
	signals.emit('SIGINT');
	await settle();
	signals.emit('SIGINT');
	assert.equal(await done, 130);
	assert.equal(control.commands().length, 1, 'shutdown asked once');
	control.finishShutdown();
});

test('a failing shutdown exits 1 and says why on stderr', async () => {
	const control = createFakeControl(makeSnapshot(), {manualShutdown: true});
	const signals = new EventEmitter();
	const err = capture();
	const done = runHeadless(control, {stdout: capture().stream, stderr: err.stream, timer: createManualTimer(), signals});
	signals.emit('SIGTERM');
	await settle();
	control.failShutdown(new Error('broker unreachable'));
	assert.equal(await done, 1);
	await settle();
	assert.match(err.text(), /shutdown failed: broker unreachable/);
});

test('a closed stdout (EPIPE) does not stop the session from ending cleanly', async () => {
	const control = createFakeControl();
	const signals = new EventEmitter();
	const out = new PassThrough();
	const done = runHeadless(control, {stdout: out, timer: createManualTimer(), signals});
	out.emit('error', Object.assign(new Error('write EPIPE'), {code: 'EPIPE'}));
	signals.emit('SIGTERM');
	assert.equal(await done, 143);
});

test('a log file that cannot be written is reported in one line at exit (issue 14)', async () => {
	const control = createFakeControl(makeSnapshot({log: [makeLog('session started', {symbol: null})]}));
	const signals = new EventEmitter();
	const err = capture();
	const done = runHeadless(control, {stdout: capture().stream, stderr: err.stream, logFile: '/dev/full', timer: createManualTimer(), signals});
	await new Promise(resolve => setTimeout(resolve, 50));
	signals.emit('SIGTERM');
	assert.equal(await done, 143);
	await settle();
	assert.deepEqual(err.text().trim().split('\n'), [
		'scalp-tui: log file /dev/full could not be written (ENOSPC): lines after that are missing from it (the journal has every event)',
	]);
});
