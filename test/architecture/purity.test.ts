/**
 * The engine is pure: core/, engine/ and strategies/ import no UI, adapter, network, SDK or
 * file-system module; backtest/ may use the simulated exchange and the file readers but never
 * the UI, the Alpaca adapter, the emulator, Ink, React, ws or the SDK, and the rebalance backtest
 * reads no files (the command hands it the data). Which of our own modules each layer may import
 * is checked in layers.test.ts.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {ROOT} from '../_helpers/cli.js';
import {typeScriptFiles as files} from './source-files.js';

function imports(path: string): string[] {
	const text = readFileSync(path, 'utf8');
	return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1] ?? m[2]!);
}

function violations(folders: string[], forbidden: RegExp): string[] {
	const found: string[] = [];
	for (const folder of folders) {
		for (const file of files(join(ROOT, 'source', folder))) {
			for (const target of imports(file)) if (forbidden.test(target)) found.push(`${relative(ROOT, file)} imports ${target}`);
		}
	}
	return found;
}

test('core, engine and strategies import nothing impure', () => {
	assert.deepEqual(
		violations(
			['core', 'engine', 'strategies'],
			/(^|\/)(ui|adapters|session|emulate|commands)\/|^(ink|react|ws|meow|@alpacahq\/.*)$|^node:(fs|net|http|https|child_process|readline)/,
		),
		[],
	);
});

test('backtest uses no UI, network, SDK or emulator', () => {
	assert.deepEqual(violations(['backtest'], /(^|\/)(ui|adapters\/alpaca|session|emulate|commands)\/|^(ink|react|ws|@alpacahq\/.*)$/), []);
});

test('the rebalance backtest does no file I/O', () => {
	assert.deepEqual(violations(['backtest/rebalance'], /^node:(fs|fs\/promises|net|http|https|child_process)$/), []);
});

test('the check itself notices an impure import', () => {
	assert.ok(/(^|\/)(ui|adapters)\//.test('../ui/app.js'));
	assert.ok(imports(join(ROOT, 'source/cli/main.ts')).includes('meow'));
});
