import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {Key} from 'ink';
import {initialUiState, reduceKey, toKeyPress, type Command, type KeyContext, type KeyPress, type UiState} from '../../source/ui/keymap.js';

const char = (c: string): KeyPress => ({kind: 'char', char: c});

function context(overrides: Partial<KeyContext> = {}): KeyContext {
	return {
		symbols: [
			{symbol: 'AAPL', paused: false},
			{symbol: 'MSFT', paused: true},
			{symbol: 'SPY', paused: false},
			{symbol: 'TSLA', paused: false},
			{symbol: 'NVDA', paused: false},
		],
		gridColumns: 2,
		perPage: 4,
		mode: 'sim',
		hasExposure: () => false,
		...overrides,
	};
}

/** Feed keys in order; collect every command. */
function press(keys: KeyPress[], ctx = context(), start: UiState = initialUiState): {state: UiState; commands: Command[]} {
	let state = start;
	const commands: Command[] = [];
	for (const key of keys) {
		const result = reduceKey(state, key, ctx);
		state = result.state;
		if (result.command) commands.push(result.command);
	}
	return {state, commands};
}

test('arrows, j/k and Tab move the selection through the grid', () => {
	assert.equal(press([{kind: 'right'}]).state.selected, 1);
	assert.equal(press([{kind: 'down'}]).state.selected, 2);
	assert.equal(press([char('j'), char('j')]).state.selected, 4);
	assert.equal(press([char('j'), char('k')]).state.selected, 0);
	assert.equal(press([{kind: 'left'}]).state.selected, 0, 'clamped at the first panel');
	assert.equal(press([{kind: 'up'}]).state.selected, 0, 'no row above');
	assert.equal(press([{kind: 'tab', shift: true}]).state.selected, 4, 'shift+tab wraps to the last');
	assert.equal(press([{kind: 'end'}, {kind: 'tab', shift: false}]).state.selected, 0, 'tab wraps to the first');
	// From index 3 (row 1) down: row 2 only has index 4.
	assert.equal(press([{kind: 'end'}, {kind: 'left'}, {kind: 'down'}]).state.selected, 4);
	assert.equal(press([{kind: 'page_down'}]).state.selected, 4);
	assert.deepEqual(press([{kind: 'right'}, {kind: 'down'}]).commands, []);
});

test('p pauses or resumes the selected symbol, P toggles all, c cancels', () => {
	assert.deepEqual(press([char('p')]).commands, [{type: 'pause', symbol: 'AAPL'}]);
	assert.deepEqual(press([{kind: 'right'}, char('p')]).commands, [{type: 'resume', symbol: 'MSFT'}]);
	assert.deepEqual(press([char('P')]).commands, [{type: 'toggle_pause_all'}]);
	assert.deepEqual(press([{kind: 'down'}, char('c')]).commands, [{type: 'cancel', symbol: 'SPY'}]);
});

test('s force-sells only after y; n and Esc cancel; other keys wait', () => {
	const asked = press([{kind: 'right'}, char('s')]);
	assert.deepEqual(asked.commands, []);
	assert.deepEqual(asked.state.overlay, {kind: 'confirm', action: {type: 'force_sell', symbol: 'MSFT'}});
	assert.deepEqual(press([char('p'), char('q'), char('y')], context(), asked.state).commands, [{type: 'force_sell', symbol: 'MSFT'}]);
	for (const no of [char('n'), {kind: 'escape'} as KeyPress]) {
		const result = press([no, char('y')], context(), asked.state);
		assert.deepEqual(result.commands, [], 'y after cancelling does nothing');
		assert.equal(result.state.overlay.kind, 'none');
	}
});

test('L liquidates everything only after y', () => {
	assert.deepEqual(press([char('L')]).commands, []);
	assert.deepEqual(press([char('L'), char('y')]).commands, [{type: 'liquidate_all'}]);
	assert.deepEqual(press([char('L'), char('n')]).commands, []);
});

test('+ and - change the replay speed in SIM only', () => {
	assert.deepEqual(press([char('+'), char('-')]).commands, [
		{type: 'change_speed', factor: 2},
		{type: 'change_speed', factor: 0.5},
	]);
	const paper = press([char('+')], context({mode: 'paper'}));
	assert.deepEqual(paper.commands, []);
	assert.match(paper.state.notice ?? '', /SIM/);
});

