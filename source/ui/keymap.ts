/**
 * Keys as a pure reducer: (ui state, key press, context) -> new ui state and at most one
 * command for the engine. No Ink, no React: every binding is testable with plain values.
 */
import type {Key} from 'ink';
import type {Mode} from '../core/types.js';

export type ShutdownHow = 'flatten' | 'cancel_orders' | 'leave';

/** A normalized key press. */
export type KeyPress =
	| {readonly kind: 'char'; readonly char: string}
	| {readonly kind: 'up'}
	| {readonly kind: 'down'}
	| {readonly kind: 'left'}
	| {readonly kind: 'right'}
	| {readonly kind: 'tab'; readonly shift: boolean}
	| {readonly kind: 'page_up'}
	| {readonly kind: 'page_down'}
	| {readonly kind: 'home'}
	| {readonly kind: 'end'}
	| {readonly kind: 'escape'}
	| {readonly kind: 'enter'}
	| {readonly kind: 'backspace'}
	/** Several characters in one read (a paste, fast typing): text for the log filter only. */
	| {readonly kind: 'text'; readonly text: string}
	| {readonly kind: 'ctrl_c'};

/** What the engine should do. `quit` is carried out by the console runner, not the engine. */
export type Command =
	| {readonly type: 'pause'; readonly symbol: string}
	| {readonly type: 'resume'; readonly symbol: string}
	| {readonly type: 'toggle_pause_all'}
	| {readonly type: 'force_sell'; readonly symbol: string}
	| {readonly type: 'cancel'; readonly symbol: string}
	| {readonly type: 'liquidate_all'}
	| {readonly type: 'kill_switch'}
	| {readonly type: 'change_speed'; readonly factor: number}
	| {readonly type: 'quit'; readonly how: ShutdownHow; readonly reason: string}
	/** A second Ctrl+C while shutting down: stop waiting. */
	| {readonly type: 'force_exit'};

export type ConfirmAction = {readonly type: 'force_sell'; readonly symbol: string} | {readonly type: 'liquidate_all'} | {readonly type: 'kill_switch'};

/** A confirmation: the action and, when known, exactly what it touches. */

export type Overlay =
	| {readonly kind: 'none'}
	| {readonly kind: 'help'}
	/** The selected symbol's orders and fills in place of the panels (`o`). */
	| {readonly kind: 'orders'}
	| {readonly kind: 'confirm'; readonly action: ConfirmAction; readonly detail?: string}
	| {readonly kind: 'quit'; readonly detail?: string}
	| {readonly kind: 'stopping'; readonly how: ShutdownHow};

export interface UiState {
	/** Index of the selected panel in the snapshot's symbol list. */
	readonly selected: number;
	readonly overlay: Overlay;
	/** One-shot message shown on the help line until the next key. */
	readonly notice: string | null;
	/** Log filter in force ('' = none): lines containing it (case-insensitive); `!text` hides them. */
	readonly logFilter: string;
	/** The filter being typed after `/` (Enter applies, Esc clears), or null. */
	readonly filterDraft: string | null;
}

export interface KeyContext {
	/** The symbols in panel order with their paused flag. */
	readonly symbols: ReadonlyArray<{readonly symbol: string; readonly paused: boolean}>;
	/** Panels per row (up/down move by this). */
	readonly gridColumns: number;
	/** Panels per page (page up/down move by this). */
	readonly perPage: number;
	readonly mode: Mode;
	/** Asked only when `q` is pressed. */
	readonly hasExposure: () => boolean;
	/**
	 * What is open right now (positions and orders per symbol), asked when a dialog opens and
	 * again when it is answered, so it states and does exactly what the fresh state allows.
	 */
	readonly exposure?: () => Exposure;
}

/** Open positions and orders, for the dialogs. */
export interface Exposure {
	readonly positions: ReadonlyArray<{readonly symbol: string; readonly qty: number}>;
	readonly orders: ReadonlyArray<{readonly symbol: string; readonly side: string; readonly qty: number}>;
}

/** One line naming the positions and orders (of one symbol, or all), or null when none. */
export function describeExposure(exposure: Exposure, symbol: string | null = null): string | null {
	const positions = exposure.positions.filter(p => p.qty !== 0 && (symbol === null || p.symbol === symbol));
	const orders = exposure.orders.filter(o => symbol === null || o.symbol === symbol);
	if (positions.length === 0 && orders.length === 0) return null;
	const parts: string[] = [];
	if (positions.length > 0) parts.push(`position${positions.length > 1 ? 's' : ''} ${positions.map(p => `${p.symbol} ${p.qty}`).join(', ')}`);
	if (orders.length > 0) parts.push(`order${orders.length > 1 ? 's' : ''} ${orders.map(o => `${o.symbol} ${o.side} ${o.qty}`).join(', ')}`);
	return parts.join('; ');
}

export interface KeyResult {
	readonly state: UiState;
	readonly command?: Command;
}

export const initialUiState: UiState = {selected: 0, overlay: {kind: 'none'}, notice: null, logFilter: '', filterDraft: null};

/** Longest log filter accepted (it has to fit the prompt line). */
export const MAX_FILTER_LENGTH = 40;

