//! Loads go through a resolver (`session/module-resolver.ts`): a session
//! without one reads no files; `directoryResolver` reads only under its
//! directories, refusing `..`, absolute paths and symbolic links that lead
//! out, without reading (so without showing) what it refuses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src/session/session.js';
import { ThreadedSession } from '../../src/session/threaded-session.js';
import { directoryResolver, LoadRefused, NO_FILES } from '../../src/session/module-resolver.js';
import { CompileError } from '../../src/frontend/diagnostic.js';
import { Trap } from '../../src/core/trap.js';

// root/
//   allowed/main.rj, allowed/lib/good.rj, allowed/inside.rj -> lib/good.rj, allowed/leak.rj -> ../secret.rj
//   secret.rj (a syntax error whose text must never show)
const root = mkdtempSync(join(tmpdir(), 'rejit-resolver-'));
const allowed = join(root, 'allowed');
mkdirSync(join(allowed, 'lib'), { recursive: true });
writeFileSync(join(allowed, 'lib', 'good.rj'), 'fn good() -> i32 { return 7; }\n');
const SECRET = 'SECRET-LINE not rejit at all';
writeFileSync(join(root, 'secret.rj'), `${SECRET}\n`);
symlinkSync(join('lib', 'good.rj'), join(allowed, 'inside.rj'));
symlinkSync(join('..', 'secret.rj'), join(allowed, 'leak.rj'));
const MAIN = join(allowed, 'main.rj');
const loader = (path: string): string => `fn good() -> i32;\nfn main() -> i32 {\n  load(${JSON.stringify(path)});\n  return good();\n}\n`;

/** What loading `path` from main.rj in `allowed/` gives: the result, or the trap's text. */
function loadFromProgram(path: string, session = new Session({ resolve: directoryResolver([allowed]), print: () => {} })): string {
  session.load(loader(path), MAIN);
  try {
    return `result ${String(session.call('main'))}`;
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    return e.format();
  }
}

test('a session without a resolver reads no files: loadFile fails, load traps', () => {
  const s = new Session({ print: () => {} });
  assert.throws(() => s.loadFile(join(allowed, 'lib', 'good.rj')), (e: unknown) =>
    e instanceof CompileError && /this session reads no files \(it was given no module resolver\)/.test(e.format()));
  const text = loadFromProgram('lib/good.rj', new Session({ print: () => {} }));
  assert.match(text, /main\.rj:3:3: trap: load failed\n.*lib\/good\.rj:1:1: error: cannot load '.*lib\/good\.rj': this session reads no files/);
  assert.throws(() => NO_FILES({ path: 'x.rj', from: null }), LoadRefused);
});

test('loads under the allowed directory work, through .. that stays inside and links that stay inside', () => {
  assert.equal(loadFromProgram('lib/good.rj'), 'result 7');
  assert.equal(loadFromProgram('lib/../lib/good.rj'), 'result 7');
  assert.equal(loadFromProgram('inside.rj'), 'result 7');
  assert.equal(loadFromProgram(join(allowed, 'lib', 'good.rj')), 'result 7');
  const s = new Session({ resolve: directoryResolver([allowed]), print: () => {} });
  assert.deepEqual(s.loadFile(join(allowed, 'lib', 'good.rj')).functions, ['good']);
});

test('.., absolute paths and symbolic links that leave the directory are refused, and the file is not shown', () => {
  for (const path of ['../secret.rj', join(root, 'secret.rj'), 'leak.rj', '/etc/passwd', 'lib/../../secret.rj']) {
    const text = loadFromProgram(path);
    assert.match(text, /trap: load failed\n.*: error: cannot load '.*': it is outside the directories that loads may read/, path);
    assert.doesNotMatch(text, /SECRET-LINE|root:/, path);
  }
  const s = new Session({ resolve: directoryResolver([allowed]), print: () => {} });
  assert.throws(() => s.loadFile(join(root, 'secret.rj')), (e: unknown) =>
    e instanceof CompileError && /outside the directories/.test(e.format()) && !e.format().includes('SECRET'));
});

test('whether a file outside exists is not told; a missing file inside cannot be read', () => {
  assert.match(loadFromProgram('../no-such.rj'), /it is outside the directories/);
  assert.match(loadFromProgram('lib/no-such.rj'), /cannot read module '.*lib\/no-such\.rj'/);
});

test('a threaded session reads modules only under its loadDirectories, on every thread', async () => {
  const confined = await ThreadedSession.create({ threads: 2, print: () => {}, loadDirectories: [allowed] });
  const none = await ThreadedSession.create({ threads: 1, print: () => {} });
  try {
    confined.load(loader('lib/good.rj'), MAIN);
    const r = await confined.run('main');
    assert.deepEqual(r.outcomes, [{ kind: 'returned', value: 7 }, { kind: 'returned', value: 7 }]);
    confined.load(loader('leak.rj').replace('main', 'leaky'), MAIN);
    assert.match((await confined.run('leaky')).trap ?? '', /load failed\n.*outside the directories/);
    assert.throws(() => none.loadFile(join(allowed, 'lib', 'good.rj')), /reads no files/);
    none.load(loader('lib/good.rj'), MAIN);
    assert.match((await none.run('main')).trap ?? '', /load failed\n.*reads no files/);
  } finally {
    await confined.close();
    await none.close();
  }
});
