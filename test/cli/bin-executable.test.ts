import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {assertBuildCurrent, ROOT} from '../_helpers/cli.js';

// `npx scalp-tui` runs the package's bin as a program: the build must leave it executable
// (tsc alone writes it without the execute bit, and a fresh clone then got "Permission denied").
test('the built bin runs as a program of its own (executable, with its shebang)', () => {
	assertBuildCurrent();
	const {bin, version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {bin: Record<string, string>; version: string};
	const run = spawnSync(join(ROOT, bin['scalp-tui']!), ['--version'], {encoding: 'utf8'});
	assert.equal(run.error, undefined, String(run.error));
	assert.equal(run.status, 0, run.stderr);
	assert.equal(run.stdout.trim(), version);
});
