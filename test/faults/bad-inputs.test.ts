/**
 * A table of bad inputs and what each must produce. CLI flags, data files, `.env` contents and
 * the operator-state file: one line on stderr, exit status 2, no stack trace, no journal
 * written. Stream messages: dropped with the expected log line (adapter) or journal `error`
 * line (engine), never traded on. (test/cli/cli-errors.test.ts holds the older CLI cases.)
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {streaming} from '@alpacahq/alpaca-trade-api';
import {AlpacaBroker, type BrokerRest} from '../../source/adapters/alpaca/broker.js';
import type {DataStream, DataStreamHandlers} from '../../source/adapters/alpaca/data-stream.js';
import {AlpacaMarketData} from '../../source/adapters/alpaca/market-data.js';
import type {TradeUpdate, TradeUpdateSource} from '../../source/adapters/alpaca/trade-stream.js';
import {nyTime} from '../../source/core/time.js';
import type {OrderRequest} from '../../source/core/types.js';
import {startEmulator} from '../../source/emulate/server.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';
import {ROOT, runCliInProcess, scratchDir} from '../_helpers/cli.js';
import {cliCommand} from './_process.js';
import {micros} from '../../source/core/money.js';

// --- the process cases -----------------------------------------------------------------------

interface CliCase {
	readonly name: string;
	readonly args: readonly string[];
	readonly error: RegExp;
	readonly setup?: (dir: string) => void;
	/** Environment on top of a clean one (no APCA_* from the caller). */
	readonly env?: NodeJS.ProcessEnv;
}

const minuteFile =
	(...rows: string[]) =>
	(dir: string): void => {
		mkdirSync(join(dir, 'm'));
		writeFileSync(join(dir, 'm', 'AAPL_2019-02-11.csv'), ['timestamp,open,high,low,close,volume', ...rows].join('\n') + '\n');
	};
const dotEnv =
	(text: string) =>
	(dir: string): void =>
		writeFileSync(join(dir, '.env'), text);
const LOB = 'AMZN_2012-06-21_34200000_37800000';
const tickPair =
	(message: string | null, orderbook: string | null) =>
	(dir: string): void => {
		mkdirSync(join(dir, 't'));
		if (message === null) copyFileSync(join(ROOT, `data/ticks/${LOB}_message_1.csv`), join(dir, 't', `${LOB}_message_1.csv`));
		else writeFileSync(join(dir, 't', `${LOB}_message_1.csv`), message);
		if (orderbook !== null) writeFileSync(join(dir, 't', `${LOB}_orderbook_1.csv`), orderbook);
	};
const dailyFile =
	(text: string) =>
	(dir: string): void =>
		writeFileSync(join(dir, 'd.csv'), text);
const DAILY_HEADER = 'date,open,high,low,close,volume,Name';
const fifo =
	(name: string) =>
	(dir: string): void => {
		assert.equal(spawnSync('mkfifo', [join(dir, name)]).status, 0, 'mkfifo');
	};
const KEYS_ENV = 'APCA_API_KEY_ID=PKBADINPUT\nAPCA_API_SECRET_KEY=bad-input-secret\n';
const SIM = ['--mode', 'sim'];

