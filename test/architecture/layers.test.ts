/**
 * The layer rules: each module belongs to one layer and imports only from the layers listed as
 * below it (or its own), so lower layers never depend on what is built on them; and no module
 * reaches itself through its imports (no cycles). Imports are read from the source text, type
 * imports and lazy `import()` included.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {ROOT} from '../_helpers/cli.js';

interface Layer {
	readonly name: string;
	readonly files: RegExp;
	/** Layers this one may import from (besides itself). */
	readonly may: readonly string[];
}

// First match wins: the narrow layers come before the folders they sit in.
const LAYERS: readonly Layer[] = [
	{name: 'core', files: /^core\//, may: []},
	{name: 'ports', files: /^ports\//, may: ['core']},
	{name: 'files', files: /^(regular-file|env-file|paths|pid-lock)\.ts$/, may: ['core']},
	{name: 'journal', files: /^journal\//, may: ['core', 'files']},
	// What strategies and the console see of the engine: the context strategies run in, the views
	// they publish, the order history; these import only core and ports.
	{name: 'strategy contract', files: /^engine\/(context|snapshot|order-history)\.ts$/, may: ['core', 'ports']},
	{name: 'strategies', files: /^strategies\//, may: ['core', 'ports', 'strategy contract']},
	// Trades and P&L read from journal records (reports, the session summary).
	{name: 'report', files: /^report\//, may: ['core', 'journal']},
	{name: 'engine', files: /^engine\//, may: ['core', 'ports', 'journal', 'strategy contract', 'strategies', 'report']},
	{name: 'adapters', files: /^adapters\//, may: ['core', 'ports', 'files', 'journal']},
	{name: 'backtest', files: /^backtest\//, may: ['core', 'ports', 'files', 'journal', 'strategy contract', 'strategies', 'engine', 'adapters']},
	{name: 'emulate', files: /^emulate\//, may: ['core', 'ports', 'files', 'journal', 'adapters']},
	{name: 'ui', files: /^ui\//, may: ['core', 'journal', 'strategy contract', 'strategies', 'engine']},
	{name: 'flags', files: /^(config|signal-loader|strategy-flags)\.ts$|^cli\/(flags|defaults)\.ts$/, may: ['core', 'files', 'strategy contract', 'strategies']},
	{
		name: 'research',
		files: /^research\//,
		may: ['core', 'ports', 'files', 'journal', 'strategy contract', 'strategies', 'engine', 'adapters', 'backtest', 'flags'],
	},
	{
		name: 'session',
		files: /^session\//,
		may: ['core', 'ports', 'files', 'journal', 'strategy contract', 'strategies', 'engine', 'adapters', 'backtest', 'ui', 'report'],
	},
	{
		name: 'commands',
		files: /^commands\//,
		may: [
			'core',
			'ports',
			'files',
			'journal',
			'strategy contract',
			'strategies',
			'engine',
			'adapters',
			'backtest',
			'emulate',
			'ui',
			'flags',
			'research',
			'session',
			'report',
		],
	},
	{name: 'cli', files: /^cli(\.tsx|\/)/, may: ['core', 'files', 'flags', 'commands', 'session']},
];
const SOURCE = join(ROOT, 'source');

function sourceFiles(dir = SOURCE): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
		else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(SOURCE, path));
	}
	return out.sort();
}

/** The source modules `file` imports (relative specifiers, resolved to source paths). */
function importsOf(file: string, text = readFileSync(join(SOURCE, file), 'utf8')): string[] {
	const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(m => m[1] ?? m[2]!);
	const out: string[] = [];
	for (const spec of specs) {
		if (!spec.startsWith('.')) continue;
		const target = relative(SOURCE, resolve(SOURCE, dirname(file), spec));
		out.push(target.replace(/\.js$/, existsTsx(target) ? '.tsx' : '.ts'));
	}
	return out;
}

function existsTsx(target: string): boolean {
	try {
		return statSync(join(SOURCE, target.replace(/\.js$/, '.tsx'))).isFile();
	} catch {
		return false;
	}
}

function layerOf(file: string): Layer {
	const layer = LAYERS.find(l => l.files.test(file));
	assert.ok(layer, `${file} belongs to no layer: add it to LAYERS in test/architecture/layers.test.ts`);
	return layer;
}

function layerViolations(files: readonly string[], read: (file: string) => string[]): string[] {
	const found: string[] = [];
	for (const file of files) {
		const from = layerOf(file);
		for (const target of read(file)) {
			const to = layerOf(target);
			if (to !== from && !from.may.includes(to.name)) found.push(`${file} (${from.name}) imports ${target} (${to.name})`);
		}
	}
	return found;
}

/** Every import cycle, each as the list of modules on it (found by a depth-first search). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
	const found: string[][] = [];
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (node: string): void => {
		state.set(node, 'open');
		stack.push(node);
		for (const next of graph.get(node) ?? []) {
			if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
			else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(node, 'done');
	};
	for (const node of graph.keys()) if (!state.has(node)) visit(node);
	return found;
}

test('every module imports only from the layers below its own', () => {
	const files = sourceFiles();
	assert.ok(files.length > 100);
	assert.deepEqual(
		layerViolations(files, file => importsOf(file)),
		[],
	);
});

test('no import cycles between modules', () => {
	const graph = new Map(sourceFiles().map(file => [file, importsOf(file)]));
	assert.deepEqual(
		cycles(graph).map(c => c.join(' -> ')),
		[],
	);
});

test('the checks notice an upward import and a cycle', () => {
	const fake = new Map([
		['core/a.ts', "import {x} from '../engine/engine.js';"],
		['engine/engine.ts', "import type {Y} from '../core/a.js';\nconst lazy = () => import('../ui/app.js');"],
	]);
	const read = (file: string) => importsOf(file, fake.get(file) ?? '');
	assert.deepEqual(layerViolations([...fake.keys()], read), [
		'core/a.ts (core) imports engine/engine.ts (engine)',
		'engine/engine.ts (engine) imports ui/app.tsx (ui)',
	]);
	assert.deepEqual(
		cycles(new Map([...fake.keys()].map(f => [f, read(f)]))).map(c => c.join(' -> ')),
		['core/a.ts -> engine/engine.ts -> core/a.ts'],
	);
});
