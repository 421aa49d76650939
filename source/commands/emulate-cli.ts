import type {CliFlags} from '../cli.js';
import {UsageError} from '../config.js';
import type {Io} from './backtest.js';

export async function runEmulateFromCli(_args: readonly string[], _flags: CliFlags, _io: Io): Promise<number> {
	throw new UsageError('emulate is not available in this build');
}
