/**
 * The `?` overlay: every key with what it does. Takes the place of the panel grid (same
 * height) so the frame height does not change; any key closes it.
 */
import {Box} from 'ink';
import type {Mode} from '../../core/types.js';
import {useTheme} from '../hooks/use-theme.js';
import {Block, type Segment} from './line.js';

export function helpEntries(mode: Mode): Array<[string, string]> {
	return [
		['← → / Tab / Shift+Tab', 'previous / next panel'],
		['↑ ↓ / k j', 'panel above / below'],
		['PgUp PgDn / Home End', 'page up / down, first / last panel'],
		['p', 'pause / resume the selected symbol'],
		['P', 'pause / resume all symbols'],
		['s', 'force-sell the selected symbol (asks y/n)'],
		['c', "cancel the selected symbol's open orders"],
		['L', 'liquidate everything (asks y/n)'],
		['K', 'kill switch: cancel all orders, stop all strategies (asks y/n)'],
		['o', "the selected symbol's orders and fills (o / Esc closes)"],
		['/', 'filter the log: type text, Enter applies, Esc clears; !text hides lines'],
		['+ / -', mode === 'sim' ? 'replay faster / slower (1, 10, 30, 60, 120, 300, 600, 1800, 3600x)' : 'replay speed (SIM only)'],
		['?', 'this help (any key closes it)'],
		['q', 'quit (with open positions/orders: f flatten, l leave, Esc stay)'],
		['Ctrl+C', 'quit now: cancel open orders, keep positions'],
	];
}

export function HelpOverlay({width, height, mode}: {readonly width: number; readonly height: number; readonly mode: Mode}) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const entries = helpEntries(mode);
	const keyWidth = Math.max(...entries.map(([key]) => key.length));
	// Border (2) and title (1) take three lines.
	const shown = entries.slice(0, Math.max(0, height - 3));
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0} borderStyle="double" borderColor={theme.color('cyan')} paddingX={1}>
			<Block
				lines={[
					[{text: 'Keys', bold: true}, {text: shown.length < entries.length ? ' (enlarge the window for all)' : ''}],
					...shown.map(([key, text]): Segment[] => [{text: key.padEnd(keyWidth + 2), bold: true, color: theme.color('cyan')}, {text}]),
				]}
				width={inner}
			/>
		</Box>
	);
}
