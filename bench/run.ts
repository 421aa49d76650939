/**
 * `npm run bench`: every benchmark, figures printed (nothing asserted). Each one is a module
 * exporting an async function that returns printable lines, runnable alone too.
 * Figures depend on the machine and its load: run on an idle machine and compare runs.
 */
const suites: Array<[string, () => Promise<string[]>]> = [
	['bar backtest (scalper)', async () => (await import('./bars.js')).benchBars()],
	['tick replay (tick-taker)', async () => (await import('./ticks.js')).benchTicks()],
	['rebalance backtest', async () => (await import('./rebalance.js')).benchRebalance()],
	['console render load', async () => (await import('./render-load.js')).benchRender()],
	['soak: a full session, 20 symbols + tick-taker, faults every 3 s (about a minute)', async () => (await import('./soak.js')).benchSoak()],
];

const only = process.argv.slice(2);
for (const [name, run] of suites) {
	if (only.length > 0 && !only.some(o => name.includes(o))) continue;
	console.log(`\n## ${name}`);
	const started = Date.now();
	try {
		for (const line of await run()) console.log(line);
	} catch (error) {
		console.log(`failed: ${(error as Error).message}`);
		process.exitCode = 1;
	}
	console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
