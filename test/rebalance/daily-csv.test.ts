import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DataError} from '../../source/core/errors.js';
import {parseDailyCsv, parseDecimalMicros, readDailyData, symbolFromFileName} from '../../source/adapters/replay/daily-csv.js';
import {barIndexOnDay, barsBeforeDay} from '../../source/core/daily-bars.js';
import {SAMPLE} from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rb-daily-'));

test('reads the all_stocks_5yr layout: symbols from Name, exact prices, rows with an empty field skipped', () => {
	const text = [
		'date,open,high,low,close,volume,Name',
		'2013-02-08,15.07,15.12,14.63,14.75,8407500,AAL',
		'2013-02-11,14.89,15.01,14.26,14.46,8882000,AAL',
		'2017-07-26,,,,69.0842,3,BHF',
		'2013-02-08,67.7142,68.4014,66.8928,67.8542,158168416,aapl',
		'',
	].join('\r\n');
	const data = parseDailyCsv(text, 'all.csv');
	assert.deepEqual(data.symbols, ['AAL', 'AAPL']);
	assert.deepEqual(data.dates, ['2013-02-08', '2013-02-11']);
	assert.equal(data.skippedRows, 1);
	const aapl = data.series.get('AAPL')!;
	assert.equal(aapl.close[0], 67_854_200);
	assert.equal(aapl.volume[0], 158168416);
	assert.equal(data.series.get('AAL')!.length, 2);
});

test('per-symbol files take the symbol from the file name up to the first _ or .', () => {
	assert.equal(symbolFromFileName('/x/TSLA.csv'), 'TSLA');
	assert.equal(symbolFromFileName('spy_daily.csv'), 'SPY');
	const dir = tmp();
	writeFileSync(
		join(dir, 'SPY.csv'),
		'date,open,high,low,close,volume\n2018-02-06,259.73,269.7,258.7,269.13,317612443\n2018-02-07,268.46,272.36,267.64,267.67,146912435\n',
	);
	writeFileSync(join(dir, 'msft_2018.csv'), 'date,open,high,low,close,volume\n2018-02-07,90,91,89,90.5,10\n');
	writeFileSync(join(dir, 'notes.txt'), 'not data');
	const data = readDailyData(dir);
	assert.deepEqual(data.symbols, ['MSFT', 'SPY']);
	assert.deepEqual(data.dates, ['2018-02-06', '2018-02-07']);
	const spy = data.series.get('SPY')!;
	assert.equal(barIndexOnDay(spy, 1), 1);
	assert.equal(barIndexOnDay(data.series.get('MSFT')!, 0), -1);
	assert.equal(barsBeforeDay(data.series.get('MSFT')!, 1), 0);
});

test('unsorted rows are sorted and a repeated (symbol, date) keeps the first', () => {
	const data = parseDailyCsv('date,open,high,low,close,volume,Name\n2018-01-03,3,3,3,3,1,X\n2018-01-02,2,2,2,2,1,X\n2018-01-03,9,9,9,9,1,X\n', 'x.csv');
	const x = data.series.get('X')!;
	assert.deepEqual(
		[...x.close].map(c => c / 1e6),
		[2, 3],
	);
	assert.equal(data.duplicateRows, 1);
});

test('a malformed number is an error naming the file and line, in one line', () => {
	const bad = 'date,open,high,low,close,volume,Name\n2018-01-02,1,1,1,1,1,X\n2018-01-03,1,1,1,1.2.3,1,X\n';
	assert.throws(
		() => parseDailyCsv(bad, 'prices.csv'),
		(error: unknown) => {
			assert.ok(error instanceof DataError);
			assert.equal(error.message, 'prices.csv:3: malformed close "1.2.3"');
			return true;
		},
	);
	assert.throws(() => parseDailyCsv('date,open,high,low,close,volume\n2018-13-01,1,1,1,1,1\n', 'X.csv'), /X\.csv:2: malformed date "2018-13-01"/);
	// Well formed but no such day: refused (never rolled over to the next month); leap days kept.
	assert.throws(() => parseDailyCsv('date,open,high,low,close,volume\n2019-02-29,1,1,1,1,1\n', 'X.csv'), /X\.csv:2: no such date "2019-02-29"/);
	assert.throws(() => parseDailyCsv('date,open,high,low,close,volume\n2018-04-31,1,1,1,1,1\n', 'X.csv'), /X\.csv:2: no such date "2018-04-31"/);
	assert.deepEqual(parseDailyCsv('date,open,high,low,close,volume\n2016-02-29,1,1,1,1,1\n2000-02-29,1,1,1,1,1\n', 'X.csv').dates, ['2000-02-29', '2016-02-29']);
	assert.throws(() => parseDailyCsv('date,open,high,low,close,volume\n2018-01-02,1,1,1,0,1\n', 'X.csv'), /X\.csv:2: close must be positive/);
	assert.throws(() => parseDailyCsv('date,open,high,low,close,volume\n2018-01-02,1,1,1,1\n', 'X.csv'), /X\.csv:2: expected 6 fields, found 5/);
	assert.throws(() => parseDailyCsv('timestamp,open,high,low,close,volume\n', 'X.csv'), /X\.csv:1: not a daily bar CSV/);
	assert.throws(() => readDailyData('/no/such/place'), /data path does not exist: \/no\/such\/place/);
	const empty = tmp();
	assert.throws(() => readDailyData(empty), /no CSV files in data folder/);
});

test('decimal parsing is exact and refuses what it cannot represent', () => {
	const p = (s: string) => parseDecimalMicros(s, 0, s.length);
	assert.equal(p('316.475'), 316_475_000);
	assert.equal(p('12'), 12_000_000);
	assert.equal(p('0.1234560'), 123_456);
	assert.ok(Number.isNaN(p('0.1234567')));
	assert.ok(Number.isNaN(p('1e3')));
	assert.ok(Number.isNaN(p('.')));
	assert.ok(Number.isNaN(p('')));
});

test('the bundled sample loads: 105 symbols, 200 trading days, the BHF row with empty fields skipped', () => {
	const data = readDailyData(SAMPLE);
	assert.equal(data.symbols.length, 105);
	assert.equal(data.dates.length, 200);
	assert.equal(data.dates[0], '2017-04-25');
	assert.equal(data.dates.at(-1), '2018-02-07');
	assert.equal(data.skippedRows, 1);
	assert.ok(!data.series.has('SPY'));
});
