/**
 * `scalp-tui rebalance`: the daily mean-reversion rebalancer (port of alpacahq/samplealgo01,
 * ranking by distance below the 10-day EMA) against a broker. Once per trading day after the open
 * (the broker's market clock decides): rank the universe, sell what is no longer wanted, wait
 * (bounded, with progress) for the sells to fill, then buy. This module checks the options and
 * wires the parts: the daily loop (rebalance-session.ts), the state file (rebalance-state.ts) and
 * the Ink view (rebalance-view.ts). A "done for <date>" marker is persisted in a small JSON state
 * file so a restart never trades twice in a day (the tutorial's own TODO).
 *
 * Wiring (source/cli.tsx): `runRebalanceCommand(options, {stdout, stderr}, deps)` resolves to the
 * exit status: 0 ok, 1 a failure while running (one line on stderr); bad input throws a UserError
 * before anything is sent or journaled (the CLI prints its line and exits 2). For paper/live the
 * composition root passes the Alpaca implementation of RebalanceVenue as `deps.venue`; `--mode
 * live` confirmation (prompt or --yes-live) is the CLI's job before calling this.
 *
 * Options (every field optional; numbers may come as strings, as meow gives them):
 *
 *   mode          'sim' | 'paper' | 'live'  --mode (default 'sim'; the CLI picks 'paper' when keys
 *                                    are set).
 *   dryRun        boolean            --dry-run: print the ranked candidates and the orders, send
 *                                    nothing, write no marker; does not wait for the open.
 *   universe      string             --universe FILE (default: the bundled data/universe/sp500.csv;
 *                                    in sim: every symbol of the data).
 *   positionSize  number | string    --position-size USD per new position (default 100).
 *   maxPositions  number | string    --max-positions (default 5).
 *   bench         string | null      benchmark symbol, never ranked (default SPY; none: null).
 *   state         string             --state PATH of the done-for-date marker file
 *                                    (default `.scalp-tui-rebalance.json` in the working dir).
 *   journal       string | null      --journal PATH; null/undefined = none.
 *   data          string | string[]  sim: daily bars (default: the bundled sample data/daily/).
 *   cash          number | string    sim: starting cash (default 500).
 *   date          string             sim: the trading day to trade (default: the data's last).
 *   lookbackDays  number             daily bars asked per symbol (default 200: the EMA weight of
 *                                    older closes is below 1e-17; sim: the whole history, so a
 *                                    sim day equals that day of the backtest).
 *   fillTimeout   number | string    seconds to wait for the sells to fill before buying (default
 *                                    30, as the original); the same bound applies to watching
 *                                    the buys.
 *   pollSeconds   number             longest sleep between market clock reads while waiting for
 *                                    the open (default 60).
 *   once          boolean            stop after today's rebalance (default: true in sim and for
 *                                    --dry-run; false for paper/live, which run day after day as
 *                                    the original did).
 *   view          boolean            render the Ink console view (needs a terminal stdout);
 *                                    otherwise progress is printed as text lines.

 */
import {resolve} from 'node:path';
import type {Mode} from '../core/types.js';
import {UsageError, oneLine} from '../core/errors.js';
import {readDailyData} from '../adapters/replay/daily-csv.js';
import {readUniverseFile} from '../adapters/replay/universe-file.js';
import {createSimDailyVenue} from '../backtest/rebalance/sim-venue.js';
import type {Journal} from '../journal/records.js';
import {nullJournal} from '../journal/records.js';
import {openJournal} from '../journal/open.js';
import type {RebalanceVenue} from '../strategies/rebalance/venue.js';
import {positiveDollars, wholeNumber} from '../config.js';
import {bundledDailyData, bundledUniverse} from '../paths.js';
import {benchOption} from './rebalance-backtest.js';
import type {TextIo} from './shared.js';
import {DEFAULTS} from '../cli/defaults.js';
import {type RebalanceStateFile, readRebalanceState} from './rebalance-state.js';
import {type RebalanceCommandDeps, RebalanceSession} from './rebalance-session.js';

export type {RebalanceCommandDeps} from './rebalance-session.js';
import {startInkView, type ViewHandle} from './rebalance-view.js';

export {isDoneFor, readRebalanceState, writeRebalanceState} from './rebalance-state.js';
export type {DayMarker, RebalanceStateFile} from './rebalance-state.js';

export interface RebalanceCommandOptions {
	mode?: Mode;
	dryRun?: boolean;
	universe?: string;
	positionSize?: number | string;
	maxPositions?: number | string;
	bench?: string | null;
	state?: string;
	journal?: string | null;
	data?: string | readonly string[];
	cash?: number | string;
	date?: string;
	lookbackDays?: number;
	fillTimeout?: number | string;
	pollSeconds?: number;
	once?: boolean;
	view?: boolean;
}

