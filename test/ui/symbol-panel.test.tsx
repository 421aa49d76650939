import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import {orderText, samePanelProps, sameSymbolView, SymbolPanel} from '../../source/ui/components/symbol-panel.js';
import {createTheme, ThemeContext} from '../../source/ui/hooks/use-theme.js';
import {makeOrder, makePosition, makeSymbol, sma20} from '../_helpers/snapshots.js';

function show(node: ReactElement, color = false): string[] {
	const {lastFrame, unmount} = render(<ThemeContext.Provider value={createTheme(color)}>{node}</ThemeContext.Provider>);
	const frame = lastFrame() ?? '';
	unmount();
	return frame.split('\n');
}

function assertBox(lines: string[], width: number, height: number): void {
	assert.equal(lines.length, height, lines.join('\n'));
	for (const line of lines) assert.equal([...line].length, width, `"${line}" is not ${width} wide`);
}

test('a scalp panel shows price, change, chart, state, order, position, P&L and trades', () => {
	const view = makeSymbol({
		state: 'SELL_SUBMITTED',
		lastPrice: 187.31,
		change: 1.25,
		openOrder: makeOrder({side: 'sell', limitPrice: 187.5, ageMs: 65_000}),
		position: makePosition({qty: 10, avgPrice: 186.9, unrealizedPnl: 4.1}),
		realizedPnl: 12,
		trades: 3,
	});
	const lines = show(<SymbolPanel view={view} width={50} chartLines={6} selected={false} />);
	assertBox(lines, 50, 13);
	const text = lines.join('\n');
	assert.match(lines[1] ?? '', /AAPL 187\.31 \+1\.25/);
	assert.match(text, /SELL_SUBMITTED {2}real \+\$12\.00 · 3 trades/);
	assert.match(text, /ord {2}sell limit 10 @ 187\.50 · 1m05s/);
	assert.match(text, /pos {2}10 @ 186\.90 · unreal \+\$4\.10/);
	assert.match(text, /┤/, 'chart axis');
	assert.doesNotMatch(text, /PAUSED/);
	assert.match(lines[0] ?? '', /^╭/, 'not selected: round border');
});

test('the selected panel has a double border; a paused one says PAUSED on the title line', () => {
	const lines = show(<SymbolPanel view={makeSymbol({paused: true})} width={40} chartLines={0} selected />);
	assertBox(lines, 40, 7);
	assert.match(lines[0] ?? '', /^╔/);
	assert.match(lines[1] ?? '', /AAPL .*PAUSED ║$/);
});

test('empty and NaN series render a placeholder, never throw', () => {
	for (const closes of [[], [Number.NaN, Number.NaN], [Number.NaN, 5]]) {
		const view = makeSymbol({closes, sma: closes.map(() => Number.NaN), lastPrice: null, change: Number.NaN});
		const lines = show(<SymbolPanel view={view} width={40} chartLines={5} selected={false} />);
		assertBox(lines, 40, 12);
		const text = lines.join('\n');
		assert.match(text, /waiting for closes/);
		assert.match(lines[1] ?? '', /AAPL -- --/);
	}
});

test('a long symbol name is cut and still leaves room for the price and PAUSED', () => {
	const view = makeSymbol({symbol: 'AVERYVERYLONGSYMBOLNAMEXYZ', lastPrice: 12.5, paused: true});
	const lines = show(<SymbolPanel view={view} width={40} chartLines={0} selected={false} />);
	assertBox(lines, 40, 7);
	assert.match(lines[1] ?? '', /AVERYVERYLONG… 12\.50 \+1\.25 +PAUSED/);
});

test('narrow panels stay inside their border (36 columns, sparkline)', () => {
	const view = makeSymbol({
		state: 'SELL_SUBMITTED',
		realizedPnl: 1234.5,
		trades: 12,
		openOrder: makeOrder({qty: 1200, filledQty: 400, limitPrice: 1234.56}),
		position: makePosition({qty: 12_000}),
	});
	const lines = show(<SymbolPanel view={view} width={36} chartLines={1} selected={false} />);
	assertBox(lines, 36, 8);
	assert.match(lines[3] ?? '', /[▁▂▃▄▅▆▇█]{10}/, 'sparkline line');
	assert.match(lines.join('\n'), /buy lmt 400\/1,200@1234\.56 12s/, 'compact order text');
	assert.match(lines.join('\n'), /SELL_SUBMITTED \+\$1,234\.50 12tr/, 'compact state line keeps P&L and trades');
});

