//! The folders of `src/` layer as the data flows (docs/ARCHITECTURE.md): a
//! file may import from its own folder and from folders below it, never from
//! a folder above it or beside it on the same level. The package entry,
//! `src/index.ts`, stands above them all.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Bottom first; folders on one level are peers and may not import each other. */
const LEVELS: readonly (readonly string[])[] = [
  ['wasm'],
  ['ir'],
  ['core'],
  ['frontend', 'passes'],
  ['interp', 'backend'],
  ['tiering'],
  ['session'],
  ['cli'],
];

function levelOf(folder: string): number {
  const level = LEVELS.findIndex((l) => l.includes(folder));
  assert.notEqual(level, -1, `src/${folder}/ is in no level of LEVELS`);
  return level;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

test('every folder of src/ has a level', () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const f of folders) levelOf(f);
  assert.deepEqual([...folders].sort(), LEVELS.flat().sort());
});

test('no file imports from a folder above or beside its own', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const path = relative(SRC, file).split('/');
    // The package entry (src/index.ts) stands above every folder.
    if (path.length === 1) continue;
    const from = path[0]!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), m[1]!)).split('/')[0]!;
      if (target === from) continue;
      if (levelOf(target) >= levelOf(from)) violations.push(`${relative(ROOT, file)} imports ${m[1]} (src/${target}/)`);
    }
  }
  assert.deepEqual(violations, []);
});
