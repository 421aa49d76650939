import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import {dominance, meterCells, meterSegments, ratioLabel} from '../../source/ui/components/imbalance-meter.js';
import {HftPanel} from '../../source/ui/components/hft-panel.js';
import {segmentsWidth} from '../../source/ui/components/line.js';
import {createTheme, ThemeContext} from '../../source/ui/hooks/use-theme.js';
import {makeHftSymbol, makeHftView, makePosition} from '../_helpers/snapshots.js';

function show(node: ReactElement, color = false): string[] {
	const {lastFrame, unmount} = render(<ThemeContext.Provider value={createTheme(color)}>{node}</ThemeContext.Provider>);
	const frame = lastFrame() ?? '';
	unmount();
	return frame.split('\n');
}

test('dominance uses the 1.8 threshold strictly', () => {
	assert.equal(dominance(181, 100, 1.8), 'bid');
	assert.equal(dominance(180, 100, 1.8), 'none');
	assert.equal(dominance(100, 181, 1.8), 'ask');
	assert.equal(dominance(0, 0, 1.8), 'none');
	assert.equal(dominance(Number.NaN, 100, 1.8), 'none');
});

test('meter cells: bid share of the bar and the two threshold marks', () => {
	assert.deepEqual(meterCells(300, 100, 1.8, 28), {bidCells: 21, marks: [10, 18], width: 28});
	assert.deepEqual(meterCells(0, 0, 1.8, 28), {bidCells: 0, marks: [10, 18], width: 28});
	assert.equal(meterCells(100, 0, 1.8, 10).bidCells, 10);
});

test('ratio label names the dominating side', () => {
	assert.equal(ratioLabel(1200, 300, 1.8), 'BID 4.00x');
	assert.equal(ratioLabel(300, 1200, 1.8), 'ASK 4.00x');
	assert.equal(ratioLabel(120, 100, 1.8), 'bal 1.20x');
	assert.equal(ratioLabel(100, 0, 1.8), 'BID inf');
	assert.equal(ratioLabel(0, 0, 1.8), 'bal --');
});

test('the meter line is exactly as wide as asked and colours the dominating side', () => {
	const theme = createTheme(true);
	for (const width of [30, 46, 80]) {
		assert.equal(segmentsWidth(meterSegments(makeHftView(), width, theme)), width);
	}
	const segments = meterSegments(makeHftView({bidSize: 1200, askSize: 300}), 46, theme);
	assert.ok(segments.some(segment => segment.text.includes('█') && segment.color === 'green'));
	assert.ok(!meterSegments(makeHftView({bidSize: 120, askSize: 100}), 46, theme).some(segment => segment.color === 'green' || segment.color === 'red'));
});

test('the panel shows book, spread, meter, armed, position vs cap, pending, trades, P&L and last actions', () => {
	const lines = show(<HftPanel view={makeHftSymbol()} width={60} chartLines={4} selected={false} />);
	assert.equal(lines.length, 11);
	const text = lines.join('\n');
	assert.match(lines[1] ?? '', /SPY 223\.82 \+0\.12 \+0\.05% +ARMED │$/);
	assert.match(text, /bid 223\.81 × 1,200 {2}ask 223\.82 × 300 {2}spr 0\.01/);
	assert.match(text, /B █+┊█+┊█*░+ A BID 4\.00x/);
	assert.match(text, /pos 200\/500 pend \+100\/-0 · 4 tr · P&L \+\$36\.30/);
	assert.match(text, /│ {3}buy 100 @ 223\.80 +│\n│ › sell 100 @ 223\.84/);
	for (const line of lines) assert.equal([...line].length, 60);
});

test('disarmed, paused, no actions yet, and narrow widths', () => {
	const view = makeHftSymbol({paused: true, hft: makeHftView({armed: false, lastActions: []}), position: null});
	const lines = show(<HftPanel view={view} width={36} chartLines={1} selected />);
	assert.equal(lines.length, 8);
	for (const line of lines) assert.equal([...line].length, 36);
	assert.match(lines[1] ?? '', /DISARMED PAUSED ║$/);
	assert.match(lines.join('\n'), /223\.81×1,200\/223\.82×300 spr 0\.01/, 'compact book line');
	assert.match(lines.join('\n'), /0\/500 \+100\/-0 4tr \+\$12\.30/, 'compact position line keeps the P&L');
	assert.match(lines.join('\n'), /no actions yet/);
});

test('same height as a scalp panel with the same chart lines', () => {
	for (const chartLines of [0, 1, 3, 8]) {
		const lines = show(<HftPanel view={makeHftSymbol({position: makePosition({qty: 0})})} width={44} chartLines={chartLines} selected={false} />);
		assert.equal(lines.length, 7 + chartLines);
	}
});
