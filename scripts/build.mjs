/**
 * `npm run build`: compile source/ to dist/, then mark the package's bin files executable.
 * tsc writes new files without the execute bit, so on a fresh clone `npx scalp-tui` found
 * dist/cli.js and the shell refused it ("Permission denied"); a checkout built before kept
 * whatever mode the file already had, which hid it.
 */
import {spawnSync} from 'node:child_process';
import {chmodSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';

const root = join(import.meta.dirname, '..');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], {stdio: 'inherit'});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
const {bin} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(typeof bin === 'string' ? {bin} : bin)) {
	const path = join(root, file);
	chmodSync(path, statSync(path).mode | 0o111);
}
