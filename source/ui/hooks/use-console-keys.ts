/**
 * Wires Ink's input to the pure key reducer and carries out its commands on the session.
 * After an engine command the store publishes at once, so the effect shows in the next frame.
 */
import {useCallback, useRef, useState} from 'react';
import {useInput, useStdin, type Key} from 'ink';
import type {SessionControl} from '../../engine/control.js';
import {initialUiState, reduceKey, toKeyPress, type Command, type Exposure, type KeyContext, type ShutdownHow, type UiState} from '../keymap.js';
import type {SnapshotStore} from '../store.js';

export interface ConsoleKeyOptions {
	readonly control: SessionControl;
	readonly store: SnapshotStore;
	/** Everything the reducer needs except the exposure question, which asks `control`. */
	readonly context: Omit<KeyContext, 'hasExposure'>;
	readonly onQuit: (how: ShutdownHow, reason: string) => void;
	readonly onForceExit: () => void;
}

/**
 * Run an engine command; returns a notice for the help line (or null). Quit and force-exit
 * are not engine commands and return null here.
 */
export function executeCommand(control: SessionControl, command: Command): string | null {
	switch (command.type) {
		case 'pause': {
			control.pause(command.symbol);
			return `${command.symbol} paused`;
		}
		case 'resume': {
			control.resume(command.symbol);
			return `${command.symbol} resumed`;
		}
		case 'toggle_pause_all': {
			control.togglePauseAll();
			return null;
		}
		case 'force_sell': {
			control.forceSell(command.symbol);
			return `force-selling ${command.symbol}`;
		}
		case 'cancel': {
			control.cancel(command.symbol);
			return `cancelling ${command.symbol} orders`;
		}
		case 'liquidate_all': {
			const paused = control.liquidateAll();
			return paused && paused.length > 0 ? `liquidating everything; paused ${paused.join(', ')} (p resumes)` : 'liquidating everything';
		}
		case 'kill_switch': {
			if (!control.killSwitch) return 'no kill switch in this mode';
			control.killSwitch();
			return 'KILL SWITCH: strategies stopped, orders cancelled';
		}
		case 'change_speed': {
			const speed = control.changeSpeed(command.factor);
			return speed === null ? 'speed cannot change in this mode' : `speed ${Number(speed.toFixed(2))}x`;
		}
		case 'quit':
		case 'force_exit': {
			return null;
		}
	}
}

/** Positions and open orders from a fresh snapshot (the dialogs name them). */
export function exposureOf(control: SessionControl): Exposure {
	const symbols = control.snapshot().symbols;
	return {
		positions: symbols.flatMap(v => (v.position && v.position.qty !== 0 ? [{symbol: v.symbol, qty: v.position.qty}] : [])),
		orders: symbols.flatMap(v => (v.openOrder ? [{symbol: v.symbol, side: v.openOrder.side, qty: v.openOrder.qty - v.openOrder.filledQty}] : [])),
	};
}

export function useConsoleKeys({control, store, context, onQuit, onForceExit}: ConsoleKeyOptions): UiState {
	const [ui, setUi] = useState<UiState>(initialUiState);
	// Refs so one stable input handler always sees the latest state and props (a new handler
	// each render would make Ink re-subscribe to stdin every frame).
	const state = useRef(ui);
	const latest = useRef({control, store, context, onQuit, onForceExit});
	latest.current = {control, store, context, onQuit, onForceExit};
	const {isRawModeSupported} = useStdin();

	const handle = useCallback((input: string, key: Key) => {
		const press = toKeyPress(input, key);
		if (!press) return;
		const current = latest.current;
		const result = reduceKey(state.current, press, {
			...current.context,
			hasExposure: () => current.control.hasExposure(),
			exposure: () => exposureOf(current.control),
		});
		let next = result.state;
		const command = result.command;
		if (command?.type === 'quit') {
			current.onQuit(command.how, command.reason);
		} else if (command?.type === 'force_exit') {
			current.onForceExit();
		} else if (command) {
			try {
				const notice = executeCommand(current.control, command);
				if (notice !== null) next = {...next, notice};
			} catch (error) {
				next = {...next, notice: `failed: ${error instanceof Error ? error.message : String(error)}`};
			}
			current.store.refresh();
		}
		if (next !== state.current) {
			state.current = next;
			setUi(next);
		}
	}, []);

	useInput(handle, {isActive: isRawModeSupported === true});
	return ui;
}