export const DEFAULT_STATE_FILE = DEFAULTS.rebalance.stateFile;

const REBALANCE_DEFAULTS = DEFAULTS.rebalance;

/** Run `scalp-tui rebalance`; resolves to 0 ok or 1 a failure while running; bad input throws a UserError. */
export async function runRebalanceCommand(options: RebalanceCommandOptions, io: TextIo, deps: RebalanceCommandDeps = {}): Promise<number> {
	let journal: Journal = nullJournal;
	let venue: RebalanceVenue | null = null;
	let view: ViewHandle | null = null;
	let stage: 'input' | 'run' = 'input';
	try {
		const mode = options.mode ?? 'sim';
		if (mode !== 'sim' && mode !== 'paper' && mode !== 'live') throw new UsageError(`--mode must be sim, paper or live, got "${String(mode)}"`);
		const dryRun = options.dryRun === true;
		const positionSize = positiveDollars('position-size', options.positionSize ?? REBALANCE_DEFAULTS.positionSizeUsd);
		const maxPositions = wholeNumber('max-positions', options.maxPositions ?? REBALANCE_DEFAULTS.maxPositions, 1);
		const bench = benchOption(options.bench, REBALANCE_DEFAULTS.bench);
		const fillTimeoutSeconds = options.fillTimeout === undefined ? REBALANCE_DEFAULTS.fillTimeoutSeconds : Number(options.fillTimeout);
		if (!Number.isFinite(fillTimeoutSeconds) || fillTimeoutSeconds < 0)
			throw new UsageError(`--fill-timeout must be a number of seconds >= 0, got "${String(options.fillTimeout)}"`);
		const pollSeconds = options.pollSeconds ?? REBALANCE_DEFAULTS.pollSeconds;
		if (!Number.isFinite(pollSeconds) || pollSeconds < 1) throw new UsageError(`poll interval must be >= 1 second, got "${String(pollSeconds)}"`);
		const statePath = resolve(deps.cwd ?? process.cwd(), options.state ?? DEFAULT_STATE_FILE);
		let universe: string[] | null = options.universe ? readUniverseFile(options.universe) : null;
		let lookbackDays = options.lookbackDays ?? REBALANCE_DEFAULTS.lookbackDays;

		if (deps.venue) {
			venue = deps.venue;
		} else if (mode === 'sim') {
			const data = readDailyData(options.data === undefined ? bundledDailyData() : options.data);
			const date = options.date ?? data.dates.at(-1)!;
			if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date must be YYYY-MM-DD, got "${date}"`);
			if (!data.dates.includes(date)) throw new UsageError(`--date ${date} is not a trading day of the data (${data.dates[0]} .. ${data.dates.at(-1)})`);
			const cash = positiveDollars('cash', options.cash ?? REBALANCE_DEFAULTS.cashUsd);
			venue = createSimDailyVenue({data, date, cash});
			universe ??= data.symbols.filter(s => s !== bench);
			if (options.lookbackDays === undefined) lookbackDays = Number.POSITIVE_INFINITY;
		} else {
			throw new UsageError(`--mode ${mode} needs the Alpaca rebalance venue, which this build does not provide`);
		}
		universe ??= readUniverseFile(bundledUniverse());
		if (bench) universe = universe.filter(s => s !== bench);
		if (!(lookbackDays > 10)) throw new UsageError(`lookback must be more than 10 days, got ${String(lookbackDays)}`);
		// A SIM venue made here from the data starts from --cash with no positions every run, so a
		// done-marker would only block the next rehearsal of the same (last) day of the data forever
		// (an explicit state path still asks for one).
		const markerPath = mode === 'sim' && !deps.venue && options.state === undefined ? null : statePath;
		const state: RebalanceStateFile = markerPath === null ? {version: 1, modes: {}} : readRebalanceState(markerPath);
		if (options.journal) journal = openJournal(options.journal, 'sync');
		stage = 'run';
		const session = new RebalanceSession(
			venue,
			{
				mode,
				dryRun,
				once: options.once ?? (dryRun || mode === 'sim'),
				universe,
				bench,
				positionSize,
				maxPositions,
				statePath: markerPath,
				lookbackDays,
				fillTimeoutMs: Math.round(fillTimeoutSeconds * 1000),
				pollMs: Math.round(pollSeconds * 1000),
			},
			io,
			journal,
			deps,
			state,
		);
		if (options.view) {
			view = await startInkView(io);
			if (view) session.attachView(view);
		}
		const status = await session.run();
		return status;
	} catch (error) {
		// Bad input goes to the CLI (one line, exit 2); a failure while trading is reported here.
		if (stage === 'input') throw error;
		io.stderr.write(`scalp-tui rebalance: ${oneLine(error)}\n`);
		return 1;
	} finally {
		view?.stop();
		if (venue && !deps.venue) await venue.close?.().catch(() => undefined);
		journal.close();
	}
}
