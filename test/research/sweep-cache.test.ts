/**
 * The sweep reads the bar cache the way backtest does (--from/--to, --date): the same ranked
 * table as the sweep of the same bars from CSV, a grid point equal to the plain cached backtest,
 * jobs that name the cache by reference, and the missing-data line naming `data fetch`.
 */
import assert from 'node:assert/strict';
import {rmSync} from 'node:fs';
import {after, test} from 'node:test';
import {loadMinuteData} from '../../source/adapters/replay/minute-csv.js';
import {bundledMinuteData} from '../../source/paths.js';
import {runCli, runCliInProcess} from '../_helpers/cli.js';
import {fillCache, tempDir} from '../cache/archive-helpers.js';

const dirs: string[] = [];
after(() => {
	for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

function bundledCache(): string {
	const cache = tempDir();
	dirs.push(cache);
	for (const bars of loadMinuteData([bundledMinuteData()]).bars.values()) fillCache(cache, bars, '2019-02-11', '2019-02-15');
	return cache;
}

type Ranked = {params: Record<string, string>; pnl: number; realized_pnl: number; round_trips: number; max_drawdown: number}[];

test('sweep from the cache: the same table as from the same CSV, and a point equals the cached backtest', {timeout: 180_000}, () => {
	const cache = bundledCache();
	const grid = ['TSLA', 'AAPL', '--sma', '15,30', '--take-profit', '0.01,0.03', '--json', '--workers', '2'];
	const fromCache = runCli(['sweep', ...grid, '--from', '2019-02-12', '--to', '2019-02-14', '--cache-dir', cache]);
	assert.equal(fromCache.status, 0, fromCache.stderr);
	const fromCsv = runCli(['sweep', ...grid, '--data', bundledMinuteData(), '--from', '2019-02-12', '--to', '2019-02-14']);
	assert.equal(fromCsv.status, 0, fromCsv.stderr);
	const a = JSON.parse(fromCache.stdout);
	const b = JSON.parse(fromCsv.stdout);
	assert.equal(a.data_source.source, 'cache');
	assert.equal(a.data_source.location, cache);
	assert.equal(b.data_source.source, 'csv');
	assert.deepEqual(a.days, {from: '2019-02-12', to: '2019-02-14', count: 3});
	assert.deepEqual(b.days, a.days);
	assert.deepEqual(a.ranked, b.ranked);
	assert.ok((a.ranked as Ranked).some(r => r.round_trips > 0));

	const point = (a.ranked as Ranked).find(r => r.params.sma === '30' && r.params.take_profit === '0.03')!;
	const plain = runCli([
		'backtest',
		'TSLA',
		'AAPL',
		'--sma',
		'30',
		'--take-profit',
		'0.03',
		'--from',
		'2019-02-12',
		'--to',
		'2019-02-14',
		'--cache-dir',
		cache,
		'--json',
	]);
	assert.equal(plain.status, 0, plain.stderr);
	const total = JSON.parse(plain.stdout).total;
	assert.equal(point.realized_pnl, total.realized_pnl);
	assert.equal(point.round_trips, total.round_trips);
	assert.equal(point.max_drawdown, total.max_drawdown);

	// Text: the header names the data like backtest's report does.
	const text = runCli(['sweep', 'AAPL', '--sma', '20,30', '--date', '2019-02-13', '--cache-dir', cache, '--workers', '1']);
	assert.equal(text.status, 0, text.stderr);
	assert.match(text.stdout, new RegExp(`data cache ${cache}: 1Min iex raw, 2019-02-13, 390 bars in 1 session`));
});

test('sweep from the cache: missing dates name the data fetch command; bad ranges are one line, exit 2', {timeout: 120_000}, async () => {
	const cache = bundledCache();
	const cases: [string[], RegExp][] = [
		[
			['NVDA', '--from', '2024-03-04', '--to', '2024-03-05', '--cache-dir', cache],
			new RegExp(
				`^scalp-tui: no cached 1Min iex raw bars for NVDA on 2024-03-04..2024-03-05: run \`scalp-tui data fetch NVDA --from 2024-03-04 --to 2024-03-05 --cache-dir ${cache}\`\\n$`,
			),
		],
		[['--from', '2019-02-14', '--to', '2019-02-12'], /^scalp-tui: --from 2019-02-14 is after --to 2019-02-12\n$/],
		[['--to', '2019-02-12'], /^scalp-tui: --to needs --from \(or use --date for one day\)\n$/],
		[['--date', '2019-02-12', '--data', bundledMinuteData(), '--from', '2019-02-11'], /^scalp-tui: --date is one day: use it without --from\/--to\n$/],
		[['--feed', 'sip'], /^scalp-tui: --feed picks cached data: give --from\/--to or --date too\n$/],
	];
	// In this process (the CLI's own exit route): the real binary's exit status 2 is test/faults/bad-inputs'.
	for (const [args, pattern] of cases) {
		const r = await runCliInProcess(['sweep', '--sma', '20,30', ...args]);
		assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stderr, pattern, args.join(' '));
		assert.equal(r.stdout, '');
	}
});