const CLI_CASES: CliCase[] = [
	// Flags: risk guards.
	{name: '--max-daily-loss 0', args: ['AAPL', ...SIM, '--max-daily-loss', '0'], error: /^scalp-tui: --max-daily-loss must be greater than 0, got 0$/},
	{
		name: '--max-daily-loss not a number',
		args: ['AAPL', ...SIM, '--max-daily-loss', 'lots'],
		error: /^scalp-tui: --max-daily-loss needs a number, got "lots"$/,
	},
	{
		name: '--max-orders-per-minute 0',
		args: ['AAPL', ...SIM, '--max-orders-per-minute', '0'],
		error: /^scalp-tui: --max-orders-per-minute must be a whole number >= 1, got 0$/,
	},
	{
		name: '--max-orders-per-minute 1.5',
		args: ['AAPL', ...SIM, '--max-orders-per-minute', '1.5'],
		error: /^scalp-tui: --max-orders-per-minute must be a whole number >= 1, got 1\.5$/,
	},
	{
		name: '--max-position-usd negative',
		args: ['AAPL', ...SIM, '--max-position-usd=-1'],
		error: /^scalp-tui: --max-position-usd must be greater than 0, got -1$/,
	},
	{
		name: 'a risk guard flag on a backtest (it would be ignored)',
		args: ['backtest', 'AAPL', '--max-daily-loss', '100'],
		error: /^scalp-tui: --max-daily-loss does not apply to backtest$/,
	},
	{name: '--flatten-on-loss on emulate', args: ['emulate', '--flatten-on-loss'], error: /^scalp-tui: --flatten-on-loss does not apply to emulate$/},
	// Flags: the console.
	{
		name: '--hft-qty not whole',
		args: ['AAPL', ...SIM, '--hft', 'AAPL', '--hft-qty', '150.5'],
		error: /^scalp-tui: --hft-qty must be a whole number >= 100, got 150\.5$/,
	},
	{name: '--hft not a symbol', args: ['AAPL', ...SIM, '--hft', 'a b'], error: /^scalp-tui: not a stock symbol: "a b"$/},
	{name: '--hft-qty without --hft', args: ['AAPL', ...SIM, '--hft-qty', '200'], error: /^scalp-tui: --hft-qty needs --hft SYMBOL$/},
	{name: '--speed 0', args: ['AAPL', ...SIM, '--speed', '0'], error: /^scalp-tui: --speed must be greater than 0, got 0$/},
	{name: '--speed too fast', args: ['AAPL', ...SIM, '--speed', '5000'], error: /^scalp-tui: --speed must be at most 3600, got 5000$/},
	{name: '--feed unknown', args: ['AAPL', ...SIM, '--feed', 'xyz'], error: /^scalp-tui: --feed must be iex or sip, got "xyz"$/},
	{name: '--mode unknown', args: ['AAPL', '--mode', 'yolo'], error: /^scalp-tui: --mode must be sim, paper or live, got "yolo"$/},
	{
		name: '--mode paper without keys',
		args: ['AAPL', '--mode', 'paper'],
		error: /^scalp-tui: --mode paper needs API keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY \(environment or \.env\)$/,
	},
	{
		name: '--data in paper mode',
		args: ['AAPL', '--mode', 'paper', '--data', 'x'],
		env: {APCA_API_KEY_ID: 'PKX', APCA_API_SECRET_KEY: 'secret'},
		error: /^scalp-tui: --data applies to sim mode only \(mode is paper\)$/,
	},
	{name: '--json on the console', args: ['AAPL', ...SIM, '--json'], error: /^scalp-tui: --json does not apply to the console$/},
	{name: 'a symbol too long', args: ['ABCDEFGHIJKLM', ...SIM], error: /^scalp-tui: not a stock symbol: "ABCDEFGHIJKLM"$/},
	{name: 'emulate --port out of range', args: ['emulate', '--port', '70000'], error: /^scalp-tui: --port must be at most 65535, got 70000$/},
	{name: 'unknown short flag', args: ['AAPL', '-z'], error: /^scalp-tui: unknown flag -z \(see scalp-tui --help\)$/},
	{name: '--exit-after 0s', args: ['AAPL', ...SIM, '--exit-after', '0s'], error: /^scalp-tui: --exit-after needs a duration like 90s, 2m or 1h, got "0s"$/},
	{
		name: '--journal in a missing folder',
		args: ['AAPL', ...SIM, '--journal', '/nonexistent-dir/j.jsonl'],
		error: /^scalp-tui: cannot open journal \/nonexistent-dir\/j\.jsonl: ENOENT$/,
	},
	// Data: minute CSV.
	{
		name: 'minute CSV: timestamp not ISO-8601',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11 14:30,1,2,0.5,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad timestamp "2019-02-11 14:30" \(want ISO-8601 UTC like 2019-02-11T14:30:00Z\)$/,
	},
	{
		name: 'minute CSV: a date that does not exist',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-30T14:30:00Z,1,2,0.5,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad timestamp "2019-02-30T14:30:00Z" \(want ISO-8601 UTC like 2019-02-11T14:30:00Z\)$/,
	},
	{
		name: 'minute CSV: a field missing',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,1,2,0.5,1.5'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: expected 6 fields, found 5$/,
	},
	{
		name: 'minute CSV: negative price',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,-1,2,0.5,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad open price "-1"$/,
	},
	{
		name: 'minute CSV: zero price',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,1,2,0,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad low price "0"$/,
	},
	{
		name: 'minute CSV: NaN price',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,1,NaN,0.5,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad high price "NaN"$/,
	},
	{
		name: 'minute CSV: negative volume',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,1,2,0.5,1.5,-3'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad volume "-3"$/,
	},
	{
		name: 'minute CSV: empty close',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,1,2,0.5,,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad close price ""$/,
	},
	{
		name: 'minute CSV: every row outside the session',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T13:00:00Z,1,2,0.5,1.5,100', '2019-02-11T21:00:00Z,1,2,0.5,1.5,100'),
		error: /^scalp-tui: no minute data for AAPL in m \(2 rows outside the regular session 09:30-16:00 New York dropped\)$/,
	},
	{
		name: 'minute CSV: a header and nothing else',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile(),
		error: /^scalp-tui: no minute data for AAPL in m$/,
	},
	{
		name: 'minute CSV: an empty folder',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: dir => mkdirSync(join(dir, 'm')),
		error: /^scalp-tui: no \.csv files in m$/,
	},
	// Data: tick pairs (LOBSTER).
	{
		name: 'ticks: a message file without its order book',
		args: ['backtest', '--strategy', 'hft', 'AMZN', '--data', 't'],
		setup: tickPair(null, null),
		error:
			/^scalp-tui: t\/AMZN_2012-06-21_34200000_37800000_message_1\.csv: no matching orderbook file \(AMZN_2012-06-21_34200000_37800000_orderbook_1\.csv\)$/,
	},
	{
		name: 'ticks: a malformed message row',
		args: ['backtest', '--strategy', 'hft', 'AMZN', '--data', 't'],
		setup: tickPair('34200.01,5,0,1,2238200,-1\n34200.02,1,abc,21,2238100,1\n', '2239500,100,2231800,100\n2239500,100,2238100,21\n'),
		error: /^scalp-tui: t\/AMZN_2012-06-21_34200000_37800000_message_1\.csv:2: bad order id "abc"$/,
	},
	{
		name: 'ticks: fewer order-book rows than messages',
		args: ['backtest', '--strategy', 'hft', 'AMZN', '--data', 't'],
		setup: tickPair('34200.01,5,0,1,2238200,-1\n34200.02,1,11,21,2238100,1\n', '2239500,100,2231800,100\n'),
		error:
			/^scalp-tui: t\/AMZN_2012-06-21_34200000_37800000_orderbook_1\.csv: has 1 rows, but t\/AMZN_2012-06-21_34200000_37800000_message_1\.csv has more \(row 2 at line 2\)$/,
	},
	// Data: daily CSV.
	{
		name: 'daily CSV: a malformed number',
		args: ['backtest', '--strategy', 'rebalance', '--data', 'd.csv'],
		setup: dailyFile(`${DAILY_HEADER}\n2017-04-25,80.82,abc,79.4,81.49,1988130,ABC\n`),
		error: /^scalp-tui: d\.csv:2: malformed high "abc"$/,
	},
	{
		name: 'daily CSV: not a daily header',
		args: ['backtest', '--strategy', 'rebalance', '--data', 'd.csv'],
		setup: dailyFile('when,price\n2017-04-25,1\n'),
		error: /^scalp-tui: d\.csv:1: not a daily bar CSV: header lacks "date"/,
	},
	{
		name: 'daily CSV: a negative close',
		args: ['backtest', '--strategy', 'rebalance', '--data', 'd.csv'],
		setup: dailyFile(`${DAILY_HEADER}\n2017-04-25,80.82,81,79.4,-81.49,1988130,ABC\n`),
		error: /^scalp-tui: d\.csv:2: close must be positive, got "-81\.49"$/,
	},
	// .env contents.
	{
		name: '.env: a key with a space in it',
		args: ['AAPL', '--mode', 'paper'],
		setup: dotEnv('APCA_API_KEY_ID="PK X"\nAPCA_API_SECRET_KEY=abc\n'),
		error: /^scalp-tui: APCA_API_KEY_ID contains whitespace: check the value \(no quotes or spaces\)$/,
	},
	{
		name: '.env: a base URL that is not a URL',
		args: ['AAPL', '--mode', 'paper'],
		setup: dotEnv(`${KEYS_ENV}APCA_API_BASE_URL=not a url\n`),
		error: /^scalp-tui: APCA_API_BASE_URL is not a URL: "not a url"$/,
	},
	{
		name: '.env: paper mode pointed at live trading',
		args: ['AAPL', '--mode', 'paper'],
		setup: dotEnv(`${KEYS_ENV}APCA_API_BASE_URL=https://api.alpaca.markets\n`),
		error:
			/^scalp-tui: APCA_API_BASE_URL points at live trading \(https:\/\/api\.alpaca\.markets\) but the mode is paper: use --mode live to trade real money$/,
	},
	{
		name: '.env: credentials inside the URL',
		args: ['AAPL', '--mode', 'paper'],
		setup: dotEnv(`${KEYS_ENV}APCA_API_BASE_URL=http://user:pw@127.0.0.1:1\n`),
		error: /^scalp-tui: APCA_API_BASE_URL must not contain a user name or password: put keys in APCA_API_KEY_ID \/ APCA_API_SECRET_KEY$/,
	},
	{
		name: '.env: the key id without its secret',
		args: ['AAPL', '--mode', 'paper'],
		setup: dotEnv('APCA_API_KEY_ID=PKONLY\n'),
		error: /^scalp-tui: --mode paper needs API keys/,
	},
	// Operator state next to the journal.
	{
		name: 'operator state: not JSON',
		args: ['AAPL', ...SIM, '--journal', 'j2.jsonl'],
		setup: dir => writeFileSync(join(dir, 'j2.jsonl.state.json'), '{"version":1,"paused":['),
		error: /^scalp-tui: operator state j2\.jsonl\.state\.json is not valid JSON \(fix or delete it; it holds the paused symbols\)$/,
	},
	// Files that are not regular files: a FIFO would block for ever, a device fails every write.
	{
		name: 'a FIFO as the journal',
		args: ['AAPL', ...SIM, '--journal', 'j.fifo'],
		setup: fifo('j.fifo'),
		error: /^scalp-tui: cannot use j\.fifo as the journal: it is a FIFO, not a regular file$/,
	},
	{
		name: '/dev/full as the journal',
		args: ['AAPL', ...SIM, '--journal', '/dev/full'],
		error: /^scalp-tui: cannot use \/dev\/full as the journal: it is a device, not a regular file$/,
	},
	{
		name: 'a FIFO as the backtest journal',
		args: ['backtest', 'AAPL', '--journal', 'b.fifo'],
		setup: fifo('b.fifo'),
		error: /^scalp-tui: cannot use b\.fifo as the journal: it is a FIFO, not a regular file$/,
	},
	{
		name: 'a FIFO as the operator state file',
		args: ['AAPL', ...SIM, '--journal', 'j3.jsonl'],
		setup: fifo('j3.jsonl.state.json'),
		error: /^scalp-tui: cannot use j3\.jsonl\.state\.json as the operator state file: it is a FIFO, not a regular file$/,
	},
	{
		name: 'a FIFO as the log file',
		args: ['AAPL', ...SIM, '--log-file', 'l.fifo'],
		setup: fifo('l.fifo'),
		error: /^scalp-tui: cannot use l\.fifo as the log file: it is a FIFO, not a regular file$/,
	},
	{
		name: '--log-file in a missing folder',
		args: ['AAPL', ...SIM, '--log-file', '/nonexistent-dir/x.log'],
		error: /^scalp-tui: cannot write the log file \/nonexistent-dir\/x\.log: ENOENT$/,
	},
	{name: 'a FIFO as .env', args: ['AAPL'], setup: fifo('.env'), error: /^scalp-tui: cannot use \.env as a \.env file: it is a FIFO, not a regular file$/},
	{
		name: '.env saved with a UTF-8 BOM: its keys still count (paper mode, so --data is refused)',
		args: ['AAPL', '--data', 'x'],
		setup: dotEnv(`\ufeff${KEYS_ENV}`),
		error: /^scalp-tui: --data applies to sim mode only \(mode is paper\)$/,
	},
	// Error messages quote file bytes: control characters are escaped, never sent raw.
	{
		name: 'minute CSV: terminal escapes in a field',
		args: ['backtest', 'AAPL', '--data', 'm'],
		setup: minuteFile('2019-02-11T14:30:00Z,\x1b]0;owned\x07,2,0.5,1.5,100'),
		error: /^scalp-tui: m\/AAPL_2019-02-11\.csv:2: bad open price "\\x1b]0;owned\\x07"$/,
	},
	{
		name: 'operator state: not a symbol list',
		args: ['AAPL', ...SIM, '--journal', 'j2.jsonl'],
		setup: dir => writeFileSync(join(dir, 'j2.jsonl.state.json'), '{"version":1,"paused":[1,2]}'),
		error: /^scalp-tui: operator state j2\.jsonl\.state\.json is not a version 1 state file with a "paused" list of symbols \(fix or delete it\)$/,
	},
];

