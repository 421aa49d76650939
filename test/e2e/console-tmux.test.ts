/**
 * End to end: the real built binary in a real terminal (tmux). Starts `scalp-tui TSLA AAPL`
 * in SIM over the bundled data, waits for both panels, pauses the selected symbol, force-sells
 * it with confirmation, quits (flattening), and checks the screen and the journal.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {assertBuildCurrent, BUILT_CLI as BIN} from '../_helpers/cli.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(...args: string[]): string {
	return execFileSync('tmux', args, {encoding: 'utf8'});
}

async function waitFor(session: string, predicate: (screen: string) => boolean, timeoutMs: number, what: string): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let screen = '';
	while (Date.now() < deadline) {
		screen = tmux('capture-pane', '-p', '-t', session);
		if (predicate(screen)) return screen;
		await new Promise(resolve => setTimeout(resolve, 50));
	}
	throw new Error(`timed out waiting for ${what}; screen was:\n${screen}`);
}

test('console in tmux: panels, pause, force-sell with confirmation, quit with flatten', {
	skip: hasTmux ? false : 'tmux is not installed',
	timeout: 90_000,
}, async () => {
	assertBuildCurrent();
	const dir = mkdtempSync(join(tmpdir(), 'scalp-e2e-'));
	const journal = join(dir, 'journal.jsonl');
	const session = `scalp-e2e-${process.pid}`;
	// SIM needs no keys, and must get none: a tmux session takes the environment of the tmux
	// server, which another test process may have started with its emulator's APCA_* keys set
	// (the console then started in paper mode).
	const noKeys = 'env -u APCA_API_KEY_ID -u APCA_API_SECRET_KEY -u APCA_API_BASE_URL -u APCA_API_DATA_URL';
	const command = `cd ${dir} && ${noKeys} NO_COLOR=1 ${process.execPath} ${BIN} TSLA AAPL --speed 240 --journal ${journal} --log-file ${join(dir, 'log.txt')}; echo EXITED-$?; sleep 30`;
	tmux('new-session', '-d', '-s', session, '-x', '140', '-y', '40', command);
	let forceSold = false;
	try {
		// Both panels, with the first signal traded: AAPL's first round trip is at 09:58-10:00.
		await waitFor(session, s => /AAPL \d/.test(s) && /TSLA \d/.test(s), 20_000, 'both panels');
		await waitFor(session, s => /real [+-]\$\d/.test(s) && /1 trade/.test(s), 40_000, 'a completed trade');

		// The first panel (AAPL) is selected: pause it.
		tmux('send-keys', '-t', session, 'p');
		await waitFor(session, s => /PAUSED/.test(s), 5_000, 'the PAUSED mark');

		// Force-sell asks first (naming what it sells); with nothing held or open it only says so.
		tmux('send-keys', '-t', session, 's');
		const asked = await waitFor(session, s => /y\/n|\by\b.*\bn\b/i.test(s) || /nothing to sell/.test(s), 5_000, 'the force-sell confirmation');
		if (!/nothing to sell/.test(asked)) {
			forceSold = true;
			tmux('send-keys', '-t', session, 'y');
			// The confirmed force-sell is journaled before anything else is pressed.
			const forceSell = (): boolean => readJournal(journal).records.some(r => r.type === 'command' && r.command === 'force_sell');
			for (const deadline = Date.now() + 5_000; !forceSell(); ) {
				assert.ok(Date.now() < deadline, 'the force-sell was never journaled');
				await new Promise(resolve => setTimeout(resolve, 20));
			}
		}

		tmux('send-keys', '-t', session, 'q');
		const afterQ = await waitFor(session, s => /EXITED-\d+/.test(s) || /f flatten and quit/.test(s), 10_000, 'quit prompt or exit');
		if (/f flatten and quit/.test(afterQ)) tmux('send-keys', '-t', session, 'f');
		const final = await waitFor(session, s => /EXITED-\d+/.test(s), 20_000, 'the process to exit');
		assert.match(final, /EXITED-0/);
		assert.match(final, /Stopped/);
	} finally {
		spawnSync('tmux', ['kill-session', '-t', session]);
	}

	const {records, tornTail, badLines} = readJournal(journal);
	assert.equal(tornTail, false);
	assert.deepEqual(badLines, []);
	for (const record of records) assert.deepEqual(validateRecord(record), [], JSON.stringify(record));
	const commands = records.filter(r => r.type === 'command').map(r => `${r.command}:${r.symbol ?? '*'}`);
	assert.deepEqual(commands, forceSold ? ['pause:AAPL', 'force_sell:AAPL', 'quit:*'] : ['pause:AAPL', 'quit:*']);
	assert.ok(
		records.some(r => r.type === 'order_submitted' && r.symbol === 'AAPL'),
		'AAPL traded',
	);
	const sessions = records.filter(r => r.type === 'session').map(r => r.event);
	assert.deepEqual(sessions, ['start', 'end']);
	// Nothing open is left behind: every order the run placed reached a final state.
	const finals = new Set(['fill', 'canceled', 'rejected', 'expired']);
	const open = new Set<string>();
	for (const r of records) {
		if (r.type === 'order_submitted') open.add(String(r.client_order_id));
		if (r.type === 'order_update' && finals.has(String(r.event))) open.delete(String(r.client_order_id));
	}
	assert.deepEqual([...open], []);
});
