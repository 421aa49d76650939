#!/usr/bin/env node
/**
 * Entry point. The command registry (source/cli/) parses flags, answers --help and imports each
 * command lazily, so help and flag errors start fast and never load Ink or the Alpaca SDK.
 */
// React's development build records a performance entry per render (memory grows all
// session) and costs a third more CPU: the console always runs the production build.
process.env.NODE_ENV ??= 'production';

import {UserError} from './core/errors.js';
import {quietOnBrokenPipe} from './cli/broken-pipe.js';
import {runCli} from './cli/main.js';
import {printable} from './core/printable.js';

export type {CliFlags} from './cli/flags.js';

quietOnBrokenPipe(process.stdout);
quietOnBrokenPipe(process.stderr);

runCli(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr}, import.meta).then(
	code => {
		process.exitCode = code;
	},
	(error: unknown) => {
		if (error instanceof UserError) {
			process.stderr.write(`scalp-tui: ${printable(error.message)}\n`);
			process.exitCode = error.exitCode;
			return;
		}
		// Anything else is a bug: still one line for the user, the detail only on request.
		process.stderr.write(`scalp-tui: internal error: ${printable(error instanceof Error ? error.message : String(error))}\n`);
		if (process.env.SCALP_TUI_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
		process.exitCode = 1;
	},
);
