import type {CliFlags} from '../cli.js';
import {UsageError} from '../config.js';
import type {Io} from './backtest.js';

export async function runConsoleCommand(_args: readonly string[], _flags: CliFlags, _io: Io): Promise<number> {
	throw new UsageError('console not wired yet');
}
