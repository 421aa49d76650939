/** `scalp-tui ... | head -3`: the reader closing early ends the command quietly, journal intact. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {cliCommand, scratchDir} from '../_helpers/cli.js';

function runIntoClosedPipe(args: string[], cwd: string): Promise<{status: number | null; stderr: string}> {
	return new Promise(resolve => {
		const [node, ...argv] = cliCommand(args);
		const child = spawn(node!, argv, {
			cwd,
			env: {...process.env, NO_COLOR: '1', APCA_API_KEY_ID: '', APCA_API_SECRET_KEY: ''},
		});
		let stderr = '';
		child.stderr.on('data', chunk => (stderr += chunk));
		// Like `| head -3` once head has its lines: the reader is gone before the report is written.
		child.stdout.destroy();
		child.on('close', status => resolve({status, stderr}));
	});
}

for (const args of [
	['rebalance', '--dry-run', '--mode', 'sim', '--journal', 'j.jsonl'],
	['backtest', 'TSLA', '--journal', 'j.jsonl'],
]) {
	test(`${args.slice(0, 2).join(' ')} into a closed pipe ends quietly with its journal complete`, async () => {
		const dir = scratchDir();
		const result = await runIntoClosedPipe(args, dir);
		assert.equal(result.stderr, '');
		assert.equal(result.status, 0);
		const lines = readFileSync(join(dir, 'j.jsonl'), 'utf8').trim().split('\n');
		for (const line of lines) JSON.parse(line);
		assert.ok(lines.length >= 1);
	});
}
