#!/usr/bin/env node
/**
 * Entry point. The command registry (source/cli/) parses flags, answers --help and imports each
 * command lazily, so help and flag errors start fast and never load Ink or the Alpaca SDK.
 */
// React's development build records a performance entry per render (memory grows all
// session) and costs a third more CPU: the console always runs the production build.
process.env.NODE_ENV ??= 'production';

import {quietOnBrokenPipe} from './cli/broken-pipe.js';
import {runCliToExit} from './cli/main.js';

export type {CliFlags} from './cli/flags.js';

quietOnBrokenPipe(process.stdout);
quietOnBrokenPipe(process.stderr);

runCliToExit(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr}, import.meta).then(code => {
	process.exitCode = code;
});
