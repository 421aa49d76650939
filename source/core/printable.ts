/**
 * Text that is safe to put on a terminal: control characters (C0, DEL, C1) and the bidi
 * overrides are written as escapes (`\x1b`, `\u202e`). Error messages quote file contents and
 * names; raw bytes from a data file must never reach stderr as terminal escape sequences.
 * Tabs become `\t` too: an error is one line.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
	return text.replace(UNSAFE, c => {
		if (c === '\n') return '\\n';
		if (c === '\r') return '\\r';
		if (c === '\t') return '\\t';
		const code = c.charCodeAt(0);
		return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}
