import assert from 'node:assert/strict';
import {test} from 'node:test';
import {ChurnMap} from '../../source/core/churn-map.js';

/** The same operations on a ChurnMap and a Map give the same answers and the same order. */
function replay(ops: readonly ['set' | 'delete', string, number][]): void {
	const churn = new ChurnMap<string, number>();
	const plain = new Map<string, number>();
	for (const [op, key, value] of ops) {
		if (op === 'set') {
			churn.set(key, value);
			plain.set(key, value);
		} else assert.equal(churn.delete(key), plain.delete(key), `delete ${key}`);
		assert.equal(churn.size, plain.size);
		assert.equal(churn.get(key), plain.get(key));
		assert.equal(churn.has(key), plain.has(key));
	}
	assert.deepEqual([...churn], [...plain]);
	assert.deepEqual([...churn.keys()], [...plain.keys()]);
	assert.deepEqual([...churn.values()], [...plain.values()]);
}

test('a ChurnMap answers as a Map through thousands of sets and deletes (rebuilds included)', () => {
	const ops: ['set' | 'delete', string, number][] = [];
	let seed = 7;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
	for (let i = 0; i < 5000; i++) {
		const key = `k${next() % 300}`;
		ops.push([next() % 3 === 0 ? 'delete' : 'set', key, i]);
	}
	replay(ops);
});

test('a key deleted and set again moves to the end, as in a Map; an update stays in place', () => {
	replay([
		['set', 'a', 1],
		['set', 'b', 2],
		['set', 'c', 3],
		['delete', 'a', 0],
		['set', 'a', 4],
		['set', 'b', 5],
		['delete', 'x', 0],
	]);
});

test('deleting while iterating the keys visits each live key once', () => {
	const map = new ChurnMap<string, number>();
	for (let i = 0; i < 100; i++) map.set(`k${i}`, i);
	for (let i = 0; i < 60; i++) map.delete(`k${i}`);
	const seen: string[] = [];
	for (const key of map.keys()) {
		seen.push(key);
		if (key.endsWith('0')) map.delete(key);
	}
	assert.equal(seen.length, 40);
	assert.equal(map.size, 36);
});
