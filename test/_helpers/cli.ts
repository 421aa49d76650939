/** Run the CLI from source in a child process (tsx loader), in a scratch working directory. */
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/esm/index.mjs');
const CLI = join(ROOT, 'source/cli.tsx');

export function scratchDir(): string {
	return mkdtempSync(join(tmpdir(), 'scalp-cli-'));
}

export interface CliResult {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

export function runCli(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {}): CliResult {
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...options.env};
	for (const key of ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL']) {
		if (!(options.env && key in options.env)) delete env[key];
	}
	const result = spawnSync(process.execPath, ['--import', TSX, CLI, ...args], {
		cwd: options.cwd ?? scratchDir(),
		env,
		input: options.input ?? '',
		encoding: 'utf8',
		timeout: options.timeoutMs ?? 60_000,
	});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}
