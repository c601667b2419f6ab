//! The snippets of docs/EMBEDDING.md's API sections run as written: each
//! ```js block under one of `SECTIONS` runs as a module of its own that
//! imports 'rejit', and prints what its `// prints: ...` comments say, in
//! order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECTIONS = [
  'Values across the boundary', 'Function handles', 'Deadlines and interrupts', 'The builder as a front end',
  'Errors', 'Closing a session', 'The process-wide engine flag',
];

/** The ```js blocks of `text` under a `## ` heading in `sections`, with their heading. */
function snippets(text: string): { section: string; code: string }[] {
  const found: { section: string; code: string }[] = [];
  let section = '';
  let code: string[] | null = null;
  for (const line of text.split('\n')) {
    if (code !== null) {
      if (line.startsWith('```')) {
        if (SECTIONS.includes(section)) found.push({ section, code: code.join('\n') });
        code = null;
      } else {
        code.push(line);
      }
    } else if (line.startsWith('## ')) {
      section = line.slice(3).trim();
    } else if (line.startsWith('```js')) {
      code = [];
    }
  }
  return found;
}

const found = snippets(readFileSync(join(ROOT, 'docs/EMBEDDING.md'), 'utf8'));

test('docs/EMBEDDING.md has a snippet in each of its main API sections', () => {
  for (const s of ['Values across the boundary', 'Function handles', 'Deadlines and interrupts', 'The builder as a front end']) {
    assert.ok(found.some((f) => f.section === s), s);
  }
});

for (const [i, { section, code }] of found.entries()) {
  test(`docs/EMBEDDING.md, "${section}", snippet ${i + 1} prints what it says`, { timeout: 60_000 }, () => {
    const expected = [...code.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1]);
    assert.ok(expected.length > 0, 'a snippet says what it prints');
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), expected);
  });
}
