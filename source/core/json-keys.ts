/**
 * Reports print JSON with one key style, snake_case, the style of the journal's fields and
 * of the rebalance report. Only keys that are names are converted (camelCase, kebab-case);
 * data used as keys, such as symbols ("BRK.B") or dates, is left alone.
 */
const NAME = /^[a-z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;

export function snakeKey(key: string): string {
	if (!NAME.test(key)) return key;
	return key.replace(/-/g, '_').replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);
}

export function snakeKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(snakeKeys);
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeKey(k), snakeKeys(v)]));
	}
	return value;
}

/** Pretty JSON of a report, keys in snake_case, ending in a newline. */
export function reportJson(value: unknown): string {
	return `${JSON.stringify(snakeKeys(value), null, 2)}\n`;
}
