/** The rebalancer's Ink view, mounted only when stdout is a terminal (Ink and React load lazily). */
import type {RebalanceSnapshot} from '../strategies/rebalance/snapshot.js';
import type {TextIo} from './shared.js';

export interface ViewHandle {
	update(snapshot: RebalanceSnapshot): void;
	stop(): void;
}

export async function startInkView(io: TextIo): Promise<ViewHandle | null> {
	const stdout = io.stdout as unknown as NodeJS.WriteStream;
	if (stdout.isTTY !== true) return null;
	const [{render}, React, {RebalanceView}] = await Promise.all([import('ink'), import('react'), import('../ui/components/rebalance-view.js')]);
	const width = () => Math.max(40, (stdout.columns || 100) - 1);
	let instance: ReturnType<typeof render> | null = null;
	return {
		update(snapshot) {
			const element = React.createElement(RebalanceView, {snapshot, width: width()});
			if (instance) instance.rerender(element);
			else instance = render(element, {stdout, patchConsole: false, exitOnCtrlC: false});
		},
		stop() {
			instance?.unmount();
			instance = null;
		},
	};
}
