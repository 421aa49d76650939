#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's own test runner through the tsx loader.
// Node 20 has no glob support in --test, so the files are listed here.
// Usage: npm test [-- substring-filter ...]
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';

function collect(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...collect(path));
		else if (/\.test\.tsx?$/.test(name)) out.push(path);
	}
	return out;
}

const filters = process.argv.slice(2);
const files = collect('test')
	.filter(file => filters.length === 0 || filters.some(f => file.includes(f)))
	.sort();
if (files.length === 0) {
	console.error('no test files matched');
	process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {stdio: 'inherit'});
process.exit(result.status ?? 1);
