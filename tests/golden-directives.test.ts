import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blessSource, expectedExit, parseDirectives, parseLocated, DirectiveError } from './golden-directives.js';

test('expect lines, alone or after code, in order', () => {
  const d = parseDirectives([
    'fn main() {',
    '  print(1); // expect: 1',
    '  print("a  b");',
    '  // expect: a  b',
    '  print(""); //expect:',
    '}',
  ].join('\n'));
  assert.deepEqual(d.stdout, ['1', 'a  b', '']);
  assert.equal(d.trap, null);
  assert.deepEqual(d.errors, []);
  assert.equal(d.exit, null);
  assert.equal(d.threads, null);
  assert.equal(expectedExit(d), 0);
});

test('trap, exit and threads', () => {
  const d = parseDirectives('// threads: 4\n// expect: x\n// expect trap: 3:12: division by zero\n// exit: 70\n');
  assert.deepEqual(d.stdout, ['x']);
  assert.deepEqual(d.trap, { line: 3, col: 12, message: 'division by zero' });
  assert.equal(d.threads, 4);
  assert.equal(expectedExit(d), 70);
  assert.equal(expectedExit(parseDirectives('// expect trap: 1:1: bad cast')), 70);
});

test('standard input lines and program arguments', () => {
  const d = parseDirectives('// stdin: ab c\n// args: x  y\n// stdin:\n// stdin: é\n');
  assert.equal(d.stdin, 'ab c\n\né\n');
  assert.deepEqual(d.args, ['x', 'y']);
  assert.equal(parseDirectives('').stdin, '');
  assert.deepEqual(parseDirectives('').args, []);
  assert.throws(() => parseDirectives('// args: a\n// args: b'), DirectiveError);
  assert.equal(parseDirectives('// host: modules/h.mjs').host, 'modules/h.mjs');
  assert.equal(parseDirectives('').host, null);
  const src = '// stdin: q\n// args: a\nfn main() {}\n';
  assert.equal(blessSource(src, { stdout: [], trap: null, errors: [], exit: 0 }), src);
});

test('errors in order, with an optional file', () => {
  const d = parseDirectives('// expect error: 2:5: unknown name \'y\'\r\n// expect error: modules/m.rj:1:4: expected i32, found bool: really\r\n');
  assert.deepEqual(d.errors, [
    { line: 2, col: 5, message: "unknown name 'y'" },
    { file: 'modules/m.rj', line: 1, col: 4, message: 'expected i32, found bool: really' },
  ]);
  assert.equal(expectedExit(d), 65);
  assert.deepEqual(parseLocated('a/b.rj:10:2: x: y'), { file: 'a/b.rj', line: 10, col: 2, message: 'x: y' });
  assert.equal(parseLocated('no position'), null);
});

test('prose is not a directive; malformed directives are reported', () => {
  assert.deepEqual(parseDirectives('// expected: nothing\n// expectation: none\n').stdout, []);
  assert.throws(() => parseDirectives('// expect trap: nowhere'), DirectiveError);
  assert.throws(() => parseDirectives('// exit: x'), DirectiveError);
  assert.throws(() => parseDirectives('// threads: 0'), DirectiveError);
  assert.throws(() => parseDirectives('// expect trap: 1:1: a\n// expect error: 1:1: b'), DirectiveError);
  assert.throws(() => parseDirectives('// expect trap: 1:1: a\n// expect trap: 1:1: b'), DirectiveError);
});

test('bless rewrites in place when the counts match', () => {
  const src = 'fn main() {\n  print(1); // expect: 2\n  // expect: 3\n}\n';
  const out = blessSource(src, { stdout: ['1', '4'], trap: null, errors: [], exit: 0 });
  assert.equal(out, 'fn main() {\n  print(1); // expect: 1\n  // expect: 4\n}\n');
  assert.equal(blessSource(out, { stdout: ['1', '4'], trap: null, errors: [], exit: 0 }), out);
});

test('bless appends what has no place and removes what is left over', () => {
  const src = '// threads: 2\nfn main() {\n  // expect: old\n  print(1); // expect: x\n  let y = 1 / 0;\n}\n';
  const outcome = { stdout: ['1'], trap: { line: 5, col: 13, message: 'division by zero' }, errors: [], exit: 70 };
  const out = blessSource(src, outcome);
  // The whole-line `expect: old` is reused; `expect: x` goes (its code stays); the trap is appended.
  assert.equal(out, '// threads: 2\nfn main() {\n  // expect: 1\n  print(1);\n  let y = 1 / 0;\n}\n// expect trap: 5:13: division by zero\n');
  assert.deepEqual(parseDirectives(out).stdout, ['1']);
  assert.equal(blessSource(out, outcome), out);
});

test('bless shifts positions below deleted lines', () => {
  const src = 'fn main() {\n  // expect: a\n  // expect: b\n  print(1 / 0);\n}\n';
  const out = blessSource(src, { stdout: ['a'], trap: { line: 4, col: 11, message: 'division by zero' }, errors: [], exit: 70 });
  assert.equal(out, 'fn main() {\n  // expect: a\n  print(1 / 0);\n}\n// expect trap: 3:11: division by zero\n');
});

test('bless writes errors and a non-default exit', () => {
  const errs = blessSource('fn main() { x; }\n', { stdout: [], trap: null, errors: [{ line: 1, col: 13, message: "unknown name 'x'" }], exit: 65 });
  assert.equal(errs, "fn main() { x; }\n// expect error: 1:13: unknown name 'x'\n");
  const exit = blessSource('fn main() -> i32 { return 3; }\n// exit: 4\n', { stdout: [], trap: null, errors: [], exit: 3 });
  assert.equal(exit, 'fn main() -> i32 { return 3; }\n// exit: 3\n');
  const back = blessSource(exit, { stdout: [], trap: null, errors: [], exit: 0 });
  assert.equal(back, 'fn main() -> i32 { return 3; }\n');
});