test('market orders have no price; no order reads "none"; flat reads "flat"', () => {
	assert.equal(orderText(makeOrder({type: 'market', limitPrice: null, side: 'sell', ageMs: 3000}), 40), 'sell market 10 · 3s');
	const text = show(<SymbolPanel view={makeSymbol()} width={40} chartLines={0} selected={false} />).join('\n');
	assert.match(text, /ord {2}none/);
	assert.match(text, /pos {2}flat/);
});

test('colours are SGR codes only when the theme allows (NO_COLOR)', () => {
	const view = makeSymbol({change: -2, paused: true});
	assert.ok(
		!show(<SymbolPanel view={view} width={40} chartLines={4} selected />, false)
			.join('')
			.includes('\u001B['),
	);
	assert.ok(
		show(<SymbolPanel view={view} width={40} chartLines={4} selected />, true)
			.join('')
			.includes('\u001B[31m'),
		'red change',
	);
});

test('memo equality: rebuilt equal views are equal; visible changes are not; ages compare by second', () => {
	const a = makeSymbol({openOrder: makeOrder({ageMs: 12_100})});
	assert.ok(sameSymbolView(a, {...a, closes: [...a.closes], sma: [...a.sma], openOrder: makeOrder({ageMs: 12_900})}));
	assert.ok(!sameSymbolView(a, {...a, openOrder: makeOrder({ageMs: 13_000})}));
	assert.ok(!sameSymbolView(a, {...a, lastPrice: 1}));
	assert.ok(!sameSymbolView(a, {...a, paused: true}));
	assert.ok(!sameSymbolView(a, {...a, closes: [...a.closes, 1]}));
	const props = {view: a, width: 40, chartLines: 0, selected: false};
	assert.ok(samePanelProps(props, {...props}));
	assert.ok(!samePanelProps(props, {...props, selected: true}));
});

test('the legend names both chart lines, shows the SMA figure and the custom signal; change since the open with %', () => {
	const closes = [...Array.from({length: 19}, () => 100), 110];
	const view = makeSymbol({closes, sma: sma20(closes), lastPrice: 110, change: 10});
	const lines = show(<SymbolPanel view={view} width={50} chartLines={4} selected={false} smaLength={20} signalName="breakout" />);
	assertBox(lines, 50, 11);
	assert.match(lines[1] ?? '', /AAPL 110\.00 \+10\.00 \+10\.00%/);
	assert.match(lines[2] ?? '', /─ price {2}· SMA20 100\.50 +signal breakout │$/);
	// Without a custom signal nothing is claimed; the label follows the configured length.
	const plain = show(<SymbolPanel view={view} width={50} chartLines={0} selected={false} smaLength={30} />);
	assert.match(plain[2] ?? '', /─ price {2}· SMA30 100\.50 +│$/);
	// Warm-up: no SMA yet.
	const early = show(<SymbolPanel view={makeSymbol({closes: [1, 2], sma: [Number.NaN, Number.NaN]})} width={50} chartLines={0} selected={false} />);
	assert.match(early[2] ?? '', /SMA20 warming up/);
	// Narrow: a shorter legend that keeps the figure.
	const narrow = show(<SymbolPanel view={view} width={36} chartLines={0} selected={false} signalName="breakout" />);
	assert.match(narrow[2] ?? '', /─px ·SMA20 100\.50 +breakout │$/);
});

test('a panel on synthetic data says SYNTHETIC (next to PAUSED when both)', () => {
	const lines = show(<SymbolPanel view={makeSymbol({synthetic: true, paused: true})} width={50} chartLines={0} selected={false} />);
	assert.match(lines[1] ?? '', /AAPL 190\.24 \+1\.25 .*SYNTHETIC PAUSED │$/);
	const real = show(<SymbolPanel view={makeSymbol()} width={50} chartLines={0} selected={false} />);
	assert.doesNotMatch(real.join('\n'), /SYNTHETIC/);
	const a = makeSymbol();
	assert.ok(!sameSymbolView(a, {...a, synthetic: true}), 'the mark re-renders');
});
