/**
 * The last log lines, each prefixed by its symbol. A fixed number of lines (never <Static>,
 * which keeps everything it ever printed).
 */
import {memo} from 'react';
import {Box} from 'ink';
import type {LogLine} from '../../engine/snapshot.js';
import {formatClock, logSymbol} from '../format.js';
import {useTheme, type Theme} from '../hooks/use-theme.js';
import {Block, safeText, type Segment} from './line.js';

export interface LogPaneProps {
	readonly log: readonly LogLine[];
	/** Lines of log text (the title line comes on top). */
	readonly lines: number;
	readonly width: number;
	/** The filter the lines passed (shown in the title), or ''. */
	readonly filter?: string;
}

const MAX_SYMBOL_WIDTH = 8;

export function logLineSegments(line: LogLine, symbolWidth: number, theme: Theme): Segment[] {
	const symbol = safeText(logSymbol(line));
	const label = symbol.length > symbolWidth ? `${symbol.slice(0, symbolWidth - 1)}…` : symbol.padEnd(symbolWidth);
	const textColor = line.level === 'error' ? theme.color('red') : line.level === 'warn' ? theme.color('yellow') : undefined;
	const level = line.level === 'info' ? '' : `${line.level.toUpperCase()} `;
	return [
		{text: `${formatClock(line.ms)} `, dim: theme.enabled},
		{text: label, bold: true, color: theme.color('cyan')},
		{text: ` ${level}${safeText(line.text)}`, color: textColor},
	];
}

function LogPaneView({log, lines, width, filter = ''}: LogPaneProps) {
	const theme = useTheme();
	const shown = lines > 0 ? log.slice(-lines) : [];
	let symbolWidth = 1;
	for (const line of shown) symbolWidth = Math.max(symbolWidth, logSymbol(line).length);
	symbolWidth = Math.min(MAX_SYMBOL_WIDTH, symbolWidth);
	const title = filter ? ` log · filter ${safeText(filter)} ` : ' log ';
	const rule = '─'.repeat(Math.max(0, width - title.length - 2));
	return (
		<Box flexDirection="column" width={width} height={lines + 1} flexShrink={0}>
			<Block
				lines={[
					[
						{text: '──', dim: theme.enabled},
						{text: title, bold: true},
						{text: rule, dim: theme.enabled},
					],
					...shown.map(line => logLineSegments(line, symbolWidth, theme)),
				]}
				width={width}
			/>
		</Box>
	);
}

function sameTail(a: LogPaneProps, b: LogPaneProps): boolean {
	if (a.lines !== b.lines || a.width !== b.width || a.filter !== b.filter) return false;
	if (a.log === b.log) return true;
	const x = a.log.slice(-a.lines);
	const y = b.log.slice(-b.lines);
	if (x.length !== y.length) return false;
	return x.every((line, index) => {
		const other = y[index];
		return (
			other !== undefined &&
			(line === other || (line.ms === other.ms && line.symbol === other.symbol && line.level === other.level && line.text === other.text))
		);
	});
}

export const LogPane = memo(LogPaneView, sameTail);
