/**
 * Pure screen layout: how many panels per row and per page, how tall they are and how many
 * log lines fit, from the terminal size and the number of symbols. The panels and the log
 * share every line of the terminal: a bigger window gets taller charts and a longer log.
 *
 * The frame is kept exactly one line shorter than the terminal: Ink clears the whole screen
 * on every frame once the output is as tall as the terminal (flicker).
 */

/** Lines of the header (no border). */
export const HEADER_LINES = 2;
/** Lines of the help / prompt line at the bottom. */
export const HELP_LINES = 1;
/** Title line of the log pane. */
export const LOG_TITLE_LINES = 1;
export const MIN_LOG_LINES = 2;
/** Log lines kept free when choosing panel sizes, if the screen allows. */
export const PREFERRED_LOG_LINES = 5;
/** Share of the free lines the log gets before the charts take the rest (then the log grows again). */
const LOG_SHARE = 0.25;
/** Border (2) + title line + legend line + three info lines: a panel without any chart. */
export const PANEL_BASE_LINES = 7;
/**
 * Chart lines: 0 (none), 1 (sparkline) or 3..MAX (asciichart of height lines - 1). Past this
 * a chart gains nothing (240 closes at most); the log takes the remaining lines.
 */
export const MAX_CHART_LINES = 40;
/** Chart height above which a taller chart no longer beats one more panel per row. */
const PREFERRED_CHART_LINES = 8;
export const MIN_PANEL_WIDTH = 36;
export const MIN_COLUMNS = 40;
/** Header + one chartless panel row + the smallest log pane + help line + the spare line. */
export const MIN_ROWS = HEADER_LINES + PANEL_BASE_LINES + LOG_TITLE_LINES + MIN_LOG_LINES + HELP_LINES + 1;

export interface GridLayout {
	readonly kind: 'grid';
	readonly columns: number;
	readonly rows: number;
	/** Panels per row. */
	readonly gridColumns: number;
	/** Panel rows on one page. */
	readonly gridRows: number;
	readonly perPage: number;
	readonly pages: number;
	readonly panelWidth: number;
	readonly panelHeight: number;
	/** Lines inside a panel for the chart (0, 1 = sparkline, or >= 3). */
	readonly chartLines: number;
	/** Height of the whole panel area (gridRows * panelHeight). */
	readonly gridHeight: number;
	readonly logLines: number;
	/** Total frame height: always < rows. */
	readonly frameHeight: number;
}

export interface TooSmallLayout {
	readonly kind: 'too_small';
	readonly columns: number;
	readonly rows: number;
	readonly minColumns: number;
	readonly minRows: number;
}

export type Layout = GridLayout | TooSmallLayout;

/** Chart lines a panel of `available` lines can hold, snapped to the usable sizes. */
export function chartLinesFor(available: number): number {
	const extra = Math.min(MAX_CHART_LINES, available - PANEL_BASE_LINES);
	if (extra >= 3) return extra;
	if (extra >= 1) return 1;
	return 0;
}

function sanitize(value: number, fallback: number): number {
	return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

interface GridChoice {
	readonly gridColumns: number;
	readonly gridRows: number;
	readonly chartLines: number;
	readonly empty: number;
}

/**
 * The grid showing all `count` panels in `available` lines with the best chart (up to the
 * preferred height), then the fewest empty cells; null when they do not all fit.
 */
function bestGrid(count: number, maxColumns: number, available: number): GridChoice | null {
	let best: GridChoice | null = null;
	for (let gridColumns = maxColumns; gridColumns >= 1; gridColumns--) {
		const gridRows = Math.ceil(count / gridColumns);
		const perPanel = Math.floor(available / gridRows);
		if (perPanel < PANEL_BASE_LINES) continue;
		const candidate = {gridColumns, gridRows, chartLines: chartLinesFor(perPanel), empty: gridColumns * gridRows - count};
		if (!best) {
			best = candidate;
			continue;
		}
		const score = Math.min(candidate.chartLines, PREFERRED_CHART_LINES);
		const bestScore = Math.min(best.chartLines, PREFERRED_CHART_LINES);
		if (score > bestScore || (score === bestScore && candidate.empty < best.empty)) best = candidate;
	}
	return best;
}

export function computeLayout(columnsIn: number, rowsIn: number, symbolCount: number): Layout {
	const columns = sanitize(columnsIn, 80);
	const rows = sanitize(rowsIn, 24);
	if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
		return {kind: 'too_small', columns, rows, minColumns: MIN_COLUMNS, minRows: MIN_ROWS};
	}
	const count = Math.max(1, Math.floor(symbolCount));
	const maxColumns = Math.max(1, Math.min(count, Math.floor(columns / MIN_PANEL_WIDTH)));
	// Lines left for panels and log lines once header, help, the log title and the spare line are
	// out. The log keeps a share of them (at least a comfortable few) when everything still fits
	// with it, else it shrinks to its minimum; the charts take the rest.
	const fixed = rows - 1 - HEADER_LINES - HELP_LINES - LOG_TITLE_LINES;
	const logTarget = Math.max(PREFERRED_LOG_LINES, Math.floor(fixed * LOG_SHARE));
	const roomy = bestGrid(count, maxColumns, fixed - logTarget);
	const best = roomy ?? bestGrid(count, maxColumns, fixed - MIN_LOG_LINES);
	const available = fixed - (roomy ? logTarget : MIN_LOG_LINES);

	let gridColumns: number;
	let gridRows: number;
	let chartLines: number;
	let pages: number;
	if (best) {
		({gridColumns, gridRows} = best);
		// The chosen grid's charts grow into every line the log does not keep.
		chartLines = chartLinesFor(Math.floor(available / gridRows));
		pages = 1;
	} else {
		// Not all panels fit even without charts: page them, as many per page as fit.
		gridColumns = maxColumns;
		gridRows = Math.max(1, Math.floor(available / PANEL_BASE_LINES));
		chartLines = chartLinesFor(Math.floor(available / gridRows));
		pages = Math.ceil(count / (gridColumns * gridRows));
	}
	const panelHeight = PANEL_BASE_LINES + chartLines;
	const gridHeight = gridRows * panelHeight;
	// Whatever the panels leave goes to the log: the frame is always rows - 1 tall.
	const logLines = Math.max(MIN_LOG_LINES, fixed - gridHeight);
	const frameHeight = HEADER_LINES + gridHeight + LOG_TITLE_LINES + logLines + HELP_LINES;
	return {
		kind: 'grid',
		columns,
		rows,
		gridColumns,
		gridRows,
		perPage: gridColumns * gridRows,
		pages,
		panelWidth: Math.floor(columns / gridColumns),
		panelHeight,
		chartLines,
		gridHeight,
		logLines,
		frameHeight,
	};
}

/** Page that holds panel `index`. */
export function pageOf(layout: GridLayout, index: number): number {
	return Math.floor(Math.max(0, index) / layout.perPage);
}

/** Index range [start, end) of the panels shown on the page holding `selected`. */
export function visibleRange(layout: GridLayout, selected: number, count: number): {start: number; end: number; page: number} {
	const page = Math.min(pageOf(layout, selected), Math.max(0, layout.pages - 1));
	const start = page * layout.perPage;
	return {start, end: Math.min(count, start + layout.perPage), page};
}
