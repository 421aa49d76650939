/**
 * The log pane's filter (`/`): keep the lines whose symbol, level or text contain the filter,
 * case-insensitively; a leading `!` keeps the lines that do not (e.g. `!level change` hides
 * the tick-taker's book updates). Pure; the pane applies it to the lines it keeps (a few
 * hundred), once per changed log.
 */
import type {LogLine} from '../engine/snapshot.js';

export function logMatcher(filter: string): ((line: LogLine) => boolean) | null {
	const trimmed = filter.trim();
	const negate = trimmed.startsWith('!');
	const needle = (negate ? trimmed.slice(1) : trimmed).trim().toLowerCase();
	if (needle === '') return null;
	return line => {
		const hit = `${line.symbol ?? '-'} ${line.level} ${line.text}`.toLowerCase().includes(needle);
		return negate ? !hit : hit;
	};
}

/** The lines the filter keeps (the same array when there is no filter). */
export function filterLog(log: readonly LogLine[], filter: string): readonly LogLine[] {
	const matches = logMatcher(filter);
	return matches ? log.filter(matches) : log;
}
