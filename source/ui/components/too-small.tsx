/**
 * Shown instead of the console when the terminal cannot hold even one panel row; keys keep
 * working (q still quits), and a pending prompt is still shown.
 */
import {Box} from 'ink';
import {useTheme} from '../hooks/use-theme.js';
import {dialogText, type Dialog} from './confirm-dialog.js';
import {Block, type Segment} from './line.js';

export function tooSmallLines(columns: number, rows: number, minColumns: number, minRows: number): string[] {
	return [`Terminal too small: ${columns}x${rows}`, `Need at least ${minColumns}x${minRows}.`, 'Enlarge it (q quits).'];
}

export function TooSmall({
	columns,
	rows,
	minColumns,
	minRows,
	dialog,
}: {
	readonly columns: number;
	readonly rows: number;
	readonly minColumns: number;
	readonly minRows: number;
	readonly dialog: Dialog | null;
}) {
	const theme = useTheme();
	const lines: Segment[][] = [];
	if (dialog) lines.push([{text: dialogText(dialog), bold: true, color: theme.color('yellow')}]);
	for (const text of tooSmallLines(columns, rows, minColumns, minRows)) lines.push([{text, bold: lines.length === 0}]);
	// Stay below the terminal height, whatever it is.
	const shown = lines.slice(0, Math.max(1, rows - 1));
	return (
		<Box flexDirection="column" width={columns}>
			<Block lines={shown} width={columns} />
		</Box>
	);
}
