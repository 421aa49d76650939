/** `scalp-tui emulate` as a function: startup lines, clean stop, one-line errors with status 2. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {runEmulate} from '../../source/commands/emulate.js';
import {formatMicros} from '../../source/core/money.js';
import {defaultDataDir} from '../../source/emulate/default-data.js';
import type {EmulatorHandle} from '../../source/emulate/server.js';
import {sampleBars} from './_support.js';

function capture(): {write(text: string): boolean; text: string} {
	return {
		text: '',
		write(text: string) {
			this.text += text;
			return true;
		},
	};
}

function writeCsvs(): string {
	const dir = mkdtempSync(join(tmpdir(), 'emulate-'));
	for (const [symbol, bars] of sampleBars()) {
		const lines = ['timestamp,open,high,low,close,volume'];
		for (const b of bars)
			lines.push([new Date(b.start).toISOString(), formatMicros(b.open), formatMicros(b.high), formatMicros(b.low), formatMicros(b.close), b.volume].join(','));
		writeFileSync(join(dir, `${symbol}.csv`), `${lines.join('\n')}\n`);
	}
	return dir;
}

test('prints the base URL and the exports, serves the CSV data, never prints the secret, stops with 0', async () => {
	const dir = writeCsvs();
	const saved = {id: process.env['APCA_API_KEY_ID'], secret: process.env['APCA_API_SECRET_KEY']};
	process.env['APCA_API_KEY_ID'] = 'CMDKEY123';
	process.env['APCA_API_SECRET_KEY'] = 'very-secret-value';
	const stdout = capture();
	const stderr = capture();
	const stop = new AbortController();
	try {
		let handle: EmulatorHandle | undefined;
		let clock: {timestamp: string} | undefined;
		let unauthorized = 0;
		const status = await runEmulate(
			{port: 0, dataPaths: [dir], speed: 60, cash: 50_000},
			{
				stdout,
				stderr,
				signal: stop.signal,
				onReady: h => {
					handle = h;
					void (async () => {
						const headers = {'APCA-API-KEY-ID': 'CMDKEY123', 'APCA-API-SECRET-KEY': 'very-secret-value'};
						clock = (await (await fetch(`${h.baseUrl}/v2/clock`, {headers})).json()) as {timestamp: string};
						unauthorized = (await fetch(`${h.baseUrl}/v2/clock`, {headers: {'APCA-API-KEY-ID': 'x', 'APCA-API-SECRET-KEY': 'y'}})).status;
						stop.abort();
					})();
				},
			},
		);
		assert.equal(status, 0);
		assert.equal(stderr.text, '');
		assert.ok(handle);
		const base = handle.baseUrl;
		assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
		assert.ok(stdout.text.includes(`listening on ${base}\n`));
		assert.ok(stdout.text.includes(`APCA_API_BASE_URL=${base} APCA_API_DATA_URL=${base}\n`));
		assert.ok(stdout.text.includes('2019-02-11 .. 2019-02-12'));
		assert.equal(stdout.text.includes('very-secret-value'), false);
		assert.equal(stdout.text.includes('CMDKEY123'), false, 'the key id is masked too');
		assert.equal(clock?.timestamp.startsWith('2019-02-11T09:3'), true);
		assert.equal(unauthorized, 401);
		// Closed: the port no longer answers.
		await assert.rejects(fetch(`${base}/v2/clock`));
	} finally {
		if (saved.id === undefined) delete process.env['APCA_API_KEY_ID'];
		else process.env['APCA_API_KEY_ID'] = saved.id;
		if (saved.secret === undefined) delete process.env['APCA_API_SECRET_KEY'];
		else process.env['APCA_API_SECRET_KEY'] = saved.secret;
		rmSync(dir, {recursive: true, force: true});
	}
});

test('bad input: one line on stderr and status 2', async () => {
	const cases: Array<[Parameters<typeof runEmulate>[0], RegExp]> = [
		[{port: 0, dataPaths: ['/nonexistent/minute'], speed: 60, cash: 100_000}, /data path does not exist: \/nonexistent\/minute/],
		[{port: 0, dataPaths: null, speed: 0, cash: 100_000}, /--speed/],
		[{port: 70_000, dataPaths: null, speed: 60, cash: 100_000}, /--port/],
		[{port: 0, dataPaths: null, speed: 60, cash: -5}, /--cash/],
	];
	for (const [options, pattern] of cases) {
		const stdout = capture();
		const stderr = capture();
		assert.equal(await runEmulate(options, {stdout, stderr}), 2);
		assert.match(stderr.text, pattern);
		assert.equal(stderr.text.trim().split('\n').length, 1, stderr.text);
		assert.equal(stdout.text, '');
	}
});

test('a port already in use is reported, not thrown', async () => {
	const blocker = createServer();
	await new Promise<void>(done => blocker.listen(0, '127.0.0.1', done));
	const port = (blocker.address() as {port: number}).port;
	const dir = writeCsvs();
	try {
		const stderr = capture();
		assert.equal(await runEmulate({port, dataPaths: [dir], speed: 60, cash: 100_000}, {stdout: capture(), stderr}), 2);
		assert.equal(stderr.text, `scalp-tui emulate: port ${port} is already in use\n`);
	} finally {
		blocker.close();
		rmSync(dir, {recursive: true, force: true});
	}
});

test('the bundled data folder is <package root>/data/minute', () => {
	assert.equal(defaultDataDir(), resolve(import.meta.dirname, '..', '..', 'data', 'minute'));
});
