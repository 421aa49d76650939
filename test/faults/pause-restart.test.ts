/**
 * A pause survives `kill -9`: the real console (paper mode against `emulate`) runs in a real
 * terminal (tmux), the operator pauses the first symbol with `p`, the process is killed, and
 * the restarted process (headless) starts with that symbol paused: its signal is not traded
 * while the other symbol's is.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator} from '../../source/emulate/server.js';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {operatorStatePath, readOperatorState} from '../../source/session/operator-state.js';
import {cliCommand, journal, launch, paperEnv, until} from './_process.js';
import {cycleBars, KEYS} from './_rig.js';
import {ROOT} from '../_helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

test('a pause set in the console survives kill -9: the restarted process does not trade the paused symbol', {
	skip: hasTmux ? false : 'tmux is not installed',
	timeout: 120_000,
}, async () => {
	const emulator = await startEmulator({
		port: 0,
		bars: new Map([
			['AAPL', cycleBars('AAPL', 100, 1)],
			['MSFT', cycleBars('MSFT', 50, 1)],
		]),
		manualClock: true,
		keys: KEYS,
		rateLimitPerMinute: 0,
		cash: 100_000,
	});
	const dir = mkdtempSync(join(tmpdir(), 'scalp-pause-'));
	const journalPath = join(dir, 'journal.jsonl');
	const args = ['AAPL', 'MSFT', '--journal', journalPath, '--log-file', join(dir, 'log.txt')];
	const session = `scalp-pause-${process.pid}`;
	const env = paperEnv(emulator);
	// tsx finds the project's tsconfig (the JSX settings of the Ink console) from there.
	env.TSX_TSCONFIG_PATH = join(ROOT, 'tsconfig.json');
	const assignments = ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL', 'NO_COLOR', 'TSX_TSCONFIG_PATH']
		.map(k => `${k}=${quote(env[k]!)}`)
		.join(' ');
	const errors = join(dir, 'stderr.txt');
	const command = `cd ${quote(dir)} && exec env ${assignments} ${cliCommand(args).map(quote).join(' ')} 2>${quote(errors)}`;
	let restarted: Awaited<ReturnType<typeof launch>> | null = null;
	try {
		execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '140', '-y', '40', command]);
		const screen = (): string => {
			const pane = spawnSync('tmux', ['capture-pane', '-p', '-t', session], {encoding: 'utf8'});
			return pane.status === 0 ? pane.stdout : `(the console is gone: ${existsSync(errors) ? readFileSync(errors, 'utf8') : 'no stderr'})`;
		};
		await until(() => emulator.subscribers().tradeUpdates === 1 && emulator.subscribers().bars === 1, 'the console to subscribe', 30_000, screen);
		await until(() => /AAPL/.test(screen()) && /MSFT/.test(screen()), 'both panels', 20_000, screen);
		for (let i = 0; i < 5; i++) {
			emulator.step();
			await emulator.whenIdle(); // the console has handled this minute's frames
		}
		execFileSync('tmux', ['send-keys', '-t', session, 'p']);
		await until(() => /PAUSED/.test(screen()), 'the PAUSED mark', 10_000, screen);
		const statePath = operatorStatePath(journalPath);
		await until(() => readOperatorState(statePath)?.paused.includes('AAPL'), 'the saved pause');
		// The pane runs node itself (exec): kill it the hard way.
		const pid = Number(execFileSync('tmux', ['display-message', '-p', '-t', session, '#{pane_pid}'], {encoding: 'utf8'}).trim());
		assert.ok(pid > 0);
		process.kill(pid, 'SIGKILL');
		await until(() => emulator.subscribers().tradeUpdates === 0, 'the killed process to disconnect');

		restarted = await launch(emulator, dir, args);
		assert.match(restarted.stdout(), /paused \(a pause set before the restart/);
		for (let i = 5; i < 24; i++) {
			emulator.step();
			// The signal minute: its buy must be at the exchange before the minute it fills in.
			if (i === 21) await until(() => emulator.exchange.allOrders().some(o => o.symbol === 'MSFT' && o.side === 'buy'), 'the MSFT buy', 20_000);
			else await emulator.whenIdle();
		}
		await until(() => emulator.exchange.allOrders().some(o => o.symbol === 'MSFT' && o.side === 'sell'), 'MSFT to trade its signal');
		assert.deepEqual(
			emulator.exchange.allOrders().filter(o => o.symbol === 'AAPL'),
			[],
			'AAPL stayed paused',
		);
		restarted.child.kill('SIGTERM');
		assert.equal((await restarted.exited).code, 143);
	} finally {
		spawnSync('tmux', ['kill-session', '-t', session]);
		restarted?.child.kill('SIGKILL');
		await emulator.close();
	}
	const {records, badLines} = readJournal(journalPath);
	assert.deepEqual(badLines, []);
	for (const record of records) assert.deepEqual(validateRecord(record), [], JSON.stringify(record));
	const commands = journal(journalPath)
		.filter(r => r.type === 'command')
		.map(r => `${r.command}:${r.symbol}${r.restored ? ' (restored)' : ''}`);
	assert.deepEqual(commands, ['pause:AAPL', 'pause:AAPL (restored)', 'quit:null']);
	assert.equal(records.filter(r => r.type === 'signal' && r.symbol === 'AAPL').length, 0, 'no AAPL signal traded (paused before its cross)');
});