test('q without exposure quits at once, cancelling orders', () => {
	const result = press([char('q')]);
	assert.deepEqual(result.commands, [{type: 'quit', how: 'cancel_orders', reason: 'quit'}]);
	assert.deepEqual(result.state.overlay, {kind: 'stopping', how: 'cancel_orders'});
});

test('q with exposure asks: f flattens, l leaves, Esc stays', () => {
	const ctx = context({hasExposure: () => true});
	const asked = press([char('q')], ctx);
	assert.deepEqual(asked.commands, []);
	assert.equal(asked.state.overlay.kind, 'quit');
	assert.deepEqual(press([char('f')], ctx, asked.state).commands, [{type: 'quit', how: 'flatten', reason: 'quit'}]);
	assert.deepEqual(press([char('l')], ctx, asked.state).commands, [{type: 'quit', how: 'leave', reason: 'quit'}]);
	const stayed = press([{kind: 'escape'}, char('p')], ctx, asked.state);
	assert.deepEqual(stayed.commands, [{type: 'pause', symbol: 'AAPL'}]);
	assert.deepEqual(press([char('y'), char('n'), char('q')], ctx, asked.state).commands, [], 'other keys do not answer');
});

test('exposure is only asked when q is pressed', () => {
	let asked = 0;
	press([char('p'), {kind: 'down'}, char('c')], context({hasExposure: () => ++asked > 0}));
	assert.equal(asked, 0);
});

test('Ctrl+C quits from anywhere with cancel_orders; a second one forces the exit', () => {
	for (const before of [[], [char('s')], [char('?')], [char('q')]] as KeyPress[][]) {
		const result = press([...before, {kind: 'ctrl_c'}], context({hasExposure: () => true}));
		assert.deepEqual(result.commands, [{type: 'quit', how: 'cancel_orders', reason: 'ctrl_c'}]);
	}
	const stopping = press([{kind: 'ctrl_c'}]).state;
	assert.deepEqual(press([char('p'), char('q'), char('y')], context(), stopping).commands, [], 'keys are ignored while stopping');
	assert.deepEqual(press([{kind: 'ctrl_c'}], context(), stopping).commands, [{type: 'force_exit'}]);
});

test('? opens the help; any key closes it without acting', () => {
	const open = press([char('?')]);
	assert.equal(open.state.overlay.kind, 'help');
	const closed = press([char('p')], context(), open.state);
	assert.deepEqual(closed.commands, []);
	assert.equal(closed.state.overlay.kind, 'none');
});

test('no symbols: selection and symbol commands do nothing', () => {
	const result = press([{kind: 'down'}, char('p'), char('s'), char('c')], context({symbols: []}));
	assert.deepEqual(result.commands, []);
	assert.equal(result.state.overlay.kind, 'none');
});

test('Ink keys map to key presses', () => {
	const none: Key = {
		upArrow: false,
		downArrow: false,
		leftArrow: false,
		rightArrow: false,
		pageDown: false,
		pageUp: false,
		home: false,
		end: false,
		return: false,
		escape: false,
		ctrl: false,
		shift: false,
		tab: false,
		backspace: false,
		delete: false,
		meta: false,
		super: false,
		hyper: false,
		capsLock: false,
		numLock: false,
	};
	assert.deepEqual(toKeyPress('c', {...none, ctrl: true}), {kind: 'ctrl_c'});
	assert.deepEqual(toKeyPress('', {...none, upArrow: true}), {kind: 'up'});
	assert.deepEqual(toKeyPress('', {...none, tab: true, shift: true}), {kind: 'tab', shift: true});
	assert.deepEqual(toKeyPress('', {...none, escape: true, meta: true}), {kind: 'escape'});
	assert.deepEqual(toKeyPress('P', {...none, shift: true}), {kind: 'char', char: 'P'});
	assert.equal(toKeyPress('x', {...none, ctrl: true}), null);
	// Several characters in one read are text (for the log filter), never commands.
	assert.deepEqual(toKeyPress('pp', none), {kind: 'text', text: 'pp'});
});

