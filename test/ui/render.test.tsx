import {test} from 'node:test';
import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runConsole} from '../../source/ui/render.js';
import {createFakeControl, settle} from '../_helpers/fake-control.js';
import {makeLog, makeSnapshot, T0} from '../_helpers/snapshots.js';

/** A terminal-like stdout that records what Ink writes. */
class Screen extends EventEmitter {
	readonly isTTY = true;
	columns = 100;
	rows = 30;
	output = '';
	write(chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean {
		this.output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
		const done = typeof encoding === 'function' ? encoding : callback;
		if (typeof done === 'function') (done as () => void)();
		return true;
	}
}

/** A raw-mode capable stdin that Ink reads key presses from. */
class Keyboard extends EventEmitter {
	readonly isTTY = true;
	rawModes: boolean[] = [];
	private readonly queue: string[] = [];
	press(data: string): void {
		this.queue.push(data);
		this.emit('readable');
	}
	read(): string | null {
		return this.queue.shift() ?? null;
	}
	setRawMode(mode: boolean): this {
		this.rawModes.push(mode);
		return this;
	}
	setEncoding(): this {
		return this;
	}
	ref(): this {
		return this;
	}
	unref(): this {
		return this;
	}
	resume(): this {
		return this;
	}
	pause(): this {
		return this;
	}
}

/** Ink throttles writes: poll until `check` holds (fails after a generous limit). */
async function waitFor(check: () => boolean, what: string): Promise<void> {
	for (let tries = 0; tries < 200; tries++) {
		if (check()) return;
		await new Promise(resolve => setTimeout(resolve, 10));
	}
	assert.fail(`timed out waiting for ${what}`);
}

function start(control = createFakeControl(), options: {logFile?: string} = {}) {
	const stdout = new Screen();
	const stdin = new Keyboard();
	const stderr = new Screen();
	const signals = new EventEmitter();
	const done = runConsole(control, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		stderr: stderr as unknown as NodeJS.WriteStream,
		signals,
		color: false,
		...options,
	});
	/** Wait for the first frame and the key handler (Ink loads on start). */
	const ready = async (): Promise<void> => {
		await waitFor(() => stdout.output.includes('equity'), 'the first frame');
		await settle();
	};
	return {control, stdout, stdin, stderr, signals, done, ready};
}

test('q with nothing open: shutdown(cancel_orders), exit 0, raw mode off, the last frame says so', async () => {
	const run = start();
	await run.ready();
	assert.ok(run.stdin.rawModes.includes(true), 'keys are read in raw mode');
	run.stdin.press('q');
	assert.equal(await run.done, 0);
	assert.deepEqual(run.control.commands(), ['shutdown {"how":"cancel_orders","reason":"quit"}']);
	assert.equal(run.stdin.rawModes.at(-1), false, 'terminal restored');
	assert.equal(run.control.listenerCount(), 0, 'store detached from the engine');
	assert.equal(run.signals.listenerCount('SIGTERM'), 0, 'signal handlers removed');
	assert.match(run.stdout.output, /Stopped: open orders cancelled, positions kept, journal flushed\./);
	assert.ok(!run.stdout.output.includes('\u001B[2J'), 'no full-screen clear');
});

test('q with exposure then f flattens; the command goes to shutdown once', async () => {
	const run = start(createFakeControl(makeSnapshot(), {exposure: true}));
	await run.ready();
	run.stdin.press('q');
	await settle();
	run.stdin.press('f');
	assert.equal(await run.done, 0);
	assert.deepEqual(run.control.commands(), ['shutdown {"how":"flatten","reason":"quit"}']);
});

test('Ctrl+C (a key in raw mode) shuts down with cancel_orders and exits 130', async () => {
	const run = start(createFakeControl(makeSnapshot(), {exposure: true}));
	await run.ready();
	run.stdin.press('\u0003');
	assert.equal(await run.done, 130);
	assert.deepEqual(run.control.commands(), ['shutdown {"how":"cancel_orders","reason":"ctrl_c"}']);
});

test('SIGTERM shuts down with cancel_orders and exits 143, showing progress while it waits', async () => {
	const control = createFakeControl(makeSnapshot(), {exposure: true, manualShutdown: true});
	const run = start(control);
	await run.ready();
	run.signals.emit('SIGTERM');
	await waitFor(() => run.stdout.output.includes('Shutting down: cancelling open orders (positions are kept)'), 'the progress message');
	control.finishShutdown();
	assert.equal(await run.done, 143);
	assert.deepEqual(control.commands(), ['shutdown {"how":"cancel_orders","reason":"SIGTERM"}']);
	assert.equal(run.stdin.rawModes.at(-1), false);
});

test('a second signal while shutting down stops waiting', async () => {
	const control = createFakeControl(makeSnapshot(), {manualShutdown: true});
	const run = start(control);
	await run.ready();
	run.signals.emit('SIGINT');
	await settle();
	run.signals.emit('SIGINT');
	assert.equal(await run.done, 130);
	assert.equal(control.commands().length, 1);
	assert.match(run.stdout.output, /stopped without waiting/);
	control.finishShutdown();
});

test('a failing shutdown exits 1 and reports on stderr', async () => {
	const control = createFakeControl(makeSnapshot(), {manualShutdown: true});
	const run = start(control);
	await run.ready();
	run.stdin.press('q');
	await settle();
	control.failShutdown(new Error('journal disk full'));
	assert.equal(await run.done, 1);
	assert.match(run.stderr.output, /shutdown failed: journal disk full/);
});

test('a signal while Ink is still loading shuts down without drawing', async () => {
	const run = start();
	run.signals.emit('SIGTERM');
	assert.equal(await run.done, 143);
	assert.deepEqual(run.control.commands(), ['shutdown {"how":"cancel_orders","reason":"SIGTERM"}']);
	assert.equal(run.control.listenerCount(), 0);
});

test('a crash inside the UI still shuts the session down (no orphan orders)', async () => {
	const control = createFakeControl();
	const run = start(control);
	await run.ready();
	// A snapshot the UI cannot render.
	control.push(s => ({...s, symbols: null as unknown as []}));
	assert.equal(await run.done, 1);
	assert.deepEqual(control.commands(), ['shutdown {"how":"cancel_orders","reason":"ui_error"}']);
	assert.match(run.stderr.output, /console failed/);
});

test('log lines go to the log file, including those written during shutdown', async () => {
	const dir = await mkdtemp(join(tmpdir(), 'scalp-ui-'));
	try {
		const logFile = join(dir, 'console.log');
		const control = createFakeControl();
		const original = control.shutdown.bind(control);
		control.shutdown = async options => {
			await original(options);
			control.push(s => ({...s, log: [...s.log, makeLog('journal flushed', {symbol: null, ms: T0 + 9000})]}));
		};
		const run = start(control, {logFile});
		await run.ready();
		control.push(s => ({...s, log: [...s.log, makeLog('buy 10 @ 187.25', {ms: T0 + 1000})]}));
		await waitFor(() => run.stdout.output.includes('buy 10 @ 187.25'), 'the new log line on screen');
		run.stdin.press('q');
		assert.equal(await run.done, 0);
		assert.equal(await readFile(logFile, 'utf8'), '10:30:00 - session started\n10:30:01 AAPL buy 10 @ 187.25\n10:30:09 - journal flushed\n');
	} finally {
		await rm(dir, {recursive: true, force: true});
	}
});
