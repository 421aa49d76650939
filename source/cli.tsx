#!/usr/bin/env node
/**
 * Entry point: meow parses flags and prints help; each command is imported lazily so that
 * `--help` and `backtest` start fast and never load Ink or the Alpaca SDK.
 */
// React's development build records a performance entry per render (memory grows all
// session) and costs a third more CPU: the console always runs the production build.
process.env.NODE_ENV ??= 'production';

import meow from 'meow';
import {UserError, UsageError} from './core/errors.js';
import {printable} from './core/printable.js';

const help = `
  Usage
    $ scalp-tui [SYMBOL...] [flags]              interactive console (the main job)
    $ scalp-tui backtest [SYMBOL...] --data PATH  replay recorded data headless, print a report
    $ scalp-tui rebalance [flags]                 daily mean-reversion rebalance
    $ scalp-tui emulate [--port N] [--data PATH]  local Alpaca-compatible exchange on 127.0.0.1
    $ scalp-tui sweep [SYMBOL...] --sma 10..40:5 --take-profit 0.01,0.02   parameter sweep

  Console and trading
    --mode sim|paper|live   where orders go (default: paper with API keys, else sim)
    --lot USD               dollars per scalp entry (default 2000)
    --hft SYMBOL            also run the order-book-imbalance tick-taker on SYMBOL
    --hft-qty N             most shares the tick-taker may hold, >= 100 (default 500)
    --hft-ratio X           size imbalance that triggers the tick-taker (default 1.8)
    --hft-size N            shares per tick-taker order (default 100)
    --exit-after DURATION   market-exit a scalp position held this long (e.g. 2m)
    --sma N                 scalper SMA window in bars (default 20)
    --take-profit USD       take-profit above the average cost (default 0.01)
    --stale-buy DURATION    cancel a scalp buy still open after this (default 120s)
    --eod HH:MM             New York time of the end-of-day exit (default 15:55)
    --signal MODULE         JS/TS module exporting a custom scalp buy signal
    --journal PATH          JSONL journal of every event (default scalp-tui-journal.jsonl)
    --log-file PATH         console log lines (default scalp-tui.log)
    --feed iex|sip          Alpaca market-data feed (default iex)
    --yes-live              confirm --mode live without a terminal prompt

  Risk guards (shown in the header; every trip is journaled)
    --max-daily-loss USD    stop new entries when the session loses this (default 2% of cash)
    --flatten-on-loss       also sell everything when the loss limit trips
    --max-orders-per-minute N   refuse strategy orders beyond this rate (default 200)
    --max-position-usd USD  largest position per symbol (default off)

  Simulation
    --data PATH             file or folder of market data (default: bundled 2019 sample)
    --speed X               sim clock speed, 60 = one market minute per second (default 60)
    --cash USD              starting cash of the simulated account (default 100000)

  Backtest
    --strategy scalp|hft|rebalance   (default scalp)
    --json                  print the report as JSON on stdout
    --days N, --position-size USD, --max-positions N, --bench SYMBOL   (rebalance)

  Rebalance
    --dry-run               print ranked candidates and orders without sending them
    --universe FILE         symbols to rank (default: bundled S&P 500 list)

  Sweep (grids: comma lists and FROM..TO:STEP ranges of --sma, --take-profit, --stale-buy, --eod, --lot)
    --walk-forward IN:OUT   walk-forward by trading days: choose in-sample, report out-of-sample
    --workers N             worker threads (default: one per core)
    --top N                 rows of the ranked table (default 20)
    --from DATE, --to DATE  only these trading days (YYYY-MM-DD)

  Emulate
    --port N                port on 127.0.0.1 (0 picks a free one; default 0)

  Keys come from APCA_API_KEY_ID / APCA_API_SECRET_KEY (environment or ./.env);
  APCA_API_BASE_URL and APCA_API_DATA_URL point everything at another server.

  Examples
    $ scalp-tui TSLA AAPL
    $ scalp-tui TSLA AAPL --hft AAPL --speed 120
    $ scalp-tui backtest --data data/minute --json
`;

const flagSpec = {
	mode: {type: 'string'},
	lot: {type: 'string'},
	hft: {type: 'string'},
	hftQty: {type: 'string'},
	exitAfter: {type: 'string'},
	signal: {type: 'string'},
	journal: {type: 'string'},
	logFile: {type: 'string'},
	feed: {type: 'string'},
	yesLive: {type: 'boolean'},
	data: {type: 'string', isMultiple: true},
	speed: {type: 'string'},
	cash: {type: 'string'},
	strategy: {type: 'string'},
	json: {type: 'boolean'},
	days: {type: 'string'},
	positionSize: {type: 'string'},
	maxPositions: {type: 'string'},
	bench: {type: 'string'},
	dryRun: {type: 'boolean'},
	universe: {type: 'string'},
	port: {type: 'string'},
	maxDailyLoss: {type: 'string'},
	maxOrdersPerMinute: {type: 'string'},
	maxPositionUsd: {type: 'string'},
	flattenOnLoss: {type: 'boolean'},
	sma: {type: 'string'},
	takeProfit: {type: 'string'},
	staleBuy: {type: 'string'},
	eod: {type: 'string'},
	hftRatio: {type: 'string'},
	hftSize: {type: 'string'},
	walkForward: {type: 'string'},
	workers: {type: 'string'},
	top: {type: 'string'},
	from: {type: 'string'},
	to: {type: 'string'},
} as const;

export type CliFlags = {
	[K in keyof typeof flagSpec]?: (typeof flagSpec)[K] extends {isMultiple: true} ? string[] : (typeof flagSpec)[K]['type'] extends 'boolean' ? boolean : string;
};

const kebab = (name: string) => name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
const known = new Set<string>(['help', 'version', ...Object.keys(flagSpec), ...Object.keys(flagSpec).map(kebab)]);

async function main(): Promise<number> {
	const cli = meow(help, {
		importMeta: import.meta,
		flags: flagSpec as never,
		allowUnknownFlags: true,
		autoHelp: true,
		autoVersion: true,
		booleanDefault: undefined,
	});
	const unknown = Object.keys(cli.unnormalizedFlags).filter(name => !known.has(name));
	if (unknown.length > 0) {
		const name = unknown[0]!;
		throw new UsageError(`unknown flag ${name.length === 1 ? '-' : '--'}${name} (see scalp-tui --help)`);
	}
	const flags = cli.flags as CliFlags;
	// meow gives an empty list for a multiple flag that was not passed: make that "not given".
	if (flags.data && flags.data.length === 0) delete (flags as {data?: string[]}).data;
	const [first, ...rest] = cli.input;
	const io = {stdout: process.stdout, stderr: process.stderr};
	switch (first) {
		case 'backtest': {
			const {runBacktestCommand} = await import('./commands/backtest.js');
			return runBacktestCommand(rest, flags, io);
		}
		case 'rebalance': {
			const {runRebalanceFromCli} = await import('./commands/rebalance-cli.js');
			return runRebalanceFromCli(rest, flags, io);
		}
		case 'sweep': {
			const {runSweepCommand} = await import('./commands/sweep.js');
			return runSweepCommand(rest, flags, io);
		}
		case 'emulate': {
			const {runEmulateFromCli} = await import('./commands/emulate-cli.js');
			return runEmulateFromCli(rest, flags, io);
		}
		default: {
			const {runConsoleCommand} = await import('./commands/console.js');
			return runConsoleCommand(cli.input, flags, io);
		}
	}
}

main().then(
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
