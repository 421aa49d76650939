/**
 * One status line on a terminal, rewritten in place while the console connects, and erased
 * when it is done. Only on a terminal: piped or redirected output gets nothing from it, so a
 * start that fails still prints exactly one line on stderr.
 */
export interface ProgressLine {
	update(text: string): void;
	/** Erase the line (before the console draws, or before an error is printed). */
	clear(): void;
}

export interface ProgressStream {
	readonly isTTY?: boolean;
	readonly columns?: number;
	write(text: string): unknown;
}

const ERASE = '\r\u001B[2K';

export function progressLine(stream: ProgressStream): ProgressLine {
	if (stream.isTTY !== true) return {update() {}, clear() {}};
	let shown = false;
	return {
		update(text) {
			// One row at most: a wrapped line could not be erased with one code.
			const width = Math.max(20, (stream.columns ?? 80) - 1);
			const line = `scalp-tui: ${text.replace(/[\r\n]+/g, ' ')}`;
			stream.write(ERASE + (line.length > width ? `${line.slice(0, width - 1)}…` : line));
			shown = true;
		},
		clear() {
			if (shown) stream.write(ERASE);
			shown = false;
		},
	};
}
