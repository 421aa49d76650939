/**
 * Process signals that end a console session. Both the interactive console and the headless
 * runner shut the session down cleanly on them instead of letting the process die with orders
 * open; a listener of our own also stops Ink's signal-exit hook from unmounting early.
 */

export type ExitSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export const EXIT_SIGNALS: readonly ExitSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Conventional exit status after a signal (128 + signal number). */
export const SIGNAL_EXIT_CODES: Readonly<Record<ExitSignal, number>> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143};

/** Where signals come from: `process`, or a plain emitter in tests. */
export interface SignalSource {
	on(signal: ExitSignal, listener: () => void): unknown;
	off(signal: ExitSignal, listener: () => void): unknown;
}

/** Call `handler` on each exit signal until the returned function is called. */
export function watchSignals(handler: (signal: ExitSignal) => void, source: SignalSource = process): () => void {
	const listeners = EXIT_SIGNALS.map(signal => {
		const listener = (): void => {
			handler(signal);
		};
		source.on(signal, listener);
		return {signal, listener};
	});
	return () => {
		for (const {signal, listener} of listeners) source.off(signal, listener);
	};
}
