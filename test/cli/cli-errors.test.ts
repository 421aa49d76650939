/** Bad input: one clear line on stderr, exit status 2, no stack trace, nothing written. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {runCli, runCliInProcess, scratchDir, type CliResult} from '../_helpers/cli.js';

/** In-process by default (the CLI's own exit route); `spawn` runs the real binary. */
async function expectUsageError(args: string[], pattern: RegExp, setup?: (dir: string) => void, spawn = false) {
	const dir = scratchDir();
	setup?.(dir);
	const full = [...args, '--journal', join(dir, 'j.jsonl')];
	const result: CliResult = spawn ? runCli(full, {cwd: dir}) : await runCliInProcess(full, {cwd: dir});
	assert.equal(result.status, 2, `exit status for ${args.join(' ')}: ${result.stderr}`);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, `one line: ${result.stderr}`);
	assert.match(lines[0]!, pattern);
	assert.doesNotMatch(result.stderr, /\n\s+at /);
	assert.equal(existsSync(join(dir, 'j.jsonl')), false, 'no partial journal');
}

test('unknown flag (the real binary)', () => expectUsageError(['backtest', '--frobnicate', '1'], /unknown flag --frobnicate/, undefined, true));
test('--lot 0', () => expectUsageError(['backtest', '--lot', '0'], /--lot must be greater than 0/));
test('--lot not a number', () => expectUsageError(['backtest', '--lot', 'lots'], /--lot needs a number/));
test('--cash negative', () => expectUsageError(['backtest', '--cash=-5'], /--cash must be greater than 0/));
test('data path that does not exist', () => expectUsageError(['backtest', '--data', '/no/such/place'], /data path does not exist: \/no\/such\/place/));
test('bad --exit-after', () => expectUsageError(['backtest', '--exit-after', 'soon'], /--exit-after needs a duration/));
test('bad --strategy', () => expectUsageError(['backtest', '--strategy', 'yolo'], /--strategy must be scalp, hft or rebalance/));
test('bad symbol', () => expectUsageError(['backtest', '12$'], /not a stock symbol/));
test('symbol missing from the bundled sample: says how to fetch it', () =>
	expectUsageError(['backtest', 'ZZZZ'], /no minute data for ZZZZ in the bundled sample .*run `scalp-tui data fetch ZZZZ --from DATE --to DATE`/));

test('malformed CSV row names the file and line', () =>
	expectUsageError(['backtest', '--data', 'bad'], /bad[/\\]TSLA_2019-02-11\.csv:3: bad close price "abc"/, dir => {
		const folder = join(dir, 'bad');
		mkdirSync(folder);
		writeFileSync(
			join(folder, 'TSLA_2019-02-11.csv'),
			'timestamp,open,high,low,close,volume\n2019-02-11T14:30:00Z,1,2,0.5,1.5,100\n2019-02-11T14:31:00Z,1,2,0.5,abc,100\n',
		);
	}));

test('wrong header names the file', () =>
	expectUsageError(['backtest', '--data', 'x.csv'], /x\.csv:1: expected header/, dir => {
		writeFileSync(join(dir, 'x.csv'), 'date,price\n2019-01-01,1\n');
	}));

test('a signal module that does not export a function', () =>
	expectUsageError(['backtest', 'TSLA', '--signal', 'sig.mjs'], /must export a function/, dir => {
		writeFileSync(join(dir, 'sig.mjs'), 'export const x = 1;\n');
	}));

test('--help prints usage and exits 0', () => {
	const result = runCli(['--help']);
	assert.equal(result.status, 0);
	assert.match(result.stdout, /Usage/);
	assert.match(result.stdout, /scalp-tui backtest/);
});

test('backtest --json prints a JSON report and writes a valid journal', async () => {
	const dir = scratchDir();
	const result = await runCliInProcess(['backtest', 'tsla', '--json', '--journal', 'out.jsonl'], {cwd: dir});
	assert.equal(result.status, 0, result.stderr);
	const report = JSON.parse(result.stdout);
	assert.equal(report.symbols[0].symbol, 'TSLA');
	assert.ok(report.total.round_trips > 10);
	assert.ok(existsSync(join(dir, 'out.jsonl')));
});

test('a custom signal module drives entries', async () => {
	const dir = scratchDir();
	writeFileSync(join(dir, 'sig.mjs'), 'export default function (bars) { return bars.length % 50 === 0; }\n');
	const result = await runCliInProcess(['backtest', 'TSLA', '--signal', 'sig.mjs', '--json', '--journal', 'j.jsonl'], {cwd: dir});
	assert.equal(result.status, 0, result.stderr);
	const report = JSON.parse(result.stdout);
	assert.ok(report.total.round_trips >= 5);
});

test('rebalance in sim with the bundled data: dry run prints the plan and exits 0 (regression: empty --data list)', async () => {
	const dir = scratchDir();
	const result = await runCliInProcess(['rebalance', '--dry-run', '--journal', 'j.jsonl'], {cwd: dir});
	assert.equal(result.status, 0, result.stderr);
	assert.match(result.stdout, /ARNC|CHK|candidate/i);
	assert.equal(existsSync(join(dir, '.scalp-tui-rebalance.json')), false, 'a dry run writes no done marker');
});
test('backtest --mode live is refused (backtests are always simulated)', () =>
	expectUsageError(['backtest', '--mode', 'live'], /always runs on the simulated exchange/));
test('console --hft-qty below 100', () => expectUsageError(['TSLA', '--hft', 'AAPL', '--hft-qty', '50'], /--hft-qty must be a whole number >= 100/));
test('console --mode live without keys', () => expectUsageError(['TSLA', '--mode', 'live'], /--mode live needs API keys/));
test('console with no symbols', () => expectUsageError([], /name at least one symbol/));
