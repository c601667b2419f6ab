import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadLog, type LoggedModule } from '../../src/session/load-log.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { ModuleBuilder } from '../../src/frontend/builder.js';
import type { Module } from '../../src/frontend/ast.js';

test('a logged syntax tree keeps every number exactly', () => {
  const log = LoadLog.create();
  const values = [Infinity, -Infinity, NaN, -0, 0, 5e-324, 1.7976931348623157e308];
  const module = { fileName: 'm.rj', items: [], extra: { values, big: [9223372036854775807n, -9223372036854775808n] } } as unknown as Module;
  assert.equal(log.append({ module, source: null, parsed: false, codeIds: [7] }), true);
  assert.equal(new LoadLog(log.buffer).entry(0).codeIds[0], 7);
  const back = new LoadLog(log.buffer).entry(0).module as unknown as { extra: { values: number[]; big: bigint[] } };
  assert.equal(back.extra.values.length, values.length);
  values.forEach((v, i) => assert.ok(Object.is(back.extra.values[i], v), `${v}`));
  assert.deepEqual(back.extra.big, [9223372036854775807n, -9223372036854775808n]);
});

test('the log grows to hold any module, and readers see every entry', () => {
  const log = LoadLog.create(4096);
  const reader = new LoadLog(log.buffer);
  const big = `fn f() -> i32 { return 1; }\n${'// padding\n'.repeat(400_000)}`;
  for (let i = 0; i < 3; i++) assert.equal(log.append({ module: { fileName: `m${i}.rj`, items: [] }, source: big, parsed: true, codeIds: [1 + i] }), true);
  assert.equal(log.length, 3);
  assert.ok(log.buffer.byteLength >= 3 * big.length);
  for (const i of [0, 2, 1]) {
    const e = reader.entry(i);
    assert.equal(e.source, big);
    assert.equal(e.module.fileName, `m${i}.rj`);
    assert.equal(e.module.items.length, 1);
  }
});

// An infinite float literal is a compile error, from the builder as from source (`frontend/builder.test.ts`).
test('infinities built with the builder API reach every thread', async () => {
  const lines: string[] = [];
  const s = await ThreadedSession.create({ threads: 2, print: (l) => lines.push(l) });
  try {
    const m = new ModuleBuilder('inf.rj');
    m.fn('show', [], null, [m.stmt.expr(m.expr.call('print', m.expr.bin('/', m.expr.float(-1), m.expr.float(0)), m.expr.bin('/', m.expr.float(1), m.expr.float(-0))))]);
    s.session.loadModule(m.build());
    await s.run('show');
    assert.deepEqual(lines, ['-Infinity -Infinity', '-Infinity -Infinity']);
  } finally {
    await s.close();
  }
});

test('a tree that is only part of its text is logged as the tree, with the text kept for diagnostics', () => {
  const log = LoadLog.create();
  const source = 'fn a() -> i32 { return 1; }\nfn b() -> i32 { return 2; }\n';
  const part: Module = { fileName: 'm.rj', items: [] };
  assert.equal(log.append({ module: part, source, parsed: false, codeIds: [3] }), true);
  const back = new LoadLog(log.buffer).entry(0);
  assert.deepEqual(back, { module: part, source, parsed: false, codeIds: [3], redefines: null });
});

test('entries read through the object that appended them are the entries given, not decoded again', () => {
  const log = LoadLog.create();
  const entry = { module: { fileName: 'm.rj', items: [] }, source: 'fn f() -> i32 { return 1; }', parsed: true, codeIds: [3] };
  assert.equal(log.append(entry), true);
  assert.equal(log.entry(0), entry);
  // Another object on the buffer parses the text again.
  const decoded = new LoadLog(log.buffer).entry(0);
  assert.notEqual(decoded, entry);
  assert.equal(decoded.module.items.length, 1);
});

test('compaction drops the entries that only redefine what later entries redefine again; readers skip them, entries keep their numbers', () => {
  const log = LoadLog.create();
  const reader = new LoadLog(log.buffer);
  const entry = (name: string, redefines: number[] | null, source = `fn ${name}() {}`): LoggedModule => ({ module: { fileName: `${name}.rj`, items: [] }, source, parsed: false, codeIds: [1], redefines });
  // 0 declares; then f (function 1) and g (function 2) are redefined again and again.
  assert.equal(log.append(entry('decl', null)), true);
  const padding = 'x'.repeat(1000);
  for (let i = 1; i <= 200; i++) assert.equal(log.append(entry(`v${i}`, i % 2 === 0 ? [1] : [1, 2], padding)), true);
  assert.equal(log.length, 201);
  const live = [...reader.entries(0, log.length)].map((e) => e.index);
  assert.ok(live.length < 100, `${live.length} entries kept`);
  assert.equal(live[0], 0, 'an entry that adds something is kept');
  assert.deepEqual(live.slice(-2), [199, 200], 'the last redefinitions of f and g are kept');
  assert.equal(reader.next(5)?.index !== undefined && (reader.next(5)?.index as number) >= 5, true);
  assert.equal(reader.entry(200).module.fileName, 'v200.rj');
  assert.ok(log.usedBytes < 200 * 1000, `${log.usedBytes} bytes used`);
});
