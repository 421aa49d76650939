import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../../source/', import.meta.url));
const FORBIDDEN = [/['"]\.\.\/(\.\.\/)*(ui|adapters)\//, /['"](ink|react|ws)['"]/, /['"]@alpacahq\//, /['"]node:fs['"]/];

test('the rebalance strategy and backtest stay pure: no UI, adapters, Ink, React, ws, SDK or file I/O', () => {
	for (const folder of ['strategies/rebalance', 'backtest/rebalance']) {
		for (const name of readdirSync(join(root, folder))) {
			const text = readFileSync(join(root, folder, name), 'utf8');
			const imports = text.split('\n').filter(l => /^\s*(import|export)\b.*\bfrom\b|^\s*import\(/.test(l));
			for (const line of imports) for (const bad of FORBIDDEN) assert.ok(!bad.test(line), `${folder}/${name}: ${line}`);
		}
	}
});
