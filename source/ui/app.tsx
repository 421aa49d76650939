/**
 * The console screen: header, a page of symbol panels, the log pane (or a prompt in its
 * place) and the help line. Thin on purpose: layout is layout.ts, keys are keymap.ts, data
 * comes from the frame-batched store.
 */
import {useMemo} from 'react';
import {Box} from 'ink';
import type {SessionControl} from '../engine/control.js';
import {ConfirmDialog, type Dialog} from './components/confirm-dialog.js';
import {Header} from './components/header.js';
import {HelpLine} from './components/help-line.js';
import {HelpOverlay} from './components/help-overlay.js';
import {LogPane} from './components/log-pane.js';
import {OrdersView} from './components/orders-view.js';
import {PanelGrid} from './components/panel-grid.js';
import {TooSmall} from './components/too-small.js';
import {useConsoleKeys} from './hooks/use-console-keys.js';
import {useSnapshot} from './hooks/use-snapshot.js';
import {useTerminalSize, type SizeSource, type TerminalSize} from './hooks/use-terminal-size.js';
import {createTheme, ThemeContext} from './hooks/use-theme.js';
import type {ShutdownHow} from './keymap.js';
import {computeLayout, LOG_TITLE_LINES, visibleRange} from './layout.js';
import {filterLog} from './log-filter.js';
import type {SnapshotStore} from './store.js';

/** Shutdown progress driven from outside the key handler (signals, the runner). */
export type SessionPhase =
	| {readonly kind: 'stopping'; readonly how: ShutdownHow}
	| {readonly kind: 'stopped'; readonly how: ShutdownHow; readonly error?: string};

export interface AppProps {
	readonly control: SessionControl;
	readonly store: SnapshotStore;
	readonly onQuit: (how: ShutdownHow, reason: string) => void;
	readonly onForceExit?: () => void;
	readonly phase?: SessionPhase | null;
	/** Live size source or a fixed size; default: Ink's stdout. */
	readonly size?: SizeSource | TerminalSize;
	/** Colours on (default) or off (NO_COLOR). */
	readonly color?: boolean;
}

const noop = (): void => {};

export function App({control, store, onQuit, onForceExit = noop, phase = null, size, color = true}: AppProps) {
	const snapshot = useSnapshot(store);
	const terminal = useTerminalSize(size);
	const count = snapshot.symbols.length;
	const layout = useMemo(() => computeLayout(terminal.columns, terminal.rows, count), [terminal.columns, terminal.rows, count]);
	const theme = useMemo(() => createTheme(color), [color]);
	const symbolStates = useMemo(() => snapshot.symbols.map(view => ({symbol: view.symbol, paused: view.paused})), [snapshot.symbols]);
	const ui = useConsoleKeys({
		control,
		store,
		context: {
			symbols: symbolStates,
			gridColumns: layout.kind === 'grid' ? layout.gridColumns : 1,
			perPage: layout.kind === 'grid' ? layout.perPage : 1,
			mode: snapshot.mode,
		},
		onQuit,
		onForceExit,
	});

	const selected = Math.max(0, Math.min(count - 1, ui.selected));
	// The draft filters as it is typed.
	const filter = ui.filterDraft ?? ui.logFilter;
	const log = useMemo(() => filterLog(snapshot.log, filter), [snapshot.log, filter]);
	let dialog: Dialog | null = null;
	if (phase) dialog = phase;
	else if (ui.overlay.kind === 'confirm' || ui.overlay.kind === 'quit' || ui.overlay.kind === 'stopping') dialog = ui.overlay;

	if (layout.kind === 'too_small') {
		return (
			<ThemeContext.Provider value={theme}>
				<TooSmall columns={layout.columns} rows={layout.rows} minColumns={layout.minColumns} minRows={layout.minRows} dialog={dialog} />
			</ThemeContext.Provider>
		);
	}

	const {start, page} = visibleRange(layout, selected, count);
	const logHeight = LOG_TITLE_LINES + layout.logLines;
	return (
		<ThemeContext.Provider value={theme}>
			<Box flexDirection="column" width={layout.columns} height={layout.frameHeight}>
				<Header data={snapshot} width={layout.columns} />
				{ui.overlay.kind === 'help' && !phase ? (
					<HelpOverlay width={layout.columns} height={layout.gridHeight} mode={snapshot.mode} />
				) : ui.overlay.kind === 'orders' && !phase ? (
					<OrdersView view={snapshot.symbols[selected] ?? null} width={layout.columns} height={layout.gridHeight} />
				) : (
					<PanelGrid
						symbols={snapshot.symbols}
						layout={layout}
						start={start}
						selected={selected}
						smaLength={snapshot.smaLength}
						signalName={snapshot.signalName}
					/>
				)}
				{dialog ? (
					<ConfirmDialog dialog={dialog} width={layout.columns} height={logHeight} />
				) : (
					<LogPane log={log} lines={layout.logLines} width={layout.columns} filter={filter.trim()} />
				)}
				<HelpLine width={layout.columns} mode={snapshot.mode} page={page} pages={layout.pages} notice={ui.notice} prompt={ui.filterDraft} />
			</Box>
		</ThemeContext.Provider>
	);
}
