import {test} from 'node:test';
import assert from 'node:assert/strict';
import {computeLayout, MIN_COLUMNS, MIN_ROWS, visibleRange, type GridLayout} from '../../source/ui/layout.js';

function grid(columns: number, rows: number, count: number): GridLayout {
	const layout = computeLayout(columns, rows, count);
	assert.equal(layout.kind, 'grid', `${columns}x${rows} with ${count} symbols should fit`);
	return layout as GridLayout;
}

test('the frame is always shorter than the terminal and never wider', () => {
	for (let columns = MIN_COLUMNS; columns <= 240; columns += 7) {
		for (let rows = MIN_ROWS; rows <= 80; rows += 3) {
			for (const count of [1, 2, 3, 5, 8, 13, 20, 40]) {
				const layout = grid(columns, rows, count);
				assert.ok(layout.frameHeight < rows, `${columns}x${rows}/${count}: frame ${layout.frameHeight} >= rows`);
				assert.ok(layout.gridColumns * layout.panelWidth <= columns, `${columns}x${rows}/${count}: too wide`);
				assert.ok(layout.logLines >= 2);
				assert.equal(layout.gridHeight, layout.gridRows * layout.panelHeight);
				assert.ok(layout.pages * layout.perPage >= count, 'every symbol is on some page');
				assert.ok([0, 1].includes(layout.chartLines) || layout.chartLines >= 3, `chart lines ${layout.chartLines}`);
			}
		}
	}
});

test('20 symbols on 160x50 fit on one page in a 4-wide grid', () => {
	const layout = grid(160, 50, 20);
	assert.equal(layout.pages, 1);
	assert.equal(layout.gridColumns, 4);
	assert.equal(layout.gridRows, 5);
	assert.equal(layout.panelWidth, 40);
	assert.ok(layout.frameHeight <= 49);
});

test('few symbols get tall charts side by side', () => {
	const layout = grid(160, 45, 3);
	assert.equal(layout.gridColumns, 3);
	assert.ok(layout.chartLines >= 8, `chart lines ${layout.chartLines}`);
});

test('the grid reflows when the terminal narrows', () => {
	assert.equal(grid(160, 45, 6).gridColumns, 3);
	assert.equal(grid(80, 45, 6).gridColumns, 2);
	assert.equal(grid(40, 45, 6).gridColumns, 1);
});

test('more symbols than fit are paged; the page follows the selection', () => {
	const layout = grid(80, 24, 20);
	assert.ok(layout.pages > 1);
	assert.deepEqual(visibleRange(layout, 0, 20), {start: 0, end: layout.perPage, page: 0});
	const last = visibleRange(layout, 19, 20);
	assert.equal(last.page, layout.pages - 1);
	assert.equal(last.end, 20);
	assert.ok(last.start <= 19);
});

test('a terminal below the minimum says so with the sizes', () => {
	assert.deepEqual(computeLayout(39, 40, 3), {kind: 'too_small', columns: 39, rows: 40, minColumns: MIN_COLUMNS, minRows: MIN_ROWS});
	assert.equal(computeLayout(120, MIN_ROWS - 1, 3).kind, 'too_small');
	assert.equal(computeLayout(MIN_COLUMNS, MIN_ROWS, 3).kind, 'grid');
});

test('unknown sizes fall back to 80x24; zero symbols still lay out', () => {
	const layout = grid(Number.NaN, 0, 0);
	assert.equal(layout.columns, 80);
	assert.equal(layout.rows, 24);
});

test('panels and log fill the terminal: the frame is exactly one line shorter (no blank rows)', () => {
	for (const [columns, rows, count] of [
		[160, 50, 1],
		[200, 60, 2],
		[80, 24, 2],
		[120, 40, 6],
		[160, 50, 20],
		[80, 24, 20],
	] as const) {
		const layout = grid(columns, rows, count);
		assert.equal(layout.frameHeight, rows - 1, `${columns}x${rows}/${count}: frame ${layout.frameHeight}`);
	}
});

test('a bigger window gets taller charts and a longer log', () => {
	const small = grid(160, 30, 1);
	const big = grid(160, 50, 1);
	assert.ok(big.chartLines > small.chartLines + 8, `chart ${small.chartLines} -> ${big.chartLines}`);
	assert.ok(big.logLines > small.logLines, `log ${small.logLines} -> ${big.logLines}`);
	assert.ok(big.logLines >= 10, `log ${big.logLines}`);
	// 200x60 with two symbols side by side: tall charts, a log of a quarter of the lines.
	const wide = grid(200, 60, 2);
	assert.equal(wide.gridColumns, 2);
	assert.ok(wide.chartLines >= 30, `chart ${wide.chartLines}`);
	assert.ok(wide.logLines >= 12, `log ${wide.logLines}`);
});
