/**
 * Prompts and status that take the place of the log pane (same height, so the frame does not
 * grow): a y/n confirmation, the quit question when positions or orders are open, and the
 * shutdown progress.
 */
import {Box} from 'ink';
import {describeConfirm, type ConfirmAction, type ShutdownHow} from '../keymap.js';
import {useTheme, type ColorName} from '../hooks/use-theme.js';
import {Block, safeText, type Segment} from './line.js';

export type Dialog =
	| {readonly kind: 'confirm'; readonly action: ConfirmAction; readonly detail?: string | undefined}
	| {readonly kind: 'quit'; readonly detail?: string | undefined}
	| {readonly kind: 'stopping'; readonly how: ShutdownHow}
	| {readonly kind: 'stopped'; readonly how: ShutdownHow; readonly error?: string | undefined};

const STOPPING_TEXT: Readonly<Record<ShutdownHow, string>> = {
	flatten: 'Shutting down: cancelling orders and selling every position…',
	cancel_orders: 'Shutting down: cancelling open orders (positions are kept)…',
	leave: 'Shutting down: leaving orders and positions as they are…',
};

const STOPPED_TEXT: Readonly<Record<ShutdownHow, string>> = {
	flatten: 'Stopped: orders cancelled, positions flattened, journal flushed.',
	cancel_orders: 'Stopped: open orders cancelled, positions kept, journal flushed.',
	leave: 'Stopped: orders and positions left open, journal flushed.',
};

/** The dialog's lines: the question first, then the keys that answer it. */
export function dialogLines(dialog: Dialog): Array<{text: string; color?: ColorName; bold?: boolean}> {
	switch (dialog.kind) {
		case 'confirm': {
			return [
				{text: describeConfirm(dialog.action), color: 'red', bold: true},
				...(dialog.detail ? [{text: `Open now: ${safeText(dialog.detail)}`}] : []),
				{text: 'y yes · n / Esc no'},
			];
		}
		case 'quit': {
			return [
				{
					text: dialog.detail ? `Still open: ${safeText(dialog.detail)}.` : 'Positions or orders are still open.',
					color: 'yellow',
					bold: true,
				},
				{text: 'f flatten and quit · l leave them and quit · Esc stay'},
			];
		}
		case 'stopping': {
			return [{text: STOPPING_TEXT[dialog.how], color: 'yellow', bold: true}, {text: 'Ctrl+C again stops waiting'}];
		}
		case 'stopped': {
			return dialog.error ? [{text: safeText(dialog.error), color: 'red', bold: true}] : [{text: STOPPED_TEXT[dialog.how], color: 'green', bold: true}];
		}
	}
}

/** Single-line form for cramped screens. */
export function dialogText(dialog: Dialog): string {
	return dialogLines(dialog)
		.map(line => line.text)
		.join(' — ');
}

export function ConfirmDialog({dialog, width, height}: {readonly dialog: Dialog; readonly width: number; readonly height: number}) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const lines = dialogLines(dialog);
	const rows: Segment[][] =
		height - 2 >= lines.length
			? lines.map(line => [{text: line.text, color: theme.color(line.color), bold: line.bold ?? false}])
			: [[{text: dialogText(dialog), color: theme.color(lines[0]?.color), bold: true}]];
	const accent = dialog.kind === 'confirm' ? 'red' : dialog.kind === 'stopped' ? 'green' : 'yellow';
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0} borderStyle="double" borderColor={theme.color(accent)} paddingX={1}>
			<Block lines={rows} width={inner} />
		</Box>
	);
}
