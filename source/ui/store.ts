/**
 * Frame-batched snapshot store: the bridge between a busy engine and React.
 *
 * The engine may call `onChange` thousands of times a second; the store only marks itself dirty
 * and publishes a fresh `control.snapshot()` at most once per frame interval. React reads it
 * through `useSyncExternalStore` (`subscribe` / `getSnapshot`), so a burst of market events costs
 * one render. A heartbeat republishes now and then so clocks and order ages keep moving when
 * the market is quiet.
 */
import type {SessionControl} from '../engine/control.js';
import type {EngineSnapshot} from '../engine/snapshot.js';

/** Time source and timers, injectable so tests drive frames by hand. */
export interface FrameTimer {
	now(): number;
	setTimeout(callback: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export const realTimer: FrameTimer = {
	now: () => performance.now(),
	setTimeout(callback, ms) {
		return setTimeout(callback, ms);
	},
	clearTimeout(handle) {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

export interface SnapshotStoreOptions {
	/** Shortest interval between two publishes (default 66 ms: 15 frames/s). */
	readonly frameMs?: number;
	/** Republish at least this often even without changes (default 1000 ms; 0 = never). */
	readonly heartbeatMs?: number;
	readonly timer?: FrameTimer;
	/** Called with the time one publish took (snapshot + every listener, i.e. the React commit). */
	readonly onPublish?: (ms: number) => void;
}

export interface StoreStats {
	/** onChange calls received. */
	readonly changes: number;
	/** Snapshots published. */
	readonly publishes: number;
	/** control.snapshot() calls that threw (the previous snapshot stays). */
	readonly errors: number;
}

export interface SnapshotStore {
	/** useSyncExternalStore subscribe: the listener runs after each publish. */
	subscribe(listener: () => void): () => void;
	/** The current snapshot; the same object until the next publish. */
	getSnapshot(): EngineSnapshot;
	/** Publish now, ignoring the frame interval (after a key command, at shutdown). */
	refresh(): void;
	/** Stop listening to the engine and cancel timers. */
	dispose(): void;
	stats(): StoreStats;
}

export function createSnapshotStore(control: SessionControl, options: SnapshotStoreOptions = {}): SnapshotStore {
	const frameMs = options.frameMs ?? 66;
	const heartbeatMs = options.heartbeatMs ?? 1000;
	const timer = options.timer ?? realTimer;
	const listeners = new Set<() => void>();
	let snapshot = control.snapshot();
	let lastPublish = timer.now();
	let dirty = false;
	let frameHandle: unknown = null;
	let heartbeatHandle: unknown = null;
	let disposed = false;
	let changes = 0;
	let publishes = 0;
	let errors = 0;

	const publish = (): void => {
		if (disposed) return;
		const started = timer.now();
		dirty = false;
		lastPublish = started;
		try {
			snapshot = control.snapshot();
		} catch {
			errors++;
			return;
		}
		publishes++;
		for (const listener of [...listeners]) listener();
		options.onPublish?.(timer.now() - started);
	};

	const onFrame = (): void => {
		frameHandle = null;
		if (dirty) publish();
	};

	const schedule = (): void => {
		if (frameHandle !== null || disposed) return;
		const wait = Math.max(0, lastPublish + frameMs - timer.now());
		frameHandle = timer.setTimeout(onFrame, wait);
	};

	const onHeartbeat = (): void => {
		heartbeatHandle = null;
		if (disposed) return;
		if (timer.now() - lastPublish >= heartbeatMs - 1) {
			dirty = true;
			schedule();
		}
		startHeartbeat();
	};

	function startHeartbeat(): void {
		if (heartbeatMs <= 0 || disposed) return;
		heartbeatHandle = timer.setTimeout(onHeartbeat, heartbeatMs);
		// Never keep the process alive just to tick the clock.
		(heartbeatHandle as {unref?: () => void} | null)?.unref?.();
	}

	const unsubscribe = control.onChange(() => {
		changes++;
		dirty = true;
		schedule();
	});
	startHeartbeat();

	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		getSnapshot: () => snapshot,
		refresh() {
			if (frameHandle !== null) {
				timer.clearTimeout(frameHandle);
				frameHandle = null;
			}
			publish();
		},
		dispose() {
			if (disposed) return;
			disposed = true;
			unsubscribe();
			if (frameHandle !== null) timer.clearTimeout(frameHandle);
			if (heartbeatHandle !== null) timer.clearTimeout(heartbeatHandle);
			frameHandle = null;
			heartbeatHandle = null;
			listeners.clear();
		},
		stats: () => ({changes, publishes, errors}),
	};
}
