import assert from 'node:assert/strict';
import {test} from 'node:test';
import {isSymbol, nameSymbols} from '../../source/core/symbol.js';

test('symbols look like tickers: class suffixes allowed, lower case and junk not', () => {
	for (const ok of ['A', 'AAPL', 'BRK.B', 'BF-B', 'S000']) assert.ok(isSymbol(ok), ok);
	for (const bad of ['', 'aapl', '1ABC', 'AAPL.', 'TOOLONGSYMBOL', 'A B']) assert.ok(!isSymbol(bad), bad);
});

test('a header names a few symbols in full and counts the rest of a long list', () => {
	assert.equal(nameSymbols(['AAPL', 'TSLA']), 'AAPL, TSLA');
	const twelve = Array.from({length: 12}, (_, i) => `S${i}`);
	assert.equal(nameSymbols(twelve), twelve.join(', '));
	const many = Array.from({length: 1000}, (_, i) => `S${String(i).padStart(3, '0')}`);
	assert.equal(nameSymbols(many), `${many.slice(0, 12).join(', ')} and 988 more: 1,000 symbols`);
	assert.equal(nameSymbols(many, 2), 'S000, S001 and 998 more: 1,000 symbols');
});
