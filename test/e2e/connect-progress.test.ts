/**
 * Connecting in paper mode says what it is doing: the host, each start-up step, and retries
 * as "retry n of m", instead of a silent wait (issue 11 item 12). The real CLI, loopback only.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator} from '../../source/emulate/server.js';
import {ROOT} from '../_helpers/cli.js';
import {sampleBars} from '../emulate/_support.js';

const SECRET = 'progress-secret-never-printed-7q';

function startCli(baseUrl: string) {
	const dir = mkdtempSync(join(tmpdir(), 'scalp-progress-'));
	const child = spawn(process.execPath, ['--import', join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), join(ROOT, 'source/cli.tsx'), 'AAPL', '--mode', 'paper', '--journal', join(dir, 'j.jsonl'), '--log-file', join(dir, 'log.txt')], {
		cwd: dir,
		env: {...process.env, APCA_API_KEY_ID: 'PKPROGRESS', APCA_API_SECRET_KEY: SECRET, APCA_API_BASE_URL: baseUrl, APCA_API_DATA_URL: baseUrl, NO_COLOR: '1'},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const out = {stdout: '', stderr: ''};
	child.stdout.on('data', chunk => (out.stdout += chunk));
	child.stderr.on('data', chunk => (out.stderr += chunk));
	const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
	const waitFor = async (pattern: RegExp, ms: number): Promise<void> => {
		const deadline = Date.now() + ms;
		while (!pattern.test(out.stderr) && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
	};
	return {child, out, exited, waitFor};
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

test('an unreachable host: the host and each retry as "n of m" are printed while it waits', {timeout: 60_000}, async () => {
	const base = `http://127.0.0.1:${await closedPort()}`;
	const cli = startCli(base);
	try {
		await cli.waitFor(/retry 2 of \d+/, 30_000);
		assert.match(cli.out.stderr, new RegExp(`scalp-tui: connecting to ${base.replace(/\./g, '\\.')} \\(paper\\): checking the API keys`));
		assert.match(cli.out.stderr, /scalp-tui: .*network error, retrying in \d+\.\d s \(retry 1 of 6\)/);
		assert.match(cli.out.stderr, /\(retry 2 of 6\)/);
		assert.equal(cli.out.stderr.includes(SECRET), false);
	} finally {
		cli.child.kill('SIGKILL');
		await cli.exited;
	}
});

test('a reachable host: every start-up step with its host, then "connected"', {timeout: 60_000}, async () => {
	const emulator = await startEmulator({port: 0, bars: sampleBars(), manualClock: true, keys: {keyId: 'PKPROGRESS', secret: SECRET}, cash: 100_000});
	const cli = startCli(emulator.baseUrl);
	try {
		await cli.waitFor(/scalp-tui: connected/, 40_000);
		const lines = cli.out.stderr.split('\n').filter(line => line.startsWith('scalp-tui: '));
		const steps = lines.map(line => line.replace(/ \(.*\)$/, '').replace(/^scalp-tui: /, ''));
		assert.deepEqual(
			steps.filter(step => !/retry/.test(step)),
			[
				`connecting to ${emulator.baseUrl} (paper): checking the API keys`,
				'reading the market clock',
				'connecting the trade-updates stream',
				'loading open orders and positions',
				"loading today's bars",
				'connecting the market-data stream',
				'connected',
			],
			cli.out.stderr,
		);
		assert.match(cli.out.stderr, /connecting the market-data stream \(ws:\/\/127\.0\.0\.1:\d+\/v2\/iex\)/);
		assert.equal(cli.out.stderr.includes(SECRET), false);
	} finally {
		cli.child.kill('SIGTERM');
		await cli.exited;
		cli.child.kill('SIGKILL');
		await emulator.close();
	}
});
