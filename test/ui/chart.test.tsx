import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {Chart, cleanSeries, downsample, renderChartLines, renderSparkline, sameChartProps} from '../../source/ui/components/chart.js';
import {closesSeries, sma20} from '../_helpers/snapshots.js';

const ESC = '\u001B';

test('cleanSeries drops leading bad values, carries the last good close, fills warm-up SMA with the close', () => {
	const result = cleanSeries([Number.NaN, 10, Number.NaN, 12, Number.POSITIVE_INFINITY], [Number.NaN, Number.NaN, 11, Number.NaN, 11.5]);
	assert.deepEqual(result, {closes: [10, 10, 12, 12], sma: [10, 11, 12, 11.5]});
	assert.equal(cleanSeries([], []), null);
	assert.equal(cleanSeries([Number.NaN, Number.NaN], []), null);
	assert.equal(cleanSeries([5], [5]), null, 'one close is not a line');
});

test('cleanSeries aligns a shorter or longer SMA by the end', () => {
	assert.deepEqual(cleanSeries([1, 2, 3], [2.5])?.sma, [1, 2, 2.5]);
	assert.deepEqual(cleanSeries([1, 2], [9, 9, 1.5, 2.5])?.sma, [1.5, 2.5]);
});

test('downsample keeps the last value of each bucket, or the whole series when it fits', () => {
	assert.deepEqual(downsample([1, 2, 3, 4, 5, 6], 3), [2, 4, 6]);
	assert.deepEqual(downsample([1, 2], 5), [1, 2]);
	assert.deepEqual(downsample([1, 2], 0), []);
});

test('a chart is exactly `lines` lines of `width` columns, for any data', () => {
	const closes = closesSeries(390);
	const cases: Array<[number[], number[]]> = [
		[closes, sma20(closes)],
		[[], []],
		[[Number.NaN], [Number.NaN]],
		[
			[187, 187, 187],
			[Number.NaN, Number.NaN, 187],
		],
		[[1, 2], []],
		[Array.from({length: 30}, () => Number.NaN), []],
		[
			[0.1234, 0.1301, 0.1188],
			[Number.NaN, Number.NaN, Number.NaN],
		],
	];
	for (const [c, s] of cases) {
		for (const [width, lines] of [
			[40, 6],
			[12, 4],
			[80, 10],
			[30, 1],
			[3, 3],
		] as const) {
			const out = renderChartLines(c, s, width, lines, false);
			assert.equal(out.length, lines, `${c.length} closes at ${width}x${lines}`);
			for (const line of out) assert.ok(line.length <= width, `line "${line}" wider than ${width}`);
		}
	}
});

test('the chart shows axis labels from the data and asciichart line characters', () => {
	const out = renderChartLines([100, 101, 102, 101, 103], [100, 100.5, 101, 101.2, 101.8], 30, 5, false);
	assert.match(out[0] ?? '', /^103\.00┤/);
	assert.match(out.at(-1) ?? '', /^100\.00┼/);
	assert.ok(out.join('').includes('╯') || out.join('').includes('╭'));
});

test('colours only when asked (NO_COLOR)', () => {
	const closes = closesSeries(40);
	assert.ok(!renderChartLines(closes, sma20(closes), 40, 6, false).join('').includes(ESC));
	assert.ok(renderChartLines(closes, sma20(closes), 40, 6, true).join('').includes(`${ESC}[36m`));
});

test('sparkline: one line of block characters, flat and empty input safe', () => {
	assert.equal(renderSparkline([1, 2, 3, 4, 5, 6, 7, 8], 8), '▁▂▃▄▅▆▇█');
	assert.equal(renderSparkline([5, 5, 5], 5), '▄▄▄  ');
	assert.equal(renderSparkline([], 4), '    ');
	assert.equal(renderSparkline([Number.NaN, 1, 2], 2), '▁█');
});

test('Chart renders through Ink and skips re-rendering equal series', () => {
	const closes = closesSeries(60);
	const {lastFrame} = render(<Chart closes={closes} sma={sma20(closes)} width={40} lines={6} colors={false} />);
	const frame = lastFrame() ?? '';
	assert.equal(frame.split('\n').length, 6);
	assert.ok(frame.includes('┤'));
	const base = {closes, sma: sma20(closes), width: 40, lines: 6, colors: false};
	assert.ok(sameChartProps(base, {...base, closes: [...closes]}), 'a rebuilt array with the same numbers is equal');
	assert.ok(!sameChartProps(base, {...base, closes: [...closes.slice(0, -1), 1]}));
	assert.ok(sameChartProps({...base, sma: [Number.NaN]}, {...base, sma: [Number.NaN]}), 'NaN equals NaN here');
});

test('price and SMA are told apart without colour: the SMA is a dotted line', () => {
	// Price runs well above a flat SMA: the SMA row holds dots, the price rows box glyphs.
	const closes = [100, 101, 102, 103, 104, 105, 106, 107, 108, 109];
	const sma = closes.map(() => 100.5);
	const out = renderChartLines(closes, sma, 30, 8, false);
	const text = out.join('\n');
	assert.ok(!text.includes(ESC));
	assert.ok(text.includes('·'), 'SMA dots');
	assert.ok(/[╭╯─]/.test(text), 'price line glyphs');
	const dotRows = out.filter(line => line.includes('·'));
	assert.equal(dotRows.length, 1, 'a flat SMA is one row of dots');
	assert.ok(((dotRows[0] ?? '').match(/·/g) ?? []).length >= 5, 'the SMA runs along its row');
	// With colour, the dots are yellow and the price cyan.
	const colored = renderChartLines(closes, sma, 30, 8, true).join('\n');
	assert.ok(colored.includes(`${ESC}[33m·`));
	assert.ok(colored.includes(`${ESC}[36m`));
});
