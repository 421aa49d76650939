/**
 * Runs the interactive console on a terminal: renders the App with Ink, writes the log file,
 * and owns the way out. Every exit (q, Ctrl+C, SIGINT, SIGTERM, SIGHUP, a UI crash) goes through
 * `control.shutdown` once, then unmounts Ink, which restores the terminal (raw mode off,
 * cursor shown; the last frame stays on screen).
 *
 * Exit status: 0 after `q`, 130 after Ctrl+C / SIGINT, 143 after SIGTERM, 129 after SIGHUP,
 * 1 when the shutdown or the UI failed.
 */
import type {Instance} from 'ink';
import type {SessionControl} from '../engine/control.js';
import type {SessionPhase} from './app.js';
import {colorEnabled} from './hooks/use-theme.js';
import type {ShutdownHow} from './keymap.js';
import {createLogFollower, logFileFailure, openLogFile} from './log-file.js';
import {SIGNAL_EXIT_CODES, watchSignals, type SignalSource} from './signals.js';
import {createSnapshotStore} from './store.js';

export interface ConsoleOptions {
	readonly stdout?: NodeJS.WriteStream;
	readonly stdin?: NodeJS.ReadStream;
	readonly stderr?: NodeJS.WriteStream;
	/** Append every log line ("HH:MM:SS SYMBOL text") to this file. */
	readonly logFile?: string;
	/** Colours; default: off with NO_COLOR or FORCE_COLOR=0, else when stdout supports them. */
	readonly color?: boolean;
	/** Snapshot publish interval (default 80 ms: 12.5 frames/s, inside the 10-20 fps band with CPU to spare). */
	readonly frameMs?: number;
	/** Ink's write throttle (default 15 frames/s; publishes come slower, so they are never held back). */
	readonly maxFps?: number;
	/** Signal source (default `process`). */
	readonly signals?: SignalSource;
	/** Measurement hooks for the render benchmark. */
	readonly metrics?: {
		/** Ink's own render time (tree to text) per frame, ms. */
		readonly onRender?: (ms: number) => void;
		/** Time of one snapshot publish: React render + commit + layout (+ Ink render when not throttled), ms. */
		readonly onCommit?: (ms: number) => void;
	};
}

export const QUIT_EXIT_CODE = 0;
export const FAILURE_EXIT_CODE = 1;

const CI_VARIABLE = /^(CI|CONTINUOUS_INTEGRATION|CI_.*)$/;

/**
 * Ink (and everything that imports it) is loaded here, not at the top: Ink decides once, when
 * it is first loaded, whether it runs in CI, and then draws nothing but the last frame at exit.
 * A console on a real terminal must draw even where CI variables are set (an end-to-end test
 * in tmux on a CI runner), so they are hidden while Ink loads.
 */
type LoadedUi = Awaited<ReturnType<typeof loadUi>>;

async function loadUi(onTerminal: boolean) {
	const hidden: Array<[string, string | undefined]> = [];
	if (onTerminal) {
		for (const key of Object.keys(process.env)) {
			if (!CI_VARIABLE.test(key)) continue;
			hidden.push([key, process.env[key]]);
			delete process.env[key];
		}
	}
	try {
		const [ink, app, size] = await Promise.all([import('ink'), import('./app.js'), import('./hooks/use-terminal-size.js')]);
		return {render: ink.render, App: app.App, createSizeSource: size.createSizeSource};
	} finally {
		for (const [key, value] of hidden) process.env[key] = value;
	}
}

