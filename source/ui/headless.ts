/**
 * Headless console: when stdout is not a terminal, print each new log line
 * ("HH:MM:SS SYMBOL text") instead of drawing panels. Ends when the session reports
 * `finished` or on SIGINT / SIGTERM / SIGHUP, always through `control.shutdown`.
 */
import type {SessionControl} from '../engine/control.js';
import type {EngineSnapshot, LogLine} from '../engine/snapshot.js';
import {formatLogLine} from './format.js';
import {createLogFollower, logFileFailure, openLogFile} from './log-file.js';
import {SIGNAL_EXIT_CODES, watchSignals, type SignalSource} from './signals.js';
import {createSnapshotStore, type FrameTimer} from './store.js';

export interface HeadlessOptions {
	readonly stdout: NodeJS.WritableStream;
	readonly stderr?: NodeJS.WritableStream;
	readonly logFile?: string;
	/** How often new lines are collected (default 100 ms). */
	readonly frameMs?: number;
	readonly timer?: FrameTimer;
	/** Signal source (default `process`). */
	readonly signals?: SignalSource;
}

export async function runHeadless(control: SessionControl, options: HeadlessOptions): Promise<number> {
	const {stdout} = options;
	const stderr = options.stderr ?? process.stderr;
	const file = options.logFile ? openLogFile(options.logFile) : null;
	const follower = createLogFollower();
	let stdoutOpen = true;
	// A closed pipe (`| head`) must not crash the session: stop printing, keep shutting down.
	const onStdoutError = (): void => {
		stdoutOpen = false;
	};
	stdout.on('error', onStdoutError);

	const print = (lines: readonly LogLine[]): void => {
		if (lines.length === 0) return;
		file?.append(lines);
		if (!stdoutOpen) return;
		let text = '';
		for (const line of lines) text += `${formatLogLine(line)}\n`;
		stdout.write(text);
	};

	const store = createSnapshotStore(control, {frameMs: options.frameMs ?? 100, ...(options.timer ? {timer: options.timer} : {})});

	return new Promise<number>(resolve => {
		let stopping = false;
		let settled = false;
		const settle = (code: number): void => {
			if (settled) return;
			settled = true;
			stdout.off('error', onStdoutError);
			resolve(code);
		};
		let stopSignals = (): void => {};
		let unsubscribe = (): void => {};
		let stopFatal = (): void => {};
		/** A failure that ended the session: printed last, exit status 1. */
		let fatal: string | null = null;

		const stop = async (reason: string, code: number): Promise<void> => {
			if (stopping) return;
			stopping = true;
			let exitCode = code;
			try {
				await control.shutdown({how: 'cancel_orders', reason});
			} catch (error) {
				stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
				exitCode = 1;
			}
			store.refresh();
			print(follower.take(store.getSnapshot().log));
			unsubscribe();
			stopFatal();
			store.dispose();
			stopSignals();
			await file?.close();
			const logFailure = options.logFile ? logFileFailure(options.logFile, file) : null;
			if (logFailure !== null) stderr.write(`scalp-tui: ${logFailure}\n`);
			if (fatal !== null) {
				stderr.write(`scalp-tui: ${fatal}\n`);
				if (exitCode === 0) exitCode = 1;
			}
			settle(exitCode);
		};

		const onSnapshot = (snapshot: EngineSnapshot): void => {
			print(follower.take(snapshot.log));
			if (snapshot.finished) void stop('finished', 0);
		};

		stopSignals = watchSignals(signal => {
			if (stopping) {
				// A second signal: stop waiting for the engine; a third one gets the default action.
				stopSignals();
				settle(SIGNAL_EXIT_CODES[signal]);
				return;
			}
			void stop(signal, SIGNAL_EXIT_CODES[signal]);
		}, options.signals);
		stopFatal =
			control.onFatal?.(message => {
				fatal ??= message;
				void stop('fatal', 1);
			}) ?? stopFatal;
		unsubscribe = store.subscribe(() => {
			if (!stopping) onSnapshot(store.getSnapshot());
		});
		onSnapshot(store.getSnapshot());
	});
}
