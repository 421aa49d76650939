/**
 * A SessionControl double for console tests: records every call, lets the test push
 * snapshots (firing onChange like the engine does) and decide how shutdown ends.
 * Also a manual frame timer so store publishes happen exactly when a test says.
 */
import type {SessionControl} from '../../source/engine/control.js';
import type {EngineSnapshot} from '../../source/engine/snapshot.js';
import type {FrameTimer} from '../../source/ui/store.js';
import {makeSnapshot} from './snapshots.js';

export interface ControlCall {
	readonly method: string;
	readonly args: readonly unknown[];
}

export interface FakeControl extends SessionControl {
	readonly calls: ControlCall[];
	/** Calls other than snapshot/onChange/hasExposure, as "method arg…" strings. */
	commands(): string[];
	/** Replace the snapshot (or update it) and notify listeners once. */
	push(next: EngineSnapshot | ((current: EngineSnapshot) => EngineSnapshot)): void;
	/** Notify listeners without changing anything. */
	notify(): void;
	setExposure(exposure: boolean): void;
	listenerCount(): number;
	snapshotCalls(): number;
	/** With `manualShutdown`, end a pending shutdown. */
	finishShutdown(): void;
	failShutdown(error: Error): void;
}

export interface FakeControlOptions {
	readonly exposure?: boolean;
	/** Shutdown waits for finishShutdown()/failShutdown() instead of resolving at once. */
	readonly manualShutdown?: boolean;
}

export function createFakeControl(initial: EngineSnapshot = makeSnapshot(), options: FakeControlOptions = {}): FakeControl {
	let current = initial;
	let exposure = options.exposure ?? false;
	let snapshots = 0;
	const listeners = new Set<() => void>();
	const calls: ControlCall[] = [];
	let pending: {resolve: () => void; reject: (error: Error) => void} | null = null;
	const record = (method: string, ...args: unknown[]): void => {
		calls.push({method, args});
	};
	const notify = (): void => {
		for (const listener of [...listeners]) listener();
	};
	return {
		calls,
		commands: () =>
			calls
				.filter(call => !['snapshot', 'onChange', 'hasExposure'].includes(call.method))
				.map(call => [call.method, ...call.args.map(arg => (typeof arg === 'object' ? JSON.stringify(arg) : String(arg)))].join(' ')),
		snapshot() {
			snapshots++;
			return current;
		},
		onChange(listener) {
			record('onChange');
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		pause(symbol) {
			record('pause', symbol);
		},
		resume(symbol) {
			record('resume', symbol);
		},
		togglePauseAll() {
			record('togglePauseAll');
		},
		forceSell(symbol) {
			record('forceSell', symbol);
		},
		cancel(symbol) {
			record('cancel', symbol);
		},
		liquidateAll() {
			record('liquidateAll');
		},
		changeSpeed(factor) {
			record('changeSpeed', factor);
			if (current.speed === null) return null;
			current = {...current, speed: current.speed * factor};
			notify();
			return current.speed;
		},
		hasExposure() {
			record('hasExposure');
			return exposure;
		},
		async shutdown(shutdownOptions) {
			record('shutdown', shutdownOptions);
			if (!options.manualShutdown) return;
			await new Promise<void>((resolve, reject) => {
				pending = {resolve, reject};
			});
		},
		push(next) {
			current = typeof next === 'function' ? next(current) : next;
			notify();
		},
		notify,
		setExposure(value) {
			exposure = value;
		},
		listenerCount: () => listeners.size,
		snapshotCalls: () => snapshots,
		finishShutdown() {
			pending?.resolve();
			pending = null;
		},
		failShutdown(error) {
			pending?.reject(error);
			pending = null;
		},
	};
}

export interface ManualTimer extends FrameTimer {
	/** Move time forward, running every timer that falls due (in order). */
	advance(ms: number): void;
	pending(): number;
}

export function createManualTimer(start = 0): ManualTimer {
	let now = start;
	let nextId = 1;
	const tasks = new Map<number, {at: number; callback: () => void}>();
	return {
		now: () => now,
		setTimeout(callback, ms) {
			const id = nextId++;
			tasks.set(id, {at: now + Math.max(0, ms), callback});
			return id;
		},
		clearTimeout(handle) {
			tasks.delete(handle as number);
		},
		advance(ms) {
			const end = now + ms;
			for (;;) {
				let due: [number, {at: number; callback: () => void}] | undefined;
				for (const entry of tasks) {
					if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
				}
				if (!due) break;
				tasks.delete(due[0]);
				now = due[1].at;
				due[1].callback();
			}
			now = end;
		},
		pending: () => tasks.size,
	};
}

/** Let effects, input listeners and setImmediate-flushed keys (Esc) run. */
export async function settle(): Promise<void> {
	for (let round = 0; round < 3; round++) await new Promise(resolve => setImmediate(resolve));
}
