/**
 * Order-book imbalance meter: a bar split by bid size against ask size, with the two points
 * where one side is `threshold` times the other marked. The dominating side is coloured and
 * named, so the meter still reads without colour.
 */
import type {HftView} from '../../engine/snapshot.js';
import type {Theme} from '../hooks/use-theme.js';
import type {Segment} from './line.js';

export type Dominance = 'bid' | 'ask' | 'none';

export function dominance(bidSize: number, askSize: number, threshold: number): Dominance {
	if (!(bidSize >= 0) || !(askSize >= 0) || !(threshold > 0)) return 'none';
	if (bidSize > threshold * askSize) return 'bid';
	if (askSize > threshold * bidSize) return 'ask';
	return 'none';
}

export interface MeterCells {
	/** Cells of the bar that belong to the bid (from the left). */
	readonly bidCells: number;
	/** Positions of the threshold marks (ask dominates left of the first, bid right of the second). */
	readonly marks: readonly [number, number];
	readonly width: number;
}

export function meterCells(bidSize: number, askSize: number, threshold: number, width: number): MeterCells {
	const cells = Math.max(0, Math.floor(width));
	const total = bidSize + askSize;
	const bidCells = Number.isFinite(total) && total > 0 && bidSize >= 0 ? Math.round((bidSize / total) * cells) : 0;
	const t = threshold > 0 && Number.isFinite(threshold) ? threshold : 1;
	// Bid share at which the ask dominates (1 / (1 + t)) and the bid dominates (t / (1 + t)).
	const low = Math.min(cells - 1, Math.max(0, Math.round(cells / (1 + t))));
	const high = Math.min(cells - 1, Math.max(0, Math.round((cells * t) / (1 + t))));
	return {bidCells: Math.min(cells, bidCells), marks: [low, high], width: cells};
}

/** "BID 2.40x" / "ASK 3.00x" / "bal 1.20x": the larger side over the smaller. */
export function ratioLabel(bidSize: number, askSize: number, threshold: number): string {
	const side = dominance(bidSize, askSize, threshold);
	const larger = Math.max(bidSize, askSize);
	const smaller = Math.min(bidSize, askSize);
	const ratio = smaller > 0 ? (larger / smaller).toFixed(2) : larger > 0 ? 'inf' : '--';
	const name = side === 'bid' ? 'BID' : side === 'ask' ? 'ASK' : 'bal';
	return `${name} ${ratio}${ratio === '--' || ratio === 'inf' ? '' : 'x'}`;
}

/** The label is padded to this width so the bar does not jitter as the ratio changes. */
const LABEL_WIDTH = 9;

/** The meter line: "B" bar "A" and the ratio label, `width` columns in all. */
export function meterSegments(view: HftView, width: number, theme: Theme): Segment[] {
	const label = ratioLabel(view.bidSize, view.askSize, view.threshold).padEnd(LABEL_WIDTH);
	const barWidth = Math.max(0, width - 5 - label.length);
	const {bidCells, marks} = meterCells(view.bidSize, view.askSize, view.threshold, barWidth);
	const side = dominance(view.bidSize, view.askSize, view.threshold);
	const bidColor = side === 'bid' ? theme.color('green') : undefined;
	const askColor = side === 'ask' ? theme.color('red') : undefined;
	const segments: Segment[] = [{text: 'B ', bold: true}];
	// Group the cells into runs of one style: bid fill, ask fill and the threshold marks.
	let run = '';
	let runKind: 'bid' | 'ask' | 'mark' | null = null;
	const flush = (): void => {
		if (!run || runKind === null) return;
		if (runKind === 'mark') segments.push({text: run, color: theme.color('yellow')});
		else if (runKind === 'bid') segments.push({text: run, color: bidColor, bold: side === 'bid'});
		else segments.push({text: run, color: askColor, bold: side === 'ask'});
		run = '';
	};
	for (let cell = 0; cell < barWidth; cell++) {
		const isMark = cell === marks[0] || cell === marks[1];
		const kind = isMark ? 'mark' : cell < bidCells ? 'bid' : 'ask';
		if (kind !== runKind) {
			flush();
			runKind = kind;
		}
		run += isMark ? '┊' : cell < bidCells ? '█' : '░';
	}
	flush();
	segments.push({text: ' A ', bold: true});
	segments.push({
		text: label,
		bold: side !== 'none',
		color: side === 'bid' ? theme.color('green') : side === 'ask' ? theme.color('red') : undefined,
	});
	return segments;
}
