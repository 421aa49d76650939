import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import {RebalanceView, progressBar} from '../../source/ui/components/rebalance-view.js';
import {emptySnapshot} from '../../source/strategies/rebalance/snapshot.js';
import type {RebalanceSnapshot} from '../../source/strategies/rebalance/snapshot.js';

const snapshot: RebalanceSnapshot = {
	...emptySnapshot('paper'),
	date: '2018-02-07',
	phase: 'selling',
	message: 'selling 2',
	cash: 105.595,
	prevDate: '2018-02-06',
	universe: 505,
	scored: 505,
	candidates: [
		{rank: 1, symbol: 'NWL', score: -0.221228716425, last: 24.41, eligible: true, held: true},
		{rank: 2, symbol: 'UAL', score: -0.101744947799, last: 66.08, eligible: true, held: false},
		{rank: 3, symbol: 'AVGO', score: -0.053626988666, last: 247.17, eligible: false, held: false},
	],
	holdings: [
		{symbol: 'NWL', qty: 4, avgPrice: 24.65},
		{symbol: 'SCG', qty: 2, avgPrice: 40.58},
	],
	orders: [
		{clientOrderId: 'rb-2018-02-07-SCG-sell', symbol: 'SCG', side: 'sell', qty: 2, filledQty: 2, avgPrice: 41.81, status: 'filled', message: null},
		{clientOrderId: 'rb-2018-02-07-UAL-buy', symbol: 'UAL', side: 'buy', qty: 1, filledQty: 0, avgPrice: null, status: 'planned', message: null},
	],
	wait: {side: 'sell', elapsedMs: 3000, limitMs: 30000, pending: 1},
};

test('shows the ranked candidates, holdings, planned orders with fill progress', () => {
	const {lastFrame, unmount} = render(<RebalanceView snapshot={snapshot} width={80} />);
	const frame = lastFrame() ?? '';
	assert.match(frame, /Rebalance · paper · 2018-02-07 · selling · cash \$105\.60/);
	assert.match(frame, /Ranked: 505 of 505 symbols with a bar on 2018-02-06; top 3/);
	assert.match(frame, /1 {2}NWL +-22\.12% +24\.41 {2}held/);
	assert.match(frame, /3 {2}AVGO +-5\.36% +247\.17 {2}above cash/);
	assert.match(frame, /Holdings: 2\n {2}NWL +4 {2}avg +24\.65/);
	assert.match(frame, /sell SCG +2 \[#+\] +2\/2 filled @ 41\.81/);
	assert.match(frame, /buy {2}UAL +1 \[-+\] +0\/1 planned/);
	assert.match(frame, /Waiting for sells: 1 pending, 3 s of 30 s/);
	unmount();
});

test('fits a narrow width and caps the candidate list', () => {
	const many = {
		...snapshot,
		candidates: Array.from({length: 25}, (_, i) => ({rank: i + 1, symbol: `S${i}`, score: -0.1 + i / 1000, last: 10, eligible: true, held: false})),
	};
	const {lastFrame, unmount} = render(<RebalanceView snapshot={many} width={40} maxCandidates={5} />);
	const frame = lastFrame() ?? '';
	for (const line of frame.split('\n')) assert.ok(line.length <= 40, `too wide (${line.length}): ${line}`);
	assert.match(frame, /… 20 more/);
	assert.ok(!frame.includes(' S5 '));
	unmount();
});

test('an empty snapshot renders without numbers it does not have', () => {
	const {lastFrame, unmount} = render(<RebalanceView snapshot={emptySnapshot('sim')} />);
	const frame = lastFrame() ?? '';
	assert.match(frame, /Rebalance · sim · - · starting/);
	assert.match(frame, /\(none yet\)/);
	assert.match(frame, /Orders: none/);
	assert.ok(!/NaN|undefined/.test(frame));
	unmount();
});

test('progress bar', () => {
	assert.equal(progressBar(0, 10, 4), '[----]');
	assert.equal(progressBar(5, 10, 4), '[##--]');
	assert.equal(progressBar(10, 10, 4), '[####]');
	assert.equal(progressBar(3, 0, 4), '[----]');
});
