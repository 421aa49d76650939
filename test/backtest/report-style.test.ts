/** Reports agree with themselves: hft text vs JSON, one JSON key style, money signs before $. */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {runCli, runCliInProcess, scratchDir} from '../_helpers/cli.js';
import {formatUsd} from '../../source/core/money.js';
import {snakeKey} from '../../source/core/json-keys.js';

function keys(value: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(value)) for (const v of value) keys(v, out);
	else if (value !== null && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			out.add(k);
			keys(v, out);
		}
	}
	return out;
}

test('backtest --strategy hft: the text report shows the executions its JSON lists', async () => {
	const dir = scratchDir();
	const text = await runCliInProcess(['backtest', '--strategy', 'hft', '--journal', join(dir, 'a.jsonl')]);
	const json = await runCliInProcess(['backtest', '--strategy', 'hft', '--json', '--journal', join(dir, 'b.jsonl')]);
	assert.equal(text.status, 0, text.stderr);
	assert.equal(json.status, 0, json.stderr);
	const symbol = JSON.parse(json.stdout).symbols[0];
	assert.ok(symbol.hft.executions > 0);
	assert.match(
		text.stdout,
		new RegExp(
			`${symbol.symbol} tick-taker: ${symbol.hft.executions} executions \\(${symbol.hft.shares_bought} shares bought, ${symbol.hft.shares_sold} sold\\)`,
		),
	);
});

test('every JSON report uses snake_case keys (symbols as keys stay as they are)', async () => {
	const dir = scratchDir();
	const runs = [
		['backtest', 'TSLA', '--json', '--journal', join(dir, 'a.jsonl')],
		['backtest', '--strategy', 'hft', '--json', '--journal', join(dir, 'b.jsonl')],
		['backtest', '--strategy', 'rebalance', '--json', '--journal', join(dir, 'c.jsonl')],
		['sweep', 'TSLA', '--sma', '15,30', '--json', '--workers', '1', '--walk-forward', '2:1'],
	];
	// The backtests in this process (the CLI's own route); the sweep with its worker as a real process.
	for (const args of runs) {
		const result = args[0] === 'sweep' ? runCli(args) : await runCliInProcess(args);
		assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
		const bad = [...keys(JSON.parse(result.stdout))].filter(k => !/^[a-z0-9_]+$/.test(k) && !/^[A-Z]/.test(k));
		assert.deepEqual(bad, [], args.join(' '));
	}
});

test('money prints the sign before the dollar sign', () => {
	assert.equal(formatUsd(-547_630_000), '-$547.63');
	assert.equal(formatUsd(12e6), '$12.00');
	assert.equal(formatUsd(-4_000), '$0.00');
	assert.equal(snakeKey('roundTrips'), 'round_trips');
	assert.equal(snakeKey('take-profit'), 'take_profit');
	assert.equal(snakeKey('BRK.B'), 'BRK.B');
});

test('the text report lays its table and equity chart out within 80 columns when piped', async () => {
	const result = await runCliInProcess(['backtest', 'TSLA', 'AAPL']);
	assert.equal(result.status, 0, result.stderr);
	const lines = result.stdout.split('\n');
	const tableStart = lines.findIndex(line => line.startsWith('symbol '));
	const tableEnd = lines.indexOf('', tableStart);
	const chartStart = lines.indexOf('equity') + 1;
	assert.ok(tableStart > 0 && tableEnd > tableStart && chartStart > 0, result.stdout);
	const laidOut = [...lines.slice(tableStart, tableEnd), ...lines.slice(chartStart).filter(line => line !== '')];
	assert.ok(laidOut.length >= 12, 'table rows and chart rows');
	for (const line of laidOut) assert.ok([...line].length <= 80, `${[...line].length} columns: ${line}`);
});
