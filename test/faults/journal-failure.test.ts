/**
 * The journal stops taking writes (issue 14): a full disk, an I/O error. The writer never
 * throws into the code that journals; the session stops sending orders, shuts down the normal
 * way (open orders canceled), prints one line and exits non-zero.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {FileJournal} from '../../source/journal/writer.js';
import {readJournal} from '../../source/journal/reader.js';
import {cliCommand, scratchDir} from '../_helpers/cli.js';

test('a write to a full disk (/dev/full: ENOSPC) does not throw; the failure is reported once and nothing more is written', async () => {
	const journal = new FileJournal('/dev/full', {mode: 'sync'});
	const seen: string[] = [];
	journal.onFailure(error => seen.push(String(error.code)));
	for (let i = 0; i < 3; i++) journal.write({ts: 0, type: 'error', message: `line ${i}`, symbol: null});
	journal.flush();
	journal.close();
	await new Promise(resolve => setImmediate(resolve));
	assert.deepEqual(seen, ['ENOSPC']);
	assert.equal(journal.failed?.code, 'ENOSPC');
});

test('the SIM console whose journal hits a file size limit (EFBIG): one line, orders canceled, exit 1, no stack trace', {
	skip: !existsSync('/bin/sh'),
	timeout: 120_000,
}, async () => {
	const dir = scratchDir();
	const command = cliCommand(['AAPL', 'TSLA', 'MSFT', 'SPY', '--speed', '3600', '--journal', 'j.jsonl', '--log-file', '/dev/null'])
		.map(word => `"${word}"`)
		.join(' ');
	// 24 blocks of 512 bytes: the journal fills up within the first hour of trading.
	const script = `ulimit -f 24; exec ${command}`;
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1'};
	for (const key of ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL', 'SCALP_TUI_DEBUG']) delete env[key];
	const result = await new Promise<{code: number | null; stdout: string; stderr: string}>(resolve => {
		const child = spawn('/bin/sh', ['-c', script], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
		child.on('exit', code => {
			clearTimeout(timer);
			resolve({code, stdout, stderr});
		});
	});
	assert.equal(result.code, 1, `exit status (stderr: ${result.stderr})`);
	assert.deepEqual(result.stderr.trim().split('\n'), ['scalp-tui: journal j.jsonl cannot be written (EFBIG): trading stopped, open orders canceled']);
	assert.match(result.stdout, /quit \(fatal\)/, 'the normal shutdown ran');
	assert.doesNotMatch(result.stdout, /quit \(fatal\): orders still open/);
	// What was written before the failure is intact (at most a torn last line, which the reader skips).
	const {records, badLines} = readJournal(join(dir, 'j.jsonl'));
	assert.ok(records.length > 10);
	assert.deepEqual(badLines, []);
	assert.ok(readFileSync(join(dir, 'j.jsonl')).length <= 24 * 512);
});