export async function runConsole(control: SessionControl, options: ConsoleOptions = {}): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	const stderr = options.stderr ?? process.stderr;
	const color = options.color ?? colorEnabled(process.env, stdout);
	const metrics = options.metrics;

	// A terminal that went away (SIGHUP, closed window) makes writes and reads fail with EIO:
	// that must not crash the process before the session is shut down.
	const ignore = (): void => {};
	stdout.on('error', ignore);
	stdin.on('error', ignore);

	const store = createSnapshotStore(control, {
		frameMs: options.frameMs ?? 80,
		...(metrics?.onCommit ? {onPublish: metrics.onCommit} : {}),
	});
	const file = options.logFile ? openLogFile(options.logFile) : null;
	const follower = createLogFollower();
	const writeLog = (): void => {
		file?.append(follower.take(store.getSnapshot().log));
	};
	const stopLog = file ? store.subscribe(writeLog) : () => {};
	writeLog();

	return new Promise<number>(resolve => {
		let phase: SessionPhase | null = null;
		let ui: LoadedUi | null = null;
		let sizes: ReturnType<LoadedUi['createSizeSource']> | null = null;
		let instance: Instance | null = null;
		let finishing = false;
		/** A failure that ended the session (journal write error): reported last, exit 1. */
		let fatal: string | null = null;

		const element = (loaded: LoadedUi, size: NonNullable<typeof sizes>) => (
			<loaded.App
				control={control}
				store={store}
				size={size}
				color={color}
				phase={phase}
				onQuit={(how, reason) => {
					void quit(how, reason, reason === 'ctrl_c' ? SIGNAL_EXIT_CODES.SIGINT : QUIT_EXIT_CODE);
				}}
				onForceExit={() => {
					void finish(SIGNAL_EXIT_CODES.SIGINT, null, true);
				}}
			/>
		);

		const setPhase = (next: SessionPhase): void => {
			phase = next;
			if (instance && ui && sizes) instance.rerender(element(ui, sizes));
		};

		/** `error` is reported on stderr; `forced` means the shutdown was not waited for. */
		const finish = async (givenCode: number, givenError: string | null, forced = false): Promise<void> => {
			if (finishing) return;
			finishing = true;
			const error = givenError ?? fatal;
			const code = fatal !== null && givenCode === 0 ? FAILURE_EXIT_CODE : givenCode;
			stopSignals();
			stopFatal();
			// Final picture: the engine's last state and the outcome of the shutdown.
			store.refresh();
			writeLog();
			if (phase) {
				const outcome = error ?? (forced ? 'stopped without waiting for the shutdown to finish' : null);
				setPhase({kind: 'stopped', how: phase.how, ...(outcome ? {error: outcome} : {})});
			}
			if (instance) {
				const exited = instance.waitUntilExit().catch(() => undefined);
				instance.unmount();
				await exited;
			}
			stopLog();
			store.dispose();
			sizes?.dispose();
			stdout.off('error', ignore);
			stdin.off('error', ignore);
			await file?.close();
			const logFailure = options.logFile ? logFileFailure(options.logFile, file) : null;
			if (logFailure !== null) stderr.write(`scalp-tui: ${logFailure}\n`);
			if (error) stderr.write(`scalp-tui: ${error}\n`);
			resolve(code);
		};

		const quit = async (how: ShutdownHow, reason: string, code: number): Promise<void> => {
			if (phase || finishing) return;
			setPhase({kind: 'stopping', how});
			let error: string | null = null;
			try {
				await control.shutdown({how, reason});
			} catch (failure) {
				error = `shutdown failed: ${failure instanceof Error ? failure.message : String(failure)}`;
			}
			await finish(error ? FAILURE_EXIT_CODE : code, error);
		};

		/** The UI could not start or crashed: shut the session down anyway (no orphan orders). */
		const failWithoutUi = (failure: unknown): void => {
			phase = {kind: 'stopping', how: 'cancel_orders'};
			const message = `console failed: ${failure instanceof Error ? failure.message : String(failure)}`;
			void (async () => {
				try {
					await control.shutdown({how: 'cancel_orders', reason: 'ui_error'});
				} catch {
					// The UI error is the one to report.
				}
				await finish(FAILURE_EXIT_CODE, message);
			})();
		};

		const stopFatal =
			control.onFatal?.(message => {
				fatal ??= message;
				void quit('cancel_orders', 'fatal', FAILURE_EXIT_CODE);
			}) ?? (() => {});

		// Signals are handled from the start, also while Ink is still loading.
		const stopSignals = watchSignals(signal => {
			const code = SIGNAL_EXIT_CODES[signal];
			// A second signal while shutting down: stop waiting for the engine.
			if (phase) void finish(code, null, true);
			else void quit('cancel_orders', signal, code);
		}, options.signals);

		const start = async (): Promise<void> => {
			const loaded = await loadUi(stdout.isTTY === true);
			// A signal during the load: its shutdown is under way, no UI to start.
			if (phase || finishing) return;
			ui = loaded;
			// Created before Ink renders so its resize handler runs first (see use-terminal-size.ts).
			sizes = loaded.createSizeSource(stdout);
			instance = loaded.render(element(loaded, sizes), {
				stdout,
				stdin,
				stderr,
				exitOnCtrlC: false,
				patchConsole: false,
				maxFps: options.maxFps ?? 15,
				// Not incrementalRendering: in Ink 6.8 it drew changed lines one row too low in a real
				// terminal (tmux) for frames shorter than the screen.
				...(metrics?.onRender
					? {
							onRender: ({renderTime}: {renderTime: number}) => {
								metrics.onRender?.(renderTime);
							},
						}
					: {}),
			});
			// A crash inside the UI unmounts Ink: still shut the session down.
			instance.waitUntilExit().catch((failure: unknown) => {
				if (finishing) return;
				instance = null;
				// Already shutting down: that flow finishes (without Ink); just report the crash.
				if (phase) {
					stderr.write(`scalp-tui: console failed: ${failure instanceof Error ? failure.message : String(failure)}\n`);
					return;
				}
				failWithoutUi(failure);
			});
		};
		start().catch(failWithoutUi);
	});
}