function runCliAsync(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{status: number | null; stderr: string}> {
	const clean: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1'};
	for (const key of ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL', 'SCALP_TUI_DEBUG']) delete clean[key];
	const [node, ...rest] = cliCommand(args);
	return new Promise(resolve => {
		const child = spawn(node!, rest, {cwd, env: {...clean, ...env}, stdio: ['ignore', 'ignore', 'pipe']});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
		child.on('exit', status => {
			clearTimeout(timer);
			resolve({status, stderr});
		});
	});
}

/** In-process through the CLI's own exit route, or (`spawn`) the real binary. */
async function expectOneLine(c: CliCase, env: NodeJS.ProcessEnv = {}, spawn = false): Promise<void> {
	const dir = scratchDir();
	c.setup?.(dir);
	const journal = c.args.includes('--journal') ? null : join(dir, 'journal.jsonl');
	const args = journal && !c.args.includes('emulate') ? [...c.args, '--journal', journal] : c.args;
	const result = spawn ? await runCliAsync(args, dir, {...env, ...c.env}) : await runCliInProcess(args, {cwd: dir, env: {...env, ...c.env}});
	assert.equal(result.status, 2, `${c.name}: exit status (stderr: ${result.stderr})`);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, `${c.name}: one line, got ${result.stderr}`);
	assert.match(lines[0]!, c.error, c.name);
	assert.doesNotMatch(result.stderr, /\n\s+at /, `${c.name}: no stack trace`);
	if (journal) assert.equal(existsSync(journal), false, `${c.name}: no journal written`);
}

/** Through the real binary too: a flag, a data file and a .env file (the exit status and stderr of a process). */
const SPAWNED = new Set(['--hft-qty not whole', 'ticks: a malformed message row', '.env: a base URL that is not a URL']);

test(`${CLI_CASES.length} bad command lines, data files, .env files and state files: one line, exit 2`, {timeout: 180_000}, async () => {
	assert.ok(CLI_CASES.length >= 30);
	assert.equal(CLI_CASES.filter(c => SPAWNED.has(c.name)).length, SPAWNED.size);
	const failures: string[] = [];
	// In-process runs share the working directory and environment: one at a time.
	for (const c of CLI_CASES) {
		try {
			await expectOneLine(c);
		} catch (error) {
			failures.push((error as Error).message);
		}
	}
	assert.deepEqual(failures, []);
});

test('the same through the real binary: exit status 2, one line on stderr, no stack trace', {timeout: 120_000}, async () => {
	await Promise.all(CLI_CASES.filter(c => SPAWNED.has(c.name)).map(c => expectOneLine(c, {}, true)));
});

test('.env keys the server refuses: one line naming the server, the secret never printed, exit 2', {timeout: 60_000}, async () => {
	const emulator = await startEmulator({port: 0, manualClock: true, keys: {keyId: 'PKGOOD', secret: 'the-right-secret'}});
	try {
		await expectOneLine({
			name: '.env: wrong secret',
			args: ['AAPL', '--mode', 'paper'],
			setup: dotEnv(
				`APCA_API_KEY_ID=PKGOOD\nAPCA_API_SECRET_KEY=a-wrong-secret-xyz\nAPCA_API_BASE_URL=${emulator.baseUrl}\nAPCA_API_DATA_URL=${emulator.baseUrl}\n`,
			),
			error: new RegExp(
				`^scalp-tui: Alpaca rejected the API keys \\((401|403) [a-z]+\\) for ${emulator.baseUrl.replace(/[.]/g, '\\.')} — check APCA_API_KEY_ID / APCA_API_SECRET_KEY$`,
			),
		});
	} finally {
		await emulator.close();
	}
});

// --- stream messages -------------------------------------------------------------------------

const T = (hh: number, mm: number): Date => new Date(nyTime('2019-02-11', hh, mm));

/** An SDK-shaped bar, quote or trade, as the market-data socket hands them on. */
type Sdk = Record<string, unknown>;
interface StreamCase {
	readonly name: string;
	readonly kind: 'bar' | 'quote' | 'trade';
	readonly message: Sdk;
	/** Expected adapter log line (dropped before the engine) or engine journal error line. */
	readonly log?: RegExp;
	readonly journal?: RegExp;
}

const bar = (over: Sdk): Sdk => ({symbol: 'AAPL', timestamp: T(10, 0), open: 100, high: 101, low: 99, close: 100.5, volume: 1000, ...over});
const quote = (over: Sdk): Sdk => ({symbol: 'AAPL', timestamp: T(10, 0), bidPrice: 100, bidSize: 300, askPrice: 100.01, askSize: 200, ...over});
const trade = (over: Sdk): Sdk => ({symbol: 'AAPL', timestamp: T(10, 0), price: 100, size: 100, ...over});

const STREAM_CASES: StreamCase[] = [
	{name: 'bar: NaN open', kind: 'bar', message: bar({open: Number.NaN}), log: /^warn: market data dropped: AAPL bar with a bad price or volume$/},
	{name: 'bar: a price as text', kind: 'bar', message: bar({close: '100.5'}), log: /^warn: market data dropped: AAPL bar with a bad price or volume$/},
	{name: 'bar: zero low', kind: 'bar', message: bar({low: 0}), log: /^warn: market data dropped: AAPL bar with a bad price or volume$/},
	{name: 'bar: negative volume', kind: 'bar', message: bar({volume: -5}), log: /^warn: market data dropped: AAPL bar with a bad price or volume$/},
	{name: 'bar: no time', kind: 'bar', message: bar({timestamp: undefined}), log: /^warn: market data dropped: AAPL bar without a valid time$/},
	{name: 'bar: no symbol', kind: 'bar', message: bar({symbol: undefined}), log: /^warn: market data dropped: bar without a symbol$/},
	{name: 'bar: high below low', kind: 'bar', message: bar({high: 98}), journal: /^bad bar dropped: high below low \(AAPL 2019-02-11T15:00:00\.000Z\)$/},
	{
		name: 'bar: after the close (16:05)',
		kind: 'bar',
		message: bar({timestamp: T(16, 5)}),
		journal: /^bad bar dropped: outside the regular session \(09:30-16:00 New York\) \(AAPL 2019-02-11T21:05:00\.000Z\)$/,
	},
	{name: 'bar: before the open (08:00)', kind: 'bar', message: bar({timestamp: T(8, 0)}), journal: /^bad bar dropped: outside the regular session/},
	{
		name: 'bar: infinite high',
		kind: 'bar',
		message: bar({high: Number.POSITIVE_INFINITY}),
		log: /^warn: market data dropped: AAPL bar with a bad price or volume$/,
	},
	{name: 'trade: negative price', kind: 'trade', message: trade({price: -1}), log: /^warn: market data dropped: AAPL trade with a bad price or size$/},
	{name: 'trade: NaN price', kind: 'trade', message: trade({price: Number.NaN}), log: /^warn: market data dropped: AAPL trade with a bad price or size$/},
	{name: 'trade: zero size', kind: 'trade', message: trade({size: 0}), log: /^warn: market data dropped: AAPL trade with a bad price or size$/},
	{name: 'trade: symbol not a string', kind: 'trade', message: trade({symbol: 42}), log: /^warn: market data dropped: trade without a symbol$/},
	{name: 'quote: negative size', kind: 'quote', message: quote({askSize: -1}), log: /^warn: market data dropped: AAPL quote with a bad price or size$/},
	{
		name: 'quote: no prices',
		kind: 'quote',
		message: quote({bidPrice: 0, askPrice: 0}),
		log: /^warn: market data dropped: AAPL quote with a bad price or size$/,
	},
];

const request: OrderRequest = {
	symbol: 'AAPL',
	side: 'buy',
	type: 'limit',
	qty: 10,
	limitPrice: micros(100e6),
	timeInForce: 'day',
	clientOrderId: 'bad-sc-AAPL-buy-1',
};
const order = (over: Record<string, unknown>): Record<string, unknown> => ({
	id: 'o-1',
	clientOrderId: 'bad-sc-AAPL-buy-1',
	symbol: 'AAPL',
	side: 'buy',
	type: 'limit',
	qty: '10',
	limitPrice: '100',
	timeInForce: 'day',
	status: 'new',
	filledQty: '0',
	filledAvgPrice: null,
	...over,
});

/** REST that accepts every order (the reply: `new`) and knows nothing else. */
class NoRest implements BrokerRest {
	submitOrder(input: {input: {clientOrderId?: string}}): Promise<never> {
		return Promise.resolve(order({clientOrderId: input.input.clientOrderId}) as never);
	}
	orderByClientId(): Promise<null> {
		return Promise.resolve(null);
	}
	orderById(): Promise<null> {
		return Promise.resolve(null);
	}
	openOrders(): Promise<[]> {
		return Promise.resolve([]);
	}
	cancelOrder(): Promise<void> {
		return Promise.resolve();
	}
	positions(): Promise<[]> {
		return Promise.resolve([]);
	}
	account(): Promise<never> {
		return Promise.reject(new Error('no REST in this test'));
	}
	clock(): Promise<never> {
		return Promise.reject(new Error('no REST in this test'));
	}
}

class HandFed implements TradeUpdateSource {
	state = 'connected' as const;
	private listener: ((u: TradeUpdate) => void) | null = null;
	onUpdate(listener: (u: TradeUpdate) => void): void {
		this.listener = listener;
	}
	onReconnected(): void {}
	onState(): void {}
	async start(): Promise<void> {}
	stop(): void {}
	push(update: Record<string, unknown>): void {
		this.listener?.(update as unknown as TradeUpdate);
	}
}

/** The adapter's market data and broker over hand-fed sockets, wired to an engine as the paper session wires them. */
async function pipeline() {
	const logs: string[] = [];
	const log = (level: string, message: string): void => void logs.push(`${level}: ${message}`);
	let clock = 0;
	let handlers: DataStreamHandlers | null = null;
	const fakeStream = {subscribe() {}, start: async () => {}, stop() {}, restarts: 0} as unknown as DataStream;
	const marketData = new AlpacaMarketData({
		rest: {bars: async () => []},
		log,
		now: () => (clock += 60_000), // every drop gets its own line
		openStream: h => {
			handlers = h;
			return fakeStream;
		},
	});
	const stream = new HandFed();
	const broker = new AlpacaBroker({rest: new NoRest(), stream, log, sleep: async () => {}, lookupDelaysMs: [0]});
	const journal = new MemoryJournal();
	const engine = new Engine({mode: 'paper', broker, journal, runTag: 'bad'});
	engine.add('scalp', (ctx, book) => new ScalpStrategy('AAPL', ctx, {lot: micros(2000e6), exitAfterMs: null, signal: null, keepHistory: false}, book('AAPL')));
	engine.add('hft', (ctx, book) => new HftStrategy('AAPL', ctx, {maxQty: 500}, book('AAPL')));
	engine.beginSession('2019-02-11', {cash: micros(100_000e6), openOrders: [], positions: []}, nyTime('2019-02-11', 9, 30));
	await marketData.start(
		{bars: ['AAPL'], quotes: ['AAPL'], trades: ['AAPL']},
		{onBar: b => engine.onBar(b, b.start + 60_000), onQuote: q => engine.onQuote(q), onTrade: t => engine.onTrade(t)},
	);
	const feed = (kind: StreamCase['kind'], message: Sdk): void => {
		if (kind === 'bar') handlers!.onBar(message as unknown as streaming.StreamBar);
		else if (kind === 'quote') handlers!.onQuote(message as unknown as streaming.StreamQuote);
		else handlers!.onTrade(message as unknown as streaming.StreamTrade);
	};
	return {logs, journal, engine, broker, stream, feed};
}

test(`${STREAM_CASES.length} bad market-data messages: each dropped with its log or journal line, never traded on`, async () => {
	for (const c of STREAM_CASES) {
		const p = await pipeline();
		p.feed(c.kind, c.message);
		const errors = p.journal.ofType('error').map(e => e.message);
		if (c.log) {
			assert.equal(p.logs.length, 1, `${c.name}: ${p.logs.join(' | ')}`);
			assert.match(p.logs[0]!, c.log, c.name);
			assert.deepEqual(errors, [], `${c.name}: never reached the engine`);
		} else {
			assert.deepEqual(p.logs, [], `${c.name}: the adapter passed it on`);
			assert.equal(errors.length, 1, `${c.name}: ${errors.join(' | ')}`);
			assert.match(errors[0]!, c.journal!, c.name);
		}
		assert.equal(p.engine.lastPrice('AAPL'), 0, `${c.name}: no price taken from it`);
		assert.equal(p.journal.ofType('order_submitted').length, 0);
	}
});

test('a duplicate bar from the stream is dropped once by the adapter; a repeat that gets past it is journaled by the engine', async () => {
	const p = await pipeline();
	p.feed('bar', bar({}));
	p.feed('bar', bar({}));
	assert.equal(p.journal.ofType('error').length, 0, 'the adapter dropped the repeat quietly');
	p.engine.onBar(
		{symbol: 'AAPL', start: nyTime('2019-02-11', 10, 0), open: micros(100e6), high: micros(101e6), low: micros(99e6), close: micros(100.5e6), volume: 1000},
		0,
	);
	assert.match(p.journal.ofType('error')[0]!.message, /^bad bar dropped: duplicate bar \(AAPL 2019-02-11T15:00:00\.000Z\)$/);
});

const UPDATE_CASES: Array<{name: string; update: Record<string, unknown>; log?: RegExp; journal?: RegExp}> = [
	{
		name: 'an order without a client order id',
		update: {event: 'new', order: order({clientOrderId: undefined})},
		log: /^warn: trade update ignored: an order without a client order id \(AAPL buy 10 new\)$/,
	},
	{
		name: 'a client order id that is not text',
		update: {event: 'new', order: order({clientOrderId: 42})},
		log: /^warn: trade update ignored: an order without a client order id/,
	},
	{
		name: 'an unknown order already filled',
		update: {event: 'fill', order: order({clientOrderId: 'ghost-1', status: 'filled', filledQty: '10', filledAvgPrice: '100'})},
		log: /^warn: trade update ignored: order "ghost-1" is already filled and unknown here: nothing to follow/,
	},
	{
		name: 'an unknown order without a symbol',
		update: {event: 'new', order: order({clientOrderId: 'ghost-2', symbol: ''})},
		log: /^warn: trade update ignored: order "ghost-2" has no symbol/,
	},
	{
		name: 'an unknown order with a nonsense side',
		update: {event: 'new', order: order({clientOrderId: 'ghost-3', side: 'sideways'})},
		log: /^warn: trade update ignored: order "ghost-3" has no side \(sideways\)/,
	},
	{
		name: 'an unknown order with a fractional quantity',
		update: {event: 'new', order: order({clientOrderId: 'ghost-4', qty: '1.5'})},
		log: /^warn: trade update ignored: order "ghost-4" has no whole quantity \(1\.5\)/,
	},
	{
		name: 'our order reported filled at no usable price',
		update: {event: 'fill', timestamp: T(10, 1), order: order({status: 'filled', filledQty: '10', filledAvgPrice: 'NaN'})},
		log: /^warn: trade update ignored: order bad-sc-AAPL-buy-1 reports 10 filled at NaN: not booked; reading the order again$/,
	},
	{
		name: 'our order reported with more shares filled than ordered',
		update: {event: 'fill', timestamp: T(10, 1), order: order({status: 'filled', filledQty: '50', filledAvgPrice: '100'})},
		log: /^warn: trade update ignored: order bad-sc-AAPL-buy-1 reports 50 filled at 100: not booked/,
	},
	{
		name: 'an unknown open order (another client, a garbled id)',
		update: {event: 'new', order: order({clientOrderId: 'someone-elses-order'})},
		journal: /^new for unknown order "someone-elses-order" \(AAPL buy 10\): not placed by this session nor listed by the broker; no strategy acts on it$/,
	},
];

test(`${UPDATE_CASES.length} bad trade updates: each ignored with its log line (or kept from the strategies with a journal line), nothing booked`, async () => {
	for (const c of UPDATE_CASES) {
		const p = await pipeline();
		p.broker.submitOrder(request);
		await new Promise(resolve => setImmediate(resolve));
		p.logs.length = 0;
		p.stream.push(c.update);
		const errors = p.journal.ofType('error').map(e => e.message);
		if (c.log) {
			assert.equal(p.logs.length, 1, `${c.name}: ${p.logs.join(' | ')}`);
			assert.match(p.logs[0]!, c.log, c.name);
			assert.deepEqual(errors, [], c.name);
		} else {
			assert.equal(errors.length, 1, `${c.name}: ${errors.join(' | ')}`);
			assert.match(errors[0]!, c.journal!, c.name);
		}
		assert.equal(p.engine.portfolio.symbolQty('AAPL'), 0, `${c.name}: nothing booked`);
		assert.equal(p.journal.ofType('order_update').filter(u => u.event === 'fill' || u.event === 'partial_fill').length, 0, c.name);
	}
});
