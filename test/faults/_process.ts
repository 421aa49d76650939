/**
 * The real CLI in paper mode, as a child process, against an in-process `emulate` with manual
 * stepping: start it, wait until both of its sockets are subscribed, step the market while
 * watching the exchange and the journal, `kill -9` it, start it again on the same journal.
 */
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import type {EmulatorHandle} from '../../source/emulate/server.js';
import {readJournal} from '../../source/journal/reader.js';
import {cliCommand} from '../_helpers/cli.js';
import {KEYS} from './_rig.js';

export {cliCommand};

export interface Running {
	readonly child: ChildProcess;
	stdout(): string;
	stderr(): string;
	readonly exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

export async function until<T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 20_000, context: () => string = () => ''): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${context()}`);
		await sleep(10);
	}
}

/** The CLI's environment for the emulator (keys, endpoints), nothing from the caller's. */
export function paperEnv(emulator: EmulatorHandle): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		APCA_API_KEY_ID: KEYS.keyId,
		APCA_API_SECRET_KEY: KEYS.secret,
		APCA_API_BASE_URL: emulator.baseUrl,
		APCA_API_DATA_URL: emulator.dataUrl,
		NO_COLOR: '1',
	};
	delete env.SCALP_TUI_DEBUG;
	return env;
}

/** Start the paper console headless and wait until it trades (both sockets subscribed). */
export async function launch(emulator: EmulatorHandle, dir: string, args: readonly string[]): Promise<Running> {
	const [node, ...rest] = cliCommand(args);
	const child = spawn(node!, rest, {cwd: dir, env: paperEnv(emulator), stdio: ['ignore', 'pipe', 'pipe']});
	let out = '';
	let err = '';
	child.stdout!.on('data', chunk => (out += chunk));
	child.stderr!.on('data', chunk => (err += chunk));
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.on('exit', (code, signal) => resolve({code, signal})));
	const running: Running = {child, stdout: () => out, stderr: () => err, exited};
	await until(
		() => /PAPER: market/.test(out) || child.exitCode !== null,
		'the console to start',
		30_000,
		() => err,
	);
	assert.equal(child.exitCode, null, `the console exited: ${err}`);
	await until(
		() => {
			const s = emulator.subscribers();
			return s.tradeUpdates === 1 && s.bars === 1;
		},
		'both sockets of the console to subscribe (and the old ones to be gone)',
		20_000,
		() => `${JSON.stringify(emulator.subscribers())}\n${out}\n${err}`,
	);
	return running;
}

/** SIGKILL and wait for the exit (no shutdown, no journal close: a crash). */
export async function kill9(running: Running): Promise<void> {
	running.child.kill('SIGKILL');
	const {signal} = await running.exited;
	assert.equal(signal, 'SIGKILL');
}

export type Records = ReturnType<typeof readJournal>['records'];

export function journal(path: string): Records {
	return readJournal(path).records;
}

/** The last `state` record of a symbol's scalper, or null. */
export function lastState(path: string, symbol: string): string | null {
	const states = journal(path).filter(r => r.type === 'state' && r.symbol === symbol && r.strategy === 'scalp');
	return states.length === 0 ? null : String(states.at(-1)!.to);
}
