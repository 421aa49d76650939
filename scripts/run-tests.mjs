#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's own test runner through the tsx loader.
// Node 20 has no glob support in --test, so the files are listed here.
// Usage: npm test [-- substring-filter ...]
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {staleDistFile} from './dist-current.mjs';

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
// Tests spawn the built CLI (test/_helpers/cli.ts) when dist/ is current: build a stale one once
// here rather than compile the sources through tsx in every child process.
const stale = staleDistFile(process.cwd());
if (stale !== null) {
	console.error(`dist/ is older than ${stale}: building it first (npm run build)`);
	const build = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {stdio: 'inherit'});
	if (build.status !== 0) console.error('the build failed: tests run the CLI from source where dist/ is stale');
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {stdio: 'inherit'});
process.exit(result.status ?? 1);
