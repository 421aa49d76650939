/**
 * `--mode live` trades real money: it needs an explicit confirmation, a typed answer at a
 * terminal prompt, or `--yes-live` when there is no terminal; paper is never silently upgraded to live.
 */
import {createInterface} from 'node:readline/promises';
import {UsageError} from '../core/errors.js';

export async function confirmLive(options: {yesLive: boolean; stdin?: NodeJS.ReadStream; stderr?: NodeJS.WriteStream; target: string}): Promise<void> {
	if (options.yesLive) return;
	const stdin = options.stdin ?? process.stdin;
	const stderr = options.stderr ?? process.stderr;
	if (!stdin.isTTY) throw new UsageError('--mode live trades real money: confirm at a terminal prompt or pass --yes-live');
	const rl = createInterface({input: stdin, output: stderr});
	try {
		const answer = await rl.question(`LIVE trading with real money on ${options.target}. Type LIVE to continue: `);
		if (answer.trim() !== 'LIVE') throw new UsageError('live trading not confirmed');
	} finally {
		rl.close();
	}
}
