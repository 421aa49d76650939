/**
 * The bottom line: the keys, a one-shot notice and the page indicator.
 */
import {memo} from 'react';
import type {Mode} from '../../core/types.js';
import {useTheme} from '../hooks/use-theme.js';
import {leftRight, Line, segmentsWidth, type Segment} from './line.js';

export interface HelpLineProps {
	readonly width: number;
	readonly mode: Mode;
	/** Zero-based page shown, and the number of pages. */
	readonly page: number;
	readonly pages: number;
	readonly notice: string | null;
	/** The log filter being typed after `/`: the line becomes its prompt. */
	readonly prompt?: string | null;
}

export function helpKeys(mode: Mode): Array<[string, string]> {
	const keys: Array<[string, string]> = [
		['←↑↓→/jk/Tab', 'select'],
		['p', 'pause'],
		['P', 'all'],
		['s', 'sell'],
		['c', 'cancel'],
		['L', 'liquidate'],
		['o', 'orders'],
		['/', 'filter log'],
	];
	if (mode === 'sim') keys.push(['+/-', 'speed']);
	keys.push(['?', 'help'], ['q', 'quit']);
	return keys;
}

/** Narrow screens: help and quit first, the rest as far as it goes. */
export function compactHelpKeys(mode: Mode): Array<[string, string]> {
	const keys: Array<[string, string]> = [
		['?', 'help'],
		['q', 'quit'],
		['p', 'pause'],
		['s', 'sell'],
		['c', 'cancel'],
		['L', 'liq'],
		['P', 'all'],
		['o', 'orders'],
		['/', 'filter'],
	];
	if (mode === 'sim') keys.push(['+/-', 'speed']);
	return keys;
}

function keySegments(keys: Array<[string, string]>, theme: ReturnType<typeof useTheme>, gap: string): Segment[] {
	const segments: Segment[] = [];
	for (const [key, label] of keys) segments.push({text: key, bold: true, color: theme.color('cyan')}, {text: ` ${label}${gap}`});
	return segments;
}

function HelpLineView({width, mode, page, pages, notice, prompt = null}: HelpLineProps) {
	const theme = useTheme();
	if (prompt !== null) {
		const hint: Segment[] = [{text: 'Enter apply · Esc clear · !text hides', dim: theme.enabled}];
		const left: Segment[] = [{text: 'filter log: /', bold: true, color: theme.color('cyan')}, {text: prompt}, {text: '▏', bold: true}];
		return <Line segments={leftRight(left, segmentsWidth(left) + segmentsWidth(hint) < width ? hint : [], width)} width={width} />;
	}
	const right: Segment[] = [];
	if (notice) right.push({text: notice, color: theme.color('yellow'), bold: true});
	if (pages > 1) right.push({text: `${notice ? '  ' : ''}page ${page + 1}/${pages}`, bold: true});
	let left = keySegments(helpKeys(mode), theme, '  ');
	if (segmentsWidth(left) + segmentsWidth(right) > width) left = keySegments(compactHelpKeys(mode), theme, ' ');
	return <Line segments={leftRight(left, right, width)} width={width} />;
}

export const HelpLine = memo(HelpLineView);