export const SPEED_FACTOR = 2;

/** Ink's (input, key) pair to a KeyPress; null for keys the console does not use. */
export function toKeyPress(input: string, key: Key): KeyPress | null {
	if (key.ctrl && input === 'c') return {kind: 'ctrl_c'};
	if (key.upArrow) return {kind: 'up'};
	if (key.downArrow) return {kind: 'down'};
	if (key.leftArrow) return {kind: 'left'};
	if (key.rightArrow) return {kind: 'right'};
	if (key.tab) return {kind: 'tab', shift: key.shift};
	if (key.pageUp) return {kind: 'page_up'};
	if (key.pageDown) return {kind: 'page_down'};
	if (key.home) return {kind: 'home'};
	if (key.end) return {kind: 'end'};
	if (key.escape) return {kind: 'escape'};
	if (key.return) return {kind: 'enter'};
	if (key.backspace || key.delete) return {kind: 'backspace'};
	if (key.ctrl || key.meta) return null;
	// Ink reports shift+tab as input "[Z" with shift on some terminals.
	if (input === '[Z') return {kind: 'tab', shift: true};
	if (input.length === 1) return {kind: 'char', char: input};
	if (input.length > 1 && !/[\u0000-\u001F\u007F]/.test(input)) return {kind: 'text', text: input};
	return null;
}

function clampIndex(index: number, count: number): number {
	if (count <= 0) return 0;
	return Math.max(0, Math.min(count - 1, index));
}

function move(selected: number, key: KeyPress, ctx: KeyContext): number | null {
	const count = ctx.symbols.length;
	if (count === 0) return null;
	const current = clampIndex(selected, count);
	const columns = Math.max(1, ctx.gridColumns);
	const char = key.kind === 'char' ? key.char : null;
	if (key.kind === 'left') return clampIndex(current - 1, count);
	if (key.kind === 'right') return clampIndex(current + 1, count);
	if (key.kind === 'tab') return (current + (key.shift ? count - 1 : 1)) % count;
	if (key.kind === 'home') return 0;
	if (key.kind === 'end') return count - 1;
	if (key.kind === 'page_up') return clampIndex(current - Math.max(1, ctx.perPage), count);
	if (key.kind === 'page_down') return clampIndex(current + Math.max(1, ctx.perPage), count);
	if (key.kind === 'up' || char === 'k') return current - columns >= 0 ? current - columns : current;
	if (key.kind === 'down' || char === 'j') {
		if (current + columns < count) return current + columns;
		// A shorter last row: go to its last panel when it lies below the current row.
		return Math.floor((count - 1) / columns) > Math.floor(current / columns) ? count - 1 : current;
	}
	return null;
}

function withNotice(state: UiState, notice: string | null): UiState {
	return state.notice === notice ? state : {...state, notice};
}

function quit(state: UiState, how: ShutdownHow, reason: string): KeyResult {
	return {state: {...state, overlay: {kind: 'stopping', how}, notice: null}, command: {type: 'quit', how, reason}};
}

