/**
 * Text output for every component: styled segments cut to an exact width and drawn as a block.
 *
 * Why not plain <Text>: Ink 6 keeps every distinct string it ever measured in module caches
 * that are never evicted (ink issue #986), so a screen of changing prices would grow the heap
 * for the whole session, and every changed text is measured again (string-width, Yoga). A
 * block is laid out as a constant placeholder of its size (measured once per size), and the
 * real lines are substituted per line by <Transform> at output time. Lines are styled here with
 * plain SGR codes, and never wider than the block, so Ink never has to wrap them either.
 */
import {Transform} from 'ink';
import {useTheme, type ColorName} from '../hooks/use-theme.js';

export interface Segment {
	readonly text: string;
	readonly color?: ColorName | undefined;
	readonly bold?: boolean;
	readonly dim?: boolean;
	readonly inverse?: boolean;
}

/**
 * Characters known to be one column wide: printable ASCII, Latin-1 and Latin Extended, general
 * punctuation, arrows, box drawing, blocks and geometric shapes. Anything else (control
 * characters, wide CJK, emoji) becomes "?" so a line's length is its width.
 */
const NARROW = /[^\u0020-\u007E\u00A0-\u024F\u2010-\u2027\u2030-\u205E\u2190-\u21FF\u2500-\u25FF]/gu;

/** Text from outside (log lines, symbols, action strings) made safe to measure by length. */
export function safeText(text: string): string {
	return text.replace(/[\r\n\t]+/g, ' ').replace(NARROW, '?');
}

export function segmentsWidth(segments: readonly Segment[]): number {
	let width = 0;
	for (const segment of segments) width += segment.text.length;
	return width;
}

/** Keep the first `width` columns of the segments, marking a cut with "…". */
export function fitSegments(segments: readonly Segment[], width: number): Segment[] {
	if (width <= 0) return [];
	const total = segmentsWidth(segments);
	if (total <= width) return [...segments];
	const out: Segment[] = [];
	let room = width - 1;
	for (const segment of segments) {
		if (room <= 0) break;
		if (segment.text.length <= room) {
			out.push(segment);
			room -= segment.text.length;
		} else {
			out.push({...segment, text: segment.text.slice(0, room)});
			room = 0;
		}
	}
	out.push({text: '…'});
	return out;
}

/** `left` then `right` flush to the right edge; `right` wins when space is short. */
export function leftRight(left: readonly Segment[], right: readonly Segment[], width: number): Segment[] {
	const rightWidth = segmentsWidth(right);
	if (rightWidth === 0) return fitSegments(left, width);
	if (rightWidth + 1 > width) return fitSegments(right, width);
	const fittedLeft = fitSegments(left, width - rightWidth - 1);
	const gap = width - segmentsWidth(fittedLeft) - rightWidth;
	return [...fittedLeft, {text: ' '.repeat(gap)}, ...right];
}

const COLOR_CODES: Readonly<Record<ColorName, number>> = {
	red: 31,
	green: 32,
	yellow: 33,
	blue: 34,
	magenta: 35,
	cyan: 36,
	white: 37,
	gray: 90,
};

function sgr(segment: Segment): string {
	const codes: number[] = [];
	if (segment.bold) codes.push(1);
	if (segment.dim) codes.push(2);
	if (segment.inverse) codes.push(7);
	if (segment.color) codes.push(COLOR_CODES[segment.color]);
	return codes.length > 0 ? `\u001B[${codes.join(';')}m` : '';
}

/**
 * One line: segments cut to `width`, with SGR styles unless `styled` is false. Neighbouring
 * segments of one style share one code (Ink re-parses every code of every line each frame).
 */
export function styleLine(segments: readonly Segment[], width: number, styled: boolean): string {
	const fitted = fitSegments(segments, width);
	if (!styled) {
		let plain = '';
		for (const segment of fitted) plain += segment.text;
		return plain;
	}
	let out = '';
	let open = '';
	for (const segment of fitted) {
		if (!segment.text) continue;
		const code = sgr(segment);
		if (code !== open) {
			if (open) out += '\u001B[0m';
			out += code;
			open = code;
		}
		out += segment.text;
	}
	return open ? `${out}\u001B[0m` : out;
}

const placeholders = new Map<string, string>();

/** Blank text of a block's size: what Yoga measures (the same string every frame). */
function placeholder(width: number, height: number): string {
	const key = `${width}x${height}`;
	let text = placeholders.get(key);
	if (text === undefined) {
		text = Array.from({length: height}, () => ' '.repeat(width)).join('\n');
		placeholders.set(key, text);
	}
	return text;
}

/** Pre-styled lines (each at most `width` columns) drawn as one fixed-size block. */
export function RawBlock({lines, width}: {readonly lines: readonly string[]; readonly width: number}) {
	if (lines.length === 0 || width <= 0) return null;
	// Trailing blanks cost Ink parsing work and look the same as the empty cells it starts from.
	const trimmed = lines.map(line => line.trimEnd());
	return <Transform transform={(_line, index) => trimmed[index] ?? ''}>{placeholder(width, lines.length)}</Transform>;
}

/** Lines of segments drawn as one fixed-size block, styled by the theme. */
export function Block({lines, width}: {readonly lines: ReadonlyArray<readonly Segment[]>; readonly width: number}) {
	const theme = useTheme();
	return <RawBlock lines={lines.map(segments => styleLine(segments, width, theme.enabled))} width={width} />;
}

/** One line of segments. */
export function Line({segments, width}: {readonly segments: readonly Segment[]; readonly width: number}) {
	return <Block lines={[segments]} width={width} />;
}