test('K asks before the kill switch; y engages it, n does not', () => {
	const ctx = {symbols: [{symbol: 'TSLA', paused: false}], gridColumns: 1, perPage: 4, mode: 'sim' as const, hasExposure: () => false};
	const asked = reduceKey(initialUiState, {kind: 'char', char: 'K'}, ctx);
	assert.equal(asked.command, undefined);
	assert.deepEqual(asked.state.overlay, {kind: 'confirm', action: {type: 'kill_switch'}});
	assert.deepEqual(reduceKey(asked.state, {kind: 'char', char: 'y'}, ctx).command, {type: 'kill_switch'});
	assert.equal(reduceKey(asked.state, {kind: 'char', char: 'n'}, ctx).command, undefined);
});

test('pasted text is no command; in the log filter it is text', () => {
	const outside = press([{kind: 'text', text: 'pq'}]);
	assert.deepEqual(outside.commands, []);
	assert.equal(outside.state.overlay.kind, 'none');
	const typed = press([{kind: 'char', char: '/'}, {kind: 'text', text: 'fill'}, {kind: 'enter'}]);
	assert.equal(typed.state.logFilter, 'fill');
	assert.equal(typed.state.filterDraft, null);
});

// --- dialogs state exactly what they do, and re-check when answered (issue 11 item 3) ----

function exposed(positions: Array<{symbol: string; qty: number}>, orders: Array<{symbol: string; side: string; qty: number}> = []) {
	const now = {positions, orders};
	return {now, ctx: context({exposure: () => now, hasExposure: () => now.positions.length + now.orders.length > 0})};
}

test('s with no position and no order on the symbol says "nothing to sell" and asks nothing', () => {
	const {ctx} = exposed([{symbol: 'TSLA', qty: 5}]);
	const result = press([char('s')], ctx);
	assert.equal(result.state.overlay.kind, 'none');
	assert.equal(result.state.notice, 'AAPL: nothing to sell (no position, no open order)');
	assert.deepEqual(result.commands, []);
});

test('s names the position it will sell; answered after the position went away it sends nothing', () => {
	const {now, ctx} = exposed([{symbol: 'AAPL', qty: 12}], [{symbol: 'AAPL', side: 'sell', qty: 12}]);
	const asked = press([char('s')], ctx);
	assert.deepEqual(asked.state.overlay, {kind: 'confirm', action: {type: 'force_sell', symbol: 'AAPL'}, detail: 'position AAPL 12; order AAPL sell 12'});
	assert.deepEqual(press([char('y')], ctx, asked.state).commands, [{type: 'force_sell', symbol: 'AAPL'}]);
	now.positions = [];
	now.orders = [];
	const late = press([char('y')], ctx, asked.state);
	assert.deepEqual(late.commands, []);
	assert.equal(late.state.notice, 'AAPL: nothing to sell (no position, no open order)');
});

test('L names everything it sells; with nothing open it says so', () => {
	const {ctx} = exposed([
		{symbol: 'AAPL', qty: 3},
		{symbol: 'TSLA', qty: 4},
	]);
	const asked = press([char('L')], ctx);
	assert.deepEqual(asked.state.overlay, {kind: 'confirm', action: {type: 'liquidate_all'}, detail: 'positions AAPL 3, TSLA 4'});
	const none = exposed([]);
	const result = press([char('L')], none.ctx);
	assert.equal(result.state.overlay.kind, 'none');
	assert.equal(result.state.notice, 'nothing to liquidate (no position, no open order)');
});

test('quit names what is open; answered after everything closed, it quits plainly (cancel orders)', () => {
	const {now, ctx} = exposed([{symbol: 'TSLA', qty: 4}]);
	const asked = press([char('q')], ctx);
	assert.deepEqual(asked.state.overlay, {kind: 'quit', detail: 'position TSLA 4'});
	now.positions = [];
	assert.deepEqual(press([char('f')], ctx, asked.state).commands, [{type: 'quit', how: 'cancel_orders', reason: 'quit'}]);
	now.positions = [{symbol: 'TSLA', qty: 4}];
	assert.deepEqual(press([char('f')], ctx, asked.state).commands, [{type: 'quit', how: 'flatten', reason: 'quit'}]);
});
