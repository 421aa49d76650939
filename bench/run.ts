/**
 * `npm run bench`: every benchmark, figures printed (nothing asserted). Each one is a module
 * exporting an async function that returns printable lines, runnable alone too.
 * Figures depend on the machine and its load: run on an idle machine and compare runs.
 */
const suites: Array<[string, () => Promise<string[]>]> = [
	['bar backtest (scalper)', async () => (await import('./bars.js')).benchBars()],
	['bar cache: load and backtest 1,170,000 minute bars from the cache vs CSV', async () => (await import('./cache.js')).benchCache()],
	['tick replay (tick-taker)', async () => (await import('./ticks.js')).benchTicks()],
	['rebalance backtest', async () => (await import('./rebalance.js')).benchRebalance()],
	['parameter sweep on worker threads', async () => (await import('./sweep.js')).benchSweep()],
	['console render load', async () => (await import('./render-load.js')).benchRender()],
	// In its own process: its RSS must not include what the other benchmarks left behind.
	['soak: a full session, 20 symbols + tick-taker, faults every 3 s (about a minute)', async () => ownProcess('bench/soak.ts')],
];

async function ownProcess(script: string): Promise<string[]> {
	const {spawnSync} = await import('node:child_process');
	const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {encoding: 'utf8'});
	if (result.status !== 0) throw new Error(`${script} exited ${result.status}: ${result.stderr.trim().split('\n').pop()}`);
	return result.stdout.trimEnd().split('\n');
}

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
