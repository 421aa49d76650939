/** Every journal record carries its run id; one live writer per journal; backtests journal only when asked. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {openJournal} from '../../source/journal/open.js';
import {runCli, runCliInProcess, scratchDir} from '../_helpers/cli.js';

const lines = (path: string) =>
	readFileSync(path, 'utf8')
		.trim()
		.split('\n')
		.map(l => JSON.parse(l) as Record<string, unknown>);

test('each run writes its own run id into every record', () => {
	const path = join(scratchDir(), 'j.jsonl');
	for (let i = 0; i < 2; i++) {
		const journal = openJournal(path, 'buffered');
		journal.write({ts: 0, type: 'session', event: 'start', mode: 'sim', version: '0', symbols: []} as never);
		journal.write({ts: 1, type: 'session', event: 'end', mode: 'sim', version: '0', symbols: []} as never);
		journal.close();
	}
	const runs = lines(path).map(r => r.run);
	assert.ok(runs.every(r => typeof r === 'string' && r.length > 0));
	assert.equal(runs[0], runs[1]);
	assert.equal(runs[2], runs[3]);
	assert.notEqual(runs[0], runs[2]);
});

test('a second live writer is refused while the first runs; a stale lock (kill -9) is taken over', async () => {
	const dir = scratchDir();
	const path = join(dir, 'j.jsonl');
	const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
	try {
		writeFileSync(`${path}.lock`, JSON.stringify({pid: holder.pid, run: 'other'}));
		assert.throws(() => openJournal(path, 'sync'), new RegExp(`journal .*j\\.jsonl is in use by another scalp-tui \\(pid ${holder.pid}\\)`));
		assert.equal(existsSync(path), false, 'the refused writer wrote nothing');
		// Through the CLI: one line, exit 2.
		const result = runCli(['TSLA', '--mode', 'sim', '--journal', path], {cwd: dir, timeoutMs: 30_000});
		assert.equal(result.status, 2, result.stderr);
		assert.match(result.stderr, /^scalp-tui: journal .* is in use by another scalp-tui \(pid \d+\): stop it or pass another --journal\n$/);
	} finally {
		holder.kill('SIGKILL');
	}
	const dead = spawnSync(process.execPath, ['-e', '0']).pid;
	writeFileSync(`${path}.lock`, JSON.stringify({pid: dead, run: 'killed'}));
	const journal = openJournal(path, 'sync');
	assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, process.pid);
	journal.close();
	assert.equal(existsSync(`${path}.lock`), false, 'released on close');
});

test('a writer killed with -9 that is still a zombie (not yet reaped) holds no lock', {
	skip: existsSync('/proc/self/stat') ? false : 'needs /proc',
}, async () => {
	const path = join(scratchDir(), 'j.jsonl');
	// `sleep 0` becomes a child of `sleep 5` (after exec), which never reaps it: a zombie for 5 s.
	const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], {stdio: ['ignore', 'pipe', 'ignore']});
	try {
		const pid = await new Promise<number>(resolve => parent.stdout.once('data', chunk => resolve(Number(String(chunk).trim()))));
		const state = () => {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		};
		for (let i = 0; i < 200 && state() !== 'Z'; i++) await new Promise(resolve => setTimeout(resolve, 10));
		assert.equal(state(), 'Z');
		writeFileSync(`${path}.lock`, JSON.stringify({pid, run: 'killed'}));
		const journal = openJournal(path, 'sync');
		assert.equal(JSON.parse(readFileSync(`${path}.lock`, 'utf8')).pid, process.pid);
		journal.close();
	} finally {
		parent.kill('SIGKILL');
	}
});

test("a backtest writes no journal unless --journal is given (never the console's)", async () => {
	for (const args of [
		['backtest', 'TSLA'],
		['backtest', '--strategy', 'hft'],
		['backtest', '--strategy', 'rebalance'],
	]) {
		const dir = scratchDir();
		const result = await runCliInProcess(args, {cwd: dir});
		assert.equal(result.status, 0, result.stderr);
		assert.deepEqual(readdirSync(dir), [], args.join(' '));
	}
});
