//! docs/EMBEDDING.md's snippets run as written: every ```js block is a whole
//! ES module, run from the repository root (where `rejit` resolves to this
//! package), and a ```text block right after it is the output it must print.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GUIDE = readFileSync(join(ROOT, 'docs/EMBEDDING.md'), 'utf8');

interface Snippet {
  readonly line: number;
  readonly code: string;
  readonly output: string | null;
}

/** The ```js blocks and the ```text block that follows each (with nothing but blank lines between). */
function snippets(markdown: string): Snippet[] {
  const blocks: { lang: string; line: number; body: string; end: number }[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    blocks.push({ lang: m[1] as string, line: markdown.slice(0, m.index).split('\n').length, body: m[2] as string, end: m.index + m[0].length });
  }
  const out: Snippet[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'js') return;
    const next = blocks[i + 1];
    const adjacent = next && next.lang === 'text' && markdown.slice(b.end, markdown.indexOf('```', b.end + 1)).trim() === '';
    out.push({ line: b.line, code: b.body, output: adjacent ? next.body : null });
  });
  return out;
}

const all = snippets(GUIDE);

test('the guide has its snippets, each with the output it prints', () => {
  assert.ok(all.length >= 6, `${all.length} snippets`);
  for (const s of all) assert.notEqual(s.output, null, `the snippet at line ${s.line} has no output block`);
});

for (const s of all) {
  test(`docs/EMBEDDING.md: the snippet at line ${s.line} runs and prints its output`, { timeout: 60_000 }, () => {
    const file = join(ROOT, `.embedding-snippet-${process.pid}-${s.line}.mjs`);
    writeFileSync(file, s.code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', input: '' });
      assert.equal(r.status, 0, `line ${s.line}: ${r.stderr}`);
      if (s.output !== null) assert.equal(r.stdout, s.output, `line ${s.line}`);
    } finally {
      rmSync(file, { force: true });
    }
  });
}