export function reduceKey(state: UiState, key: KeyPress, ctx: KeyContext): KeyResult {
	const overlay = state.overlay;
	if (overlay.kind === 'stopping') {
		return key.kind === 'ctrl_c' ? {state, command: {type: 'force_exit'}} : {state};
	}
	// Ctrl+C quits from anywhere, keeping positions but leaving no open orders.
	if (key.kind === 'ctrl_c') return quit(state, 'cancel_orders', 'ctrl_c');
	const char = key.kind === 'char' ? key.char : null;

	// Typing a log filter: every character is text until Enter or Esc.
	if (state.filterDraft !== null) return {state: editFilter(state, state.filterDraft, key)};

	if (overlay.kind === 'orders') {
		if (char === 'o' || key.kind === 'escape') return {state: {...state, overlay: {kind: 'none'}, notice: null}};
		// Everything else works as usual (moving shows another symbol's orders); the list stays.
		const result = reduceKey({...state, overlay: {kind: 'none'}}, key, ctx);
		return result.state.overlay.kind === 'none' ? {...result, state: {...result.state, overlay}} : result;
	}

	if (overlay.kind === 'help') {
		return {state: {...state, overlay: {kind: 'none'}, notice: null}};
	}
	if (overlay.kind === 'confirm') {
		if (char === 'y' || char === 'Y') {
			const closed: UiState = {...state, overlay: {kind: 'none'}, notice: null};
			const nothing = nothingToSell(overlay.action, ctx);
			if (nothing !== null) return {state: {...closed, notice: nothing}};
			return {state: closed, command: overlay.action};
		}
		if (char === 'n' || char === 'N' || key.kind === 'escape') {
			return {state: {...state, overlay: {kind: 'none'}, notice: 'cancelled'}};
		}
		return {state};
	}
	if (overlay.kind === 'quit') {
		// Answered against the fresh state: with nothing open any more, quitting is plain.
		if ((char === 'f' || char === 'l') && ctx.exposure && describeExposure(ctx.exposure()) === null && !ctx.hasExposure()) {
			return quit(state, 'cancel_orders', 'quit');
		}
		if (char === 'f') return quit(state, 'flatten', 'quit');
		if (char === 'l') return quit(state, 'leave', 'quit');
		if (key.kind === 'escape') return {state: {...state, overlay: {kind: 'none'}, notice: null}};
		return {state};
	}

	const cleared = withNotice(state, null);
	const moved = move(state.selected, key, ctx);
	if (moved !== null) return {state: moved === cleared.selected ? cleared : {...cleared, selected: moved}};

	const selected = ctx.symbols[clampIndex(state.selected, ctx.symbols.length)];
	switch (char) {
		case 'p': {
			if (!selected) return {state: cleared};
			return {
				state: cleared,
				command: selected.paused ? {type: 'resume', symbol: selected.symbol} : {type: 'pause', symbol: selected.symbol},
			};
		}
		case 'P': {
			return {state: cleared, command: {type: 'toggle_pause_all'}};
		}
		case 's': {
			if (!selected) return {state: cleared};
			const action: ConfirmAction = {type: 'force_sell', symbol: selected.symbol};
			const nothing = nothingToSell(action, ctx);
			if (nothing !== null) return {state: {...cleared, notice: nothing}};
			return {state: {...cleared, overlay: withDetail(action, ctx, selected.symbol)}};
		}
		case 'c': {
			if (!selected) return {state: cleared};
			return {state: cleared, command: {type: 'cancel', symbol: selected.symbol}};
		}
		case 'L': {
			const action: ConfirmAction = {type: 'liquidate_all'};
			const nothing = nothingToSell(action, ctx);
			if (nothing !== null) return {state: {...cleared, notice: nothing}};
			return {state: {...cleared, overlay: withDetail(action, ctx, null)}};
		}
		case 'K': {
			return {state: {...cleared, overlay: {kind: 'confirm', action: {type: 'kill_switch'}}}};
		}
		case '+':
		case '=':
		case '-':
		case '_': {
			if (ctx.mode !== 'sim') return {state: withNotice(state, 'replay speed only changes in SIM')};
			const factor = char === '+' || char === '=' ? SPEED_FACTOR : 1 / SPEED_FACTOR;
			return {state: cleared, command: {type: 'change_speed', factor}};
		}
		case '?': {
			return {state: {...cleared, overlay: {kind: 'help'}}};
		}
		case 'o': {
			return {state: {...cleared, overlay: {kind: 'orders'}}};
		}
		case '/': {
			return {state: {...cleared, filterDraft: state.logFilter}};
		}
		case 'q': {
			if (ctx.hasExposure()) {
				const detail = ctx.exposure ? describeExposure(ctx.exposure()) : null;
				return {state: {...cleared, overlay: detail === null ? {kind: 'quit'} : {kind: 'quit', detail}}};
			}
			return quit(state, 'cancel_orders', 'quit');
		}
		default: {
			// Esc with nothing open drops the log filter.
			if (key.kind === 'escape' && state.logFilter !== '') return {state: {...cleared, logFilter: '', notice: 'log filter cleared'}};
			return {state: cleared};
		}
	}
}

/** The notice when a sell confirmation has nothing to act on (fresh state), else null. */
function nothingToSell(action: ConfirmAction, ctx: KeyContext): string | null {
	if (!ctx.exposure || action.type === 'kill_switch') return null;
	const exposure = ctx.exposure();
	if (action.type === 'force_sell') {
		return describeExposure(exposure, action.symbol) === null ? `${action.symbol}: nothing to sell (no position, no open order)` : null;
	}
	return describeExposure(exposure) === null && !ctx.hasExposure() ? 'nothing to liquidate (no position, no open order)' : null;
}

function withDetail(action: ConfirmAction, ctx: KeyContext, symbol: string | null): Overlay {
	const detail = ctx.exposure ? describeExposure(ctx.exposure(), symbol) : null;
	return detail === null ? {kind: 'confirm', action} : {kind: 'confirm', action, detail};
}

function editFilter(state: UiState, draft: string, key: KeyPress): UiState {
	if (key.kind === 'enter') {
		const logFilter = draft.trim();
		return {...state, filterDraft: null, logFilter, notice: logFilter ? null : 'log filter cleared'};
	}
	if (key.kind === 'escape') return {...state, filterDraft: null, logFilter: '', notice: state.logFilter ? 'log filter cleared' : null};
	if (key.kind === 'backspace') return {...state, filterDraft: draft.slice(0, -1)};
	if (key.kind === 'char' || key.kind === 'text') {
		const text = key.kind === 'char' ? key.char : key.text;
		return {...state, filterDraft: (draft + text).slice(0, MAX_FILTER_LENGTH)};
	}
	return state;
}

/** One line naming what a confirmation will do, for the dialog. */
export function describeConfirm(action: ConfirmAction): string {
	if (action.type === 'force_sell') return `Force-sell ${action.symbol}: cancel its orders and market-sell its position?`;
	if (action.type === 'kill_switch') return 'Kill switch: cancel every order and stop all strategies (positions stay; s/L still sell)?';
	return 'Liquidate everything: cancel all orders, market-sell every position and pause those symbols?';
}
