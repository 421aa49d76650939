/** Maps CLI flags onto the rebalancer's commands (`rebalance`, `backtest --strategy rebalance`). */
import type {CliFlags} from '../cli/flags.js';
import {keysPresent, loadDotEnv, modeFlag, UsageError} from '../config.js';
import {DEFAULT_JOURNAL, rejectFlags, type Io, HFT_FLAGS, SCALP_FLAGS} from './shared.js';

function noSymbols(args: readonly string[], where: string): void {
	if (args.length > 0) throw new UsageError(`${where} takes no symbols (got ${args.join(' ')}); use --universe FILE`);
}

function colorOn(io: Io): boolean {
	return Boolean(io.stdout.isTTY) && !process.env.NO_COLOR;
}

export async function runRebalanceBacktestFromCli(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	noSymbols(args, 'backtest --strategy rebalance');
	rejectFlags(flags, [...HFT_FLAGS, ...SCALP_FLAGS], 'backtest --strategy rebalance');
	const {runRebalanceBacktestCommand} = await import('./rebalance-backtest.js');
	return runRebalanceBacktestCommand(
		{
			...(flags.data ? {data: flags.data} : {}),
			...(flags.days !== undefined ? {days: flags.days} : {}),
			...(flags.cash !== undefined ? {cash: flags.cash} : {}),
			...(flags.positionSize !== undefined ? {positionSize: flags.positionSize} : {}),
			...(flags.maxPositions !== undefined ? {maxPositions: flags.maxPositions} : {}),
			...(flags.bench !== undefined ? {bench: flags.bench} : {}),
			...(flags.universe !== undefined ? {universe: flags.universe} : {}),
			json: flags.json === true,
			// A backtest journals only when asked: never into the console's journal by default.
			...(flags.journal !== undefined ? {journal: flags.journal} : {}),
			color: colorOn(io),
			...((io.stdout as {columns?: number}).columns ? {width: (io.stdout as {columns?: number}).columns} : {}),
		},
		io,
	);
}

export async function runRebalanceFromCli(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	noSymbols(args, 'rebalance');
	loadDotEnv();
	const mode = modeFlag(flags.mode, keysPresent());
	if (mode !== 'sim' && flags.data) throw new UsageError(`--data applies to sim mode only (mode is ${mode})`);
	const deps: import('./rebalance.js').RebalanceCommandDeps = {};
	const abort = new AbortController();
	const onSignal = () => abort.abort();
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	deps.signal = abort.signal;
	try {
		if (mode !== 'sim' && flags.dryRun !== true) {
			if (mode === 'live') {
				const {confirmLive} = await import('../session/live-confirm.js');
				await confirmLive({yesLive: flags.yesLive === true, target: 'Alpaca live'});
			}
		}
		if (mode !== 'sim') {
			const {createAlpacaRebalanceVenue} = await import('../session/rebalance-alpaca.js');
			deps.venue = await createAlpacaRebalanceVenue(mode);
		}
		const {runRebalanceCommand} = await import('./rebalance.js');
		return await runRebalanceCommand(
			{
				mode,
				dryRun: flags.dryRun === true,
				...(flags.universe !== undefined ? {universe: flags.universe} : {}),
				...(flags.positionSize !== undefined ? {positionSize: flags.positionSize} : {}),
				...(flags.maxPositions !== undefined ? {maxPositions: flags.maxPositions} : {}),
				...(flags.bench !== undefined ? {bench: flags.bench} : {}),
				...(flags.data ? {data: flags.data} : {}),
				...(flags.cash !== undefined ? {cash: flags.cash} : {}),
				journal: flags.journal ?? DEFAULT_JOURNAL,
				view: Boolean(io.stdout.isTTY),
			},
			io,
			deps,
		);
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		// The command leaves a venue it was handed open: close its sockets so the process ends.
		await deps.venue?.close?.();
	}
}
