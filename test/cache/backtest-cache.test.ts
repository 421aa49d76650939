/**
 * The cache through the real binary: a backtest from the cache equals the backtest from the
 * same CSV order for order; bad input is one line and exit status 2; a kill mid-fetch is
 * resumed by the next run, which asks only for what is missing.
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createServer, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {loadMinuteData} from '../../source/adapters/replay/minute-csv.js';
import {loadBars} from '../../source/adapters/cache/load.js';
import {seriesDir} from '../../source/adapters/cache/key.js';
import {runDataCommand} from '../../source/commands/data.js';
import {nyTime} from '../../source/core/time.js';
import {startEmulator} from '../../source/emulate/server.js';
import {bundledMinuteData} from '../../source/paths.js';
import {cliCommand, runCli, runCliInProcess, scratchDir} from '../_helpers/cli.js';
import {fillCache, minuteBars, tempDir} from './archive-helpers.js';
import {micros} from '../../source/core/money.js';

const dirs: string[] = [];
after(() => {
	for (const d of dirs) rmSync(d, {recursive: true, force: true});
});
const temp = (): string => {
	const d = tempDir();
	dirs.push(d);
	return d;
};

function bundledCache(): string {
	const cache = temp();
	for (const bars of loadMinuteData([bundledMinuteData()]).bars.values()) fillCache(cache, bars, '2019-02-11', '2019-02-15');
	return cache;
}

const expectOneLine = (r: {status: number | null; stderr: string}, pattern: RegExp): void => {
	assert.equal(r.status, 2, r.stderr);
	assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	assert.match(r.stderr, pattern);
};

test('backtest from the cache equals backtest from the same CSV, order for order, and names its data', {timeout: 120_000}, () => {
	const cache = bundledCache();
	const cwd = scratchDir();
	dirs.push(cwd);
	const csv = runCli(['backtest', '--data', bundledMinuteData(), '--json', '--journal', 'csv.jsonl'], {cwd});
	const cached = runCli(['backtest', '--from', '2019-02-11', '--to', '2019-02-15', '--cache-dir', cache, '--json', '--journal', 'cache.jsonl'], {cwd});
	assert.equal(csv.status, 0, csv.stderr);
	assert.equal(cached.status, 0, cached.stderr);
	const a = JSON.parse(csv.stdout);
	const b = JSON.parse(cached.stdout);
	assert.deepEqual(b.symbols, a.symbols);
	assert.deepEqual(b.total, a.total);
	assert.ok(a.total.round_trips > 10);
	const orders = (file: string) =>
		readFileSync(join(cwd, file), 'utf8')
			.split('\n')
			.filter(l => l !== '' && !l.includes('"type":"session"'))
			// Each run journals its own run id; everything else must be equal line for line.
			.map(l => {
				const {run: _run, ...rest} = JSON.parse(l) as Record<string, unknown>;
				return JSON.stringify(rest);
			});
	assert.deepEqual(orders('cache.jsonl'), orders('csv.jsonl'));
	assert.equal(b.data_source.source, 'cache');
	assert.equal(b.data_source.feed, 'iex');
	assert.equal(b.data_source.adjustment, 'raw');
	assert.equal(b.data_source.from, '2019-02-11');
	assert.equal(b.data_source.to, '2019-02-15');
	assert.equal(b.data_source.bars, a.data_source.bars);
	assert.equal(typeof b.data_source.holes.missing_minutes, 'number');
	assert.equal(b.data_source.holes.missing_days, 0);
	assert.equal(a.data_source.source, 'csv');
	const text = runCli(['backtest', 'AAPL', '--date', '2019-02-12', '--cache-dir', cache, '--journal', 'x.jsonl'], {cwd});
	assert.equal(text.status, 0, text.stderr);
	assert.match(text.stdout, new RegExp(`data cache ${cache}: 1Min iex raw, 2019-02-12, 390 bars in 1 session; holes: no missing minutes, no missing days`));
});

test('bad input: one line, exit status 2, nothing written', {timeout: 120_000}, async () => {
	const cache = bundledCache();
	const cwd = scratchDir();
	// In this process (the CLI's own exit route): the real binary's exit status 2 is test/faults/bad-inputs'.
	dirs.push(cwd);
	expectOneLine(await runCliInProcess(['backtest', '--from', '2024-03-08', '--to', '2024-03-04'], {cwd}), /--from 2024-03-08 is after --to 2024-03-04/);
	expectOneLine(
		await runCliInProcess(['data', 'fetch', 'AAPL', '--from', '2024-03-04', '--to', '2024-03-05', '--timeframe', '5Min'], {cwd}),
		/--timeframe must be 1Min or 1Day, got "5Min"/,
	);
	expectOneLine(await runCliInProcess(['data', 'fetch', 'AAPL', '--from', '2024-02-30'], {cwd}), /--from must be a date like 2024-03-04, got "2024-02-30"/);
	expectOneLine(
		await runCliInProcess(['backtest', 'NVDA', '--date', '2024-03-04', '--cache-dir', cache], {cwd}),
		new RegExp(`no cached 1Min iex raw bars for NVDA on 2024-03-04: run \`scalp-tui data fetch NVDA --from 2024-03-04 --to 2024-03-04 --cache-dir ${cache}\``),
	);
	expectOneLine(
		await runCliInProcess(['backtest', '--date', '2024-03-04', '--data', bundledMinuteData()], {cwd}),
		/--data and --from\/--to\/--date are two sources of bars: pick one/,
	);
	expectOneLine(
		await runCliInProcess(['data', 'fetch', 'AAPL', '--date', '2024-03-04', '--cache-dir', cache], {cwd}),
		/^scalp-tui: Alpaca market data \(free paper-account keys will do\) needs API keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY/,
	);
	// A damaged file: one byte changed.
	const dir = seriesDir(cache, {symbol: 'TSLA', timeframe: '1Min', feed: 'iex', adjustment: 'raw'});
	const file = join(dir, readdirSync(dir).find(n => n.endsWith('.arrow'))!);
	const bytes = readFileSync(file);
	bytes[Math.floor(bytes.length / 2)] = bytes[Math.floor(bytes.length / 2)]! ^ 0x40;
	writeFileSync(file, bytes);
	expectOneLine(
		await runCliInProcess(['backtest', 'TSLA', '--date', '2019-02-12', '--cache-dir', cache, '--journal', 'j.jsonl'], {cwd}),
		/cache file .*TSLA.*\.arrow is damaged \(checksum mismatch\)/,
	);
	expectOneLine(await runCliInProcess(['data', 'list', '--cache-dir', cache], {cwd}), /is damaged \(checksum mismatch\)/);
	assert.ok(!existsSync(join(cwd, 'j.jsonl')), 'no journal written');
	assert.throws(() => loadBars({symbols: ['TSLA'], from: '2019-02-12', to: '2019-02-12', cacheDir: cache}), /checksum mismatch/);
});

test('a fetch killed mid-way resumes: the rerun asks only for the symbols still missing', {timeout: 120_000}, async () => {
	const history = temp();
	const archive = new Map<string, ReturnType<typeof minuteBars>>();
	for (const symbol of ['AAA', 'BBB', 'CCC']) {
		archive.set(symbol, minuteBars(symbol, '2024-03-01', '2024-03-28'));
		fillCache(history, archive.get(symbol)!, '2024-03-01', '2024-03-28');
	}
	const keys = {keyId: 'PKRESUME01', secret: 'resume-secret-x1'};
	const emu = await startEmulator({
		bars: new Map([
			['ZZZ', [{symbol: 'ZZZ', start: nyTime('2019-02-11', 9, 30), open: micros(1e6), high: micros(1e6), low: micros(1e6), close: micros(1e6), volume: 1}]],
		]),
		manualClock: true,
		keys,
		archiveDir: history,
		rateLimitPerMinute: 0,
	});
	const cache = temp();
	const env = {APCA_API_KEY_ID: keys.keyId, APCA_API_SECRET_KEY: keys.secret, APCA_API_DATA_URL: emu.dataUrl, APCA_API_BASE_URL: emu.baseUrl};
	// Between the child and the emulator: page 1 (AAA + part of BBB) passes, page 2 never gets an answer.
	let pages = 0;
	const held: ServerResponse[] = [];
	const proxy = createServer((req, res) => {
		if (req.url?.startsWith('/v2/stocks/bars') && ++pages > 1) {
			held.push(res);
			return;
		}
		fetch(`${emu.dataUrl}${req.url}`, {headers: req.headers as Record<string, string>}).then(
			async r => {
				res.writeHead(r.status, {'content-type': 'application/json'});
				res.end(Buffer.from(await r.arrayBuffer()));
			},
			() => res.destroy(),
		);
	});
	await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r));
	const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	try {
		const [node, ...argv] = cliCommand(['data', 'fetch', 'AAA', 'BBB', 'CCC', '--from', '2024-03-01', '--to', '2024-03-28', '--cache-dir', cache]);
		const child = spawn(node!, argv, {env: {...process.env, ...env, APCA_API_DATA_URL: proxyUrl}, stdio: 'ignore'});
		const aaa = join(seriesDir(cache, {symbol: 'AAA', timeframe: '1Min', feed: 'iex', adjustment: 'raw'}), 'manifest.json');
		const deadline = Date.now() + 60_000;
		while (!existsSync(aaa) && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
		assert.ok(existsSync(aaa), 'AAA was written before the kill');
		while (pages < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
		child.kill('SIGKILL');
		await new Promise(r => child.once('exit', r));
		const bars = loadBars({symbols: ['AAA'], from: '2024-03-01', to: '2024-03-28', cacheDir: cache}).summary.bars;
		assert.equal(bars, 7800);

		const urls: string[] = [];
		const out = {
			text: '',
			write(s: string) {
				this.text += s;
				return true;
			},
		};
		const code = await runDataCommand(
			['fetch', 'AAA', 'BBB', 'CCC'],
			{from: '2024-03-01', to: '2024-03-28', cacheDir: cache},
			{stdout: out, stderr: out},
			{env, fetch: (url, init) => (urls.push(url), fetch(url, init))},
		);
		assert.equal(code, 0, out.text);
		const first = new URL(urls.find(u => u.includes('/v2/stocks/bars'))!).searchParams;
		assert.equal(first.get('symbols'), 'BBB,CCC');
		assert.match(out.text, /already cached: AAA/);
		const loaded = loadBars({symbols: ['AAA', 'BBB', 'CCC'], from: '2024-03-01', to: '2024-03-28', cacheDir: cache});
		for (const symbol of ['AAA', 'BBB', 'CCC']) assert.deepEqual(loaded.bars.get(symbol), archive.get(symbol), symbol);
	} finally {
		for (const res of held) res.destroy();
		proxy.close();
		await emu.close();
	}
});
