/**
 * Connecting in paper mode says what it is doing (issue 11 item 12): each step with its host,
 * retries as "retry n of m", then "connected"; on a terminal as one line rewritten in place,
 * and nothing extra when stderr is not a terminal (a failed start stays one line). Loopback only.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator} from '../../source/emulate/server.js';
import {composeAlpacaSession} from '../../source/session/compose-alpaca.js';
import type {ConsoleConfig} from '../../source/session/console-config.js';
import {DEFAULT_HFT_PARAMS, DEFAULT_SCALP_PARAMS} from '../../source/strategies/params.js';
import {progressLine} from '../../source/ui/progress-line.js';
import {assertBuildCurrent, BUILT_CLI as BIN} from '../_helpers/cli.js';
import {sampleBars} from '../emulate/_support.js';
import {micros} from '../../source/core/money.js';

const SECRET = 'progress-secret-never-printed-7q';
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

test('the progress line is rewritten in place on a terminal, cut to its width, erased at the end; nothing off a terminal', () => {
	const writes: string[] = [];
	const line = progressLine({isTTY: true, columns: 40, write: text => writes.push(text)});
	line.update('checking the API keys at http://127.0.0.1:1 (paper)');
	line.update('connected');
	line.clear();
	line.clear();
	assert.deepEqual(writes, ['\r\u001B[2Kscalp-tui: checking the API keys at ht…', '\r\u001B[2Kscalp-tui: connected', '\r\u001B[2K']);
	const piped: string[] = [];
	const quiet = progressLine({isTTY: false, write: text => piped.push(text)});
	quiet.update('anything');
	quiet.clear();
	assert.deepEqual(piped, []);
});

test('a reachable host: every start-up step with its host, in order, then "connected"', {timeout: 60_000}, async () => {
	const emulator = await startEmulator({port: 0, bars: sampleBars(), manualClock: true, keys: {keyId: 'PKPROGRESS', secret: SECRET}, cash: 100_000});
	Object.assign(process.env, {
		APCA_API_KEY_ID: 'PKPROGRESS',
		APCA_API_SECRET_KEY: SECRET,
		APCA_API_BASE_URL: emulator.baseUrl,
		APCA_API_DATA_URL: emulator.baseUrl,
	});
	const dir = mkdtempSync(join(tmpdir(), 'scalp-progress-'));
	const config: ConsoleConfig = {
		mode: 'paper',
		symbols: ['AAPL'],
		hft: null,
		hftQty: 500,
		lot: micros(2000e6),
		cash: micros(100_000e6),
		speed: 60,
		exitAfterMs: null,
		signal: null,
		dataPaths: null,
		journalPath: join(dir, 'journal.jsonl'),
		logFile: join(dir, 'log.txt'),
		feed: 'iex',
		yesLive: false,
		risk: {maxDailyLoss: null, flattenOnLoss: false, maxOrdersPerMinute: null, maxPositionUsd: null},
		scalpParams: DEFAULT_SCALP_PARAMS,
		hftParams: DEFAULT_HFT_PARAMS,
	};
	const lines: string[] = [];
	try {
		const session = await composeAlpacaSession(config, {progress: text => lines.push(text)});
		await session.shutdown({how: 'cancel_orders', reason: 'test'});
	} finally {
		await emulator.close();
	}
	const base = emulator.baseUrl;
	const stream = base.replace(/^http/, 'ws');
	assert.deepEqual(lines, [
		`checking the API keys at ${base} (paper)`,
		`reading the market clock at ${base}`,
		`connecting the trade-updates stream at ${stream}/stream`,
		`loading open orders and positions at ${base}`,
		`loading today's bars at ${base}`,
		`connecting the market-data stream at ${stream}/v2/iex`,
		'connected',
	]);
	assert.ok(lines.every(line => !line.includes(SECRET)));
});

test('an unreachable host in a real terminal: the host and each retry as "n of m" while it waits', {
	skip: hasTmux ? false : 'tmux is not installed',
	timeout: 120_000,
}, async () => {
	assertBuildCurrent();
	const base = `http://127.0.0.1:${await closedPort()}`;
	const dir = mkdtempSync(join(tmpdir(), 'scalp-progress-'));
	const session = `scalp-progress-${process.pid}`;
	const env = `APCA_API_KEY_ID=PKPROGRESS APCA_API_SECRET_KEY=${SECRET} APCA_API_BASE_URL=${base} APCA_API_DATA_URL=${base} NO_COLOR=1`;
	execFileSync('tmux', [
		'new-session',
		'-d',
		'-s',
		session,
		'-x',
		'160',
		'-y',
		'10',
		`cd ${dir} && ${env} ${process.execPath} ${BIN} AAPL --mode paper --journal ${join(dir, 'j.jsonl')}; sleep 30`,
	]);
	const seen: string[] = [];
	try {
		const deadline = Date.now() + 90_000;
		while (Date.now() < deadline && !seen.some(screen => /retry 2 of 6/.test(screen))) {
			seen.push(execFileSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'}));
			await new Promise(resolve => setTimeout(resolve, 100));
		}
	} finally {
		spawnSync('tmux', ['kill-session', '-t', session]);
	}
	const escaped = base.replace(/[.]/g, '\\.');
	assert.ok(
		// The first step's own line lasts only until the first refused connection (milliseconds) and may
		// never be captured; the retry line names the same step and host.
		seen.some(screen => new RegExp(`checking the API keys at ${escaped} \\(paper\\)`).test(screen)),
		seen.at(-1),
	);
	const retry = seen.find(screen => /retry 2 of 6/.test(screen)) ?? '';
	assert.match(retry, new RegExp(`scalp-tui: .*network error, retrying in \\d+\\.\\d s \\(retry 2 of 6\\) · checking the API keys at ${escaped}`));
	// One line, rewritten: the earlier retry is gone from the screen.
	assert.doesNotMatch(retry, /retry 1 of 6/);
	assert.ok(seen.every(screen => !screen.includes(SECRET)));
});
