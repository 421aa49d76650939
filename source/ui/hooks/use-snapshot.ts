/**
 * The engine snapshot of the current frame, from the frame-batched store.
 */
import {useSyncExternalStore} from 'react';
import type {EngineSnapshot} from '../../engine/snapshot.js';
import type {SnapshotStore} from '../store.js';

export function useSnapshot(store: SnapshotStore): EngineSnapshot {
	return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
