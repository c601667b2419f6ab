import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../src/frontend/lexer.js';

const kinds = (source: string): string[] => tokenize(source).map((t) => `${t.kind}:${t.text}`);

test('integer literals: decimal, hex, binary, with separators', () => {
  assert.deepEqual(kinds('123 0x7f 0b1010 1_000_000'), ['int:123', 'int:0x7f', 'int:0b1010', 'int:1_000_000', 'eof:']);
});

test('float literals need digits after the point; `1..n` is a range', () => {
  assert.deepEqual(kinds('1.0 1e9 2.5e-3'), ['float:1.0', 'float:1e9', 'float:2.5e-3', 'eof:']);
  assert.deepEqual(kinds('1..n'), ['int:1', 'punct:..', 'name:n', 'eof:']);
  assert.deepEqual(kinds('5.'), ['int:5', 'punct:.', 'eof:']);
  assert.deepEqual(kinds('.5'), ['punct:.', 'int:5', 'eof:']);
});

test('keywords, names and the longest punctuator', () => {
  assert.deepEqual(kinds('fn f_1 self x >>>= y >> z -> w'), [
    'keyword:fn', 'name:f_1', 'keyword:self', 'name:x', 'punct:>>>=', 'name:y', 'punct:>>', 'name:z', 'punct:->', 'name:w', 'eof:',
  ]);
});

test('comments are skipped and positions count lines and columns', () => {
  const tokens = tokenize('a // one\n/* two\n three */ b\n\tc');
  assert.deepEqual(tokens.map((t) => [t.text, t.pos.line, t.pos.col]), [['a', 1, 1], ['b', 3, 11], ['c', 4, 2], ['', 4, 3]]);
});

test('string escapes are decoded', () => {
  const [s] = tokenize('"a\\n\\t\\\\\\"b"');
  assert.equal(s?.kind, 'string');
  assert.equal(s?.text, 'a\n\t\\"b');
});

test('bad input becomes error tokens, never an exception', () => {
  const errors = (source: string): string[] => tokenize(source).filter((t) => t.kind === 'error').map((t) => `${t.pos.line}:${t.pos.col} ${t.text}`);
  assert.deepEqual(errors('x = "abc'), ['1:5 unterminated string']);
  assert.deepEqual(errors('/* open'), ['1:1 unterminated comment']);
  assert.deepEqual(errors('a @ b'), ["1:3 unexpected character '@'"]);
  assert.deepEqual(errors('12abc'), ["1:1 malformed number '12abc'"]);
  assert.deepEqual(errors('"\\q"'), ["1:1 unknown escape '\\q' in string"]);
  assert.deepEqual(errors('0x'), ["1:1 malformed integer literal '0x'"]);
});
