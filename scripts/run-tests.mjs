#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's own test runner through the tsx loader.
// Node 20 has no glob support in --test, so the files are listed here.
// Usage: npm test [-- substring-filter ...]
//
// Node 20's runner starts one process per file, and a process with the tsx loader costs about
// 0.7 s of CPU before its first test (Node, the loader thread, the modules it compiles): over
// ninety files that was a quarter of the suite's CPU on a 2-core machine. So most files share a
// process: they are imported together by a generated "shared" file, one per core, and run one
// after another inside it, as the tests of a single file would. Files in OWN_PROCESS keep their
// own process: they mostly wait on child processes and sockets, or they need a process of their
// own (see the list). Three processes run at a time on two cores: the waiting files fill the
// CPU the shared ones leave (measured on the shared machine: 73-77 s against 90-97 s with two).
// The shared processes, the longest, start first.
import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {spawnSync} from 'node:child_process';
import {staleDistFile} from './dist-current.mjs';

/** Files run in a process of their own, longest first (after the shared processes). */
const OWN_PROCESS = [
	'test/research/sweep.test.ts',
	'test/faults/crash-restart.test.ts',
	'test/research/sweep-hft.test.ts',
	'test/faults/stream-faults.test.ts',
	'test/faults/order-faults.test.ts',
	'test/cache/backtest-cache.test.ts',
	'test/e2e/console-tmux.test.ts',
	'test/research/sweep-cache.test.ts',
	'test/faults/pause-restart.test.ts',
	'test/e2e/connect-progress.test.ts',
	'test/faults/broker-stall.test.ts',
	'test/faults/broker-restart.test.ts',
	'test/e2e/paper-emulate.test.ts',
	// A root-level before() hook (the emulator it shares): hooks of a shared process would run once for all.
	'test/cache/fetch-emulate.test.ts',
	// Tests Ink's first load in the process (it decides once whether it runs in CI: under CI=true
	// any earlier Ink test in a shared process would have decided it already).
	'test/ui/render.test.tsx',
];
/** Processes that run shared files (one per core of the 2-core machine the suite is sized for). */
const SHARED_PROCESSES = 2;

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
	const build = spawnSync(process.execPath, ['scripts/build.mjs'], {stdio: 'inherit'});
	if (build.status !== 0) console.error('the build failed: tests run the CLI from source where dist/ is stale');
}

const own = OWN_PROCESS.filter(file => files.includes(file));
const shared = files.filter(file => !OWN_PROCESS.includes(file));
// Shared files are dealt out largest first to the lightest process so far (size stands in for time).
const groups = Array.from({length: Math.min(SHARED_PROCESSES, shared.length)}, () => ({bytes: 0, files: []}));
for (const file of [...shared].sort((a, b) => statSync(b).size - statSync(a).size)) {
	const lightest = groups.reduce((a, b) => (b.bytes < a.bytes ? b : a));
	lightest.bytes += statSync(file).size;
	lightest.files.push(file);
}
const scratch = mkdtempSync(join(tmpdir(), 'scalp-tests-'));
const entries = groups.map((group, index) => {
	const entry = join(scratch, `shared-${index + 1}.test.mjs`);
	const imports = group.files.sort().map(file => `import ${JSON.stringify(pathToFileURL(resolve(file)).href)};`);
	writeFileSync(entry, `// ${group.files.length} test files in one process (scripts/run-tests.mjs)\n${imports.join('\n')}\n`);
	return entry;
});
let status;
try {
	const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=3', ...entries, ...own], {stdio: 'inherit'});
	status = result.status ?? 1;
} finally {
	rmSync(scratch, {recursive: true, force: true});
}
process.exit(status);
