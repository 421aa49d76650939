/**
 * The one meow flag spec every command is parsed with. Which of these a command accepts is
 * its own allowlist (see command.ts); a flag outside it is a usage error, never ignored.
 */
export const flagSpec = {
	help: {type: 'boolean', shortFlag: 'h'},
	mode: {type: 'string'},
	lot: {type: 'string'},
	hft: {type: 'string'},
	hftQty: {type: 'string'},
	exitAfter: {type: 'string'},
	signal: {type: 'string'},
	journal: {type: 'string'},
	logFile: {type: 'string'},
	feed: {type: 'string'},
	yesLive: {type: 'boolean'},
	data: {type: 'string', isMultiple: true},
	ticks: {type: 'string', isMultiple: true},
	speed: {type: 'string'},
	cash: {type: 'string'},
	strategy: {type: 'string'},
	json: {type: 'boolean'},
	days: {type: 'string'},
	positionSize: {type: 'string'},
	maxPositions: {type: 'string'},
	bench: {type: 'string'},
	dryRun: {type: 'boolean'},
	universe: {type: 'string'},
	port: {type: 'string'},
	maxDailyLoss: {type: 'string'},
	maxOrdersPerMinute: {type: 'string'},
	maxPositionUsd: {type: 'string'},
	flattenOnLoss: {type: 'boolean'},
	sma: {type: 'string'},
	takeProfit: {type: 'string'},
	staleBuy: {type: 'string'},
	eod: {type: 'string'},
	hftRatio: {type: 'string'},
	hftSize: {type: 'string'},
	walkForward: {type: 'string'},
	workers: {type: 'string'},
	top: {type: 'string'},
	from: {type: 'string'},
	to: {type: 'string'},
	date: {type: 'string'},
	timeframe: {type: 'string'},
	adjustment: {type: 'string'},
	cacheDir: {type: 'string'},
	by: {type: 'string'},
} as const;

export type FlagName = Exclude<keyof typeof flagSpec, 'help'>;

export type CliFlags = {
	[K in FlagName]?: (typeof flagSpec)[K] extends {isMultiple: true} ? string[] : (typeof flagSpec)[K]['type'] extends 'boolean' ? boolean : string;
};

/** camelCase flag name -> the spelling users type ("hftQty" -> "hft-qty"). */
export function kebab(name: string): string {
	return name.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`);
}

/** Every spelling meow may report for a known flag (camelCase, kebab-case, short). */
export const knownFlagSpellings: ReadonlySet<string> = new Set<string>(['version', 'h', ...Object.keys(flagSpec), ...Object.keys(flagSpec).map(kebab)]);
