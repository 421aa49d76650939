/**
 * A CSV that repeats a minute with different prices: the first row is kept, and the backtest's
 * report says how many disagreeing rows it dropped (text and JSON), so a bad file never passes
 * silently. An exact repeat of a row is not a conflict.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {ROOT, runCliInProcess, scratchDir} from '../_helpers/cli.js';

test('backtest report names conflicting duplicate minute rows (first kept); exact repeats are not counted', async () => {
	const dir = scratchDir();
	const file = join(dir, 'AAPL_2019-02-11.csv');
	copyFileSync(join(ROOT, 'data/minute/AAPL_2019-02-11.csv'), file);
	const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
	const [time, ...rest] = lines[5]!.split(',');
	const conflicting = [time, ...rest.map((v, i) => (i < 4 ? (Number(v) + 1).toFixed(2) : v))].join(',');
	writeFileSync(file, `${[...lines, conflicting, lines[7]!].join('\n')}\n`);

	const text = await runCliInProcess(['backtest', 'AAPL', '--data', file]);
	assert.equal(text.status, 0, text.stderr);
	assert.match(text.stdout, /holes: [^\n]*; 1 conflicting duplicate row dropped \(the first row of each minute kept\)\n/);
	const json = await runCliInProcess(['backtest', 'AAPL', '--data', file, '--json']);
	assert.equal(json.status, 0, json.stderr);
	assert.equal(JSON.parse(json.stdout).data_source.conflicting_rows, 1);

	const clean = await runCliInProcess(['backtest', 'AAPL', '--data', join(ROOT, 'data/minute/AAPL_2019-02-11.csv'), '--json']);
	assert.equal(JSON.parse(clean.stdout).data_source.conflicting_rows, 0);
	assert.doesNotMatch((await runCliInProcess(['backtest', 'AAPL', '--data', join(ROOT, 'data/minute/AAPL_2019-02-11.csv')])).stdout, /conflicting/);
});
