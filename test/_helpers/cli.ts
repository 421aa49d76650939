/** Run the CLI in a child process (the build when current, else the source through tsx), in a scratch working directory. */
import {spawnSync} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {staleDistFile} from '../../scripts/dist-current.mjs';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/esm/index.mjs');
const CLI = join(ROOT, 'source/cli.tsx');
export const BUILT_CLI = join(ROOT, 'dist/cli.js');

let distCurrent: boolean | undefined;
/** dist/ is the build of the current source/ (checked once per test file). */
export function distIsCurrent(): boolean {
	distCurrent ??= staleDistFile(ROOT) === null;
	return distCurrent;
}

/** Tests of "the real built binary" (tmux) fail on a missing or stale build rather than test an old one. */
export function assertBuildCurrent(): void {
	const stale = staleDistFile(ROOT);
	if (stale !== null) throw new Error(`dist/ is not the build of ${stale}: run \`npm run build\` (npm test builds it first)`);
}

/**
 * The node command line of the CLI: `node dist/cli.js` when the build is current (`npm test`
 * rebuilds a stale one first: a third of tsx's start-up), else the source through tsx, so a
 * test file run on its own after an edit still tests the edit. `fromSource` forces tsx.
 */
export function cliCommand(args: readonly string[], options: {fromSource?: boolean} = {}): string[] {
	if (!options.fromSource && distIsCurrent()) return [process.execPath, BUILT_CLI, ...args];
	return [process.execPath, '--import', TSX, CLI, ...args];
}

export function scratchDir(): string {
	return mkdtempSync(join(tmpdir(), 'scalp-cli-'));
}

export interface CliResult {
	readonly status: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

export function runCli(
	args: readonly string[],
	options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; fromSource?: boolean} = {},
): CliResult {
	const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1', ...options.env};
	for (const key of ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL']) {
		if (!(options.env && key in options.env)) delete env[key];
	}
	const [node, ...argv] = cliCommand(args, {fromSource: options.fromSource ?? false});
	const result = spawnSync(node!, argv, {
		cwd: options.cwd ?? scratchDir(),
		env,
		input: options.input ?? '',
		encoding: 'utf8',
		timeout: options.timeoutMs ?? 60_000,
	});
	return {status: result.status, stdout: result.stdout, stderr: result.stderr};
}

const CLIENT_ENV = ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'APCA_API_BASE_URL', 'APCA_API_DATA_URL', 'SCALP_TUI_DEBUG', 'NO_COLOR'];
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * The same command line in this process (no Node start-up, no tsx compile: milliseconds, not a
 * second): the CLI's own exit-status route (runCliToExit) with stdout and stderr captured.
 * The working directory and APCA_* variables are process-wide, so runs queue one at a time.
 */
export function runCliInProcess(args: readonly string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): Promise<CliResult> {
	const run = inProcessQueue.then(async () => {
		const {runCliToExit} = await import('../../source/cli/main.js');
		const savedCwd = process.cwd();
		const savedEnv = Object.fromEntries(CLIENT_ENV.map(key => [key, process.env[key]]));
		for (const key of CLIENT_ENV) delete process.env[key];
		Object.assign(process.env, {NO_COLOR: '1'}, options.env);
		process.chdir(options.cwd ?? scratchDir());
		let stdout = '';
		let stderr = '';
		const io = {stdout: {write: (text: string) => ((stdout += text), true)}, stderr: {write: (text: string) => ((stderr += text), true)}};
		try {
			const status = await runCliToExit(args, io as never, import.meta);
			return {status, stdout, stderr};
		} finally {
			process.chdir(savedCwd);
			for (const key of CLIENT_ENV) {
				if (savedEnv[key] === undefined) delete process.env[key];
				else process.env[key] = savedEnv[key];
			}
		}
	});
	inProcessQueue = run.catch(() => {});
	return run;
}
