import type {ConsoleConfig} from '../commands/console.js';
import {UsageError} from '../config.js';
import type {SessionControl} from '../engine/control.js';
import type {Io} from '../commands/backtest.js';

// Paper/live composition lands with the Alpaca adapter.
export async function composeAlpacaSession(config: ConsoleConfig, _io: Io): Promise<SessionControl> {
	throw new UsageError(`--mode ${config.mode} is not available in this build yet`);
}
