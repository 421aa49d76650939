/** What every command shares: where it writes, the default journal, the check for foreign flags. */
import type {CliFlags} from '../cli/flags.js';
import {UsageError} from '../core/errors.js';
import {DEFAULTS} from '../cli/defaults.js';

/** Something a command writes text to (process.stdout, a test buffer). */
export interface TextSink {
	write(text: string): unknown;
	readonly isTTY?: boolean;
	readonly columns?: number;
}

/** Output of a command that only writes text (reports, progress lines). */
export interface TextIo {
	readonly stdout: TextSink;
	readonly stderr: TextSink;
}

/** The process streams, for commands that draw a console or follow stream events. */
export interface Io extends TextIo {
	readonly stdout: NodeJS.WritableStream & TextSink;
	readonly stderr: NodeJS.WritableStream & TextSink;
}

export const DEFAULT_JOURNAL = DEFAULTS.journal;

/**
 * Flags of one strategy, refused as a group where one command serves several strategies
 * (`backtest --strategy`). Which flags a command takes at all is its allowlist in the CLI
 * registry (cli/commands/*.ts), checked before the command runs.
 */
export const HFT_FLAGS = ['hft', 'hftQty', 'hftRatio', 'hftSize'] as const satisfies readonly (keyof CliFlags)[];
export const SCALP_FLAGS = ['lot', 'exitAfter', 'signal', 'sma', 'takeProfit', 'staleBuy', 'eod'] as const satisfies readonly (keyof CliFlags)[];
export const REBALANCE_FLAGS = ['days', 'positionSize', 'maxPositions', 'bench', 'dryRun', 'universe'] as const satisfies readonly (keyof CliFlags)[];

export function rejectFlags(flags: CliFlags, names: readonly (keyof CliFlags)[], where: string): void {
	for (const name of names) {
		if (flags[name] !== undefined) {
			const flag = name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
			throw new UsageError(`--${flag} does not apply to ${where}`);
		}
	}
}
