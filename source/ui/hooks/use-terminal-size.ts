/**
 * Terminal columns and rows, following resizes.
 *
 * `createSizeSource` is meant to be created before Ink renders: its resize listener then runs
 * before Ink's own, so Ink's resize repaint already sees the new layout instead of drawing the
 * old, now too wide, frame once more.
 */
import {useSyncExternalStore} from 'react';
import {useStdout} from 'ink';

export interface TerminalSize {
	readonly columns: number;
	readonly rows: number;
}

export interface SizeSource {
	get(): TerminalSize;
	subscribe(listener: () => void): () => void;
}

interface ResizableStream {
	readonly columns?: number;
	readonly rows?: number;
	on(event: 'resize', listener: () => void): unknown;
	off(event: 'resize', listener: () => void): unknown;
}

function read(stream: ResizableStream): TerminalSize {
	return {columns: stream.columns || 80, rows: stream.rows || 24};
}

export function createSizeSource(stream: ResizableStream): SizeSource & {dispose(): void} {
	let size = read(stream);
	const listeners = new Set<() => void>();
	const onResize = (): void => {
		const next = read(stream);
		if (next.columns === size.columns && next.rows === size.rows) return;
		size = next;
		for (const listener of [...listeners]) listener();
	};
	stream.on('resize', onResize);
	return {
		get: () => size,
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		dispose() {
			stream.off('resize', onResize);
			listeners.clear();
		},
	};
}

const fixed = (size: TerminalSize): SizeSource => ({get: () => size, subscribe: () => () => {}});

/**
 * Size from `source` (a live SizeSource or a fixed size, as tests pass), else from Ink's stdout.
 */
export function useTerminalSize(source?: SizeSource | TerminalSize): TerminalSize {
	const {stdout} = useStdout();
	// One source for the component's lifetime (hooks must not change with props).
	const own = useOwnSource(stdout, source);
	return useSyncExternalStore(own.subscribe, own.get);
}

function isSource(value: SizeSource | TerminalSize): value is SizeSource {
	return typeof (value as SizeSource).get === 'function';
}

const fixedCache = new WeakMap<TerminalSize, SizeSource>();
const streamCache = new WeakMap<object, SizeSource>();

function useOwnSource(stdout: NodeJS.WriteStream, source: SizeSource | TerminalSize | undefined): SizeSource {
	if (source) {
		if (isSource(source)) return source;
		let cached = fixedCache.get(source);
		if (!cached) {
			cached = fixed(source);
			fixedCache.set(source, cached);
		}
		return cached;
	}
	let cached = streamCache.get(stdout);
	if (!cached) {
		cached = createSizeSource(stdout);
		streamCache.set(stdout, cached);
	}
	return cached;
}
