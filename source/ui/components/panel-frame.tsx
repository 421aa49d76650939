/**
 * The bordered box every symbol panel sits in: fixed size so the grid never shifts; the selected
 * panel gets a double border (visible without colour) and a colour.
 */
import type {ReactNode} from 'react';
import {Box} from 'ink';
import {useTheme} from '../hooks/use-theme.js';

/** Columns a panel's border and padding take from its width. */
export const PANEL_CHROME_WIDTH = 4;

export function panelInnerWidth(width: number): number {
	return Math.max(1, width - PANEL_CHROME_WIDTH);
}

export function PanelFrame({
	width,
	height,
	selected,
	paused,
	children,
}: {
	readonly width: number;
	readonly height: number;
	readonly selected: boolean;
	readonly paused: boolean;
	readonly children: ReactNode;
}) {
	const theme = useTheme();
	// Unselected borders keep the default colour: fewer escape codes for Ink to parse per frame.
	const borderColor = selected ? theme.color('cyan') : paused ? theme.color('yellow') : undefined;
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0} borderStyle={selected ? 'double' : 'round'} borderColor={borderColor} paddingX={1}>
			{children}
		</Box>
	);
}
