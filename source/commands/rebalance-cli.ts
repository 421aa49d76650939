import type {CliFlags} from '../cli.js';
import {UsageError} from '../config.js';
import type {Io} from './backtest.js';

// Wired to the rebalancer once it lands.
export async function runRebalanceFromCli(_args: readonly string[], _flags: CliFlags, _io: Io): Promise<number> {
	throw new UsageError('rebalance is not available in this build');
}

export async function runRebalanceBacktestFromCli(_args: readonly string[], _flags: CliFlags, _io: Io): Promise<number> {
	throw new UsageError('backtest --strategy rebalance is not available in this build');
}
