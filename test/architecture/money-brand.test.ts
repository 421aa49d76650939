/**
 * Money is branded: only core/money.ts turns a plain number into Micros. Everything else builds
 * amounts through its constructors and helpers (parseMicros, dollarsToMicros, micros, addMicros,
 * mulQty, ...), so a share count or a dollar figure cannot pass for micro-dollars unnoticed.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {ROOT} from '../_helpers/cli.js';
import {typeScriptFiles as files} from './source-files.js';

const MONEY = join('source', 'core', 'money.ts');
const SELF = join('test', 'architecture', 'money-brand.test.ts');
const CAST = /\bas\s+(?:readonly\s+)?(?:ArrayLike<\s*)?Micros\w*\b|<Micros\w*>\s*[\w(]/;

function casts(roots: string[]): string[] {
	const found: string[] = [];
	for (const root of roots) {
		for (const file of files(join(ROOT, root))) {
			const name = relative(ROOT, file);
			if (name === MONEY || name === SELF) continue;
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (CAST.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
				});
		}
	}
	return found;
}

test('no file but core/money.ts casts a number to Micros', () => {
	assert.deepEqual(casts(['source', 'test', 'bench']), []);
});

test('the check itself notices a cast', () => {
	assert.ok(CAST.test('const price = 5 as Micros;'));
	assert.ok(CAST.test('return column as MicrosColumn;'));
	assert.ok(!CAST.test('const price: Micros = micros(5);'));
	assert.ok(readFileSync(join(ROOT, MONEY), 'utf8').includes('as Micros'));
});
