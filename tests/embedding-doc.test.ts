//! docs/EMBEDDING.md's snippets run as written: every ```js block is a whole
//! ES module, run from the repository root (where `rejit` resolves to this
//! package), and prints what the ```text block right after it holds, or,
//! without one, what its `// prints: ...` comments say, in order.

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
  readonly section: string;
  readonly code: string;
  /** The whole output (a ```text block), or its lines (`// prints:` comments). */
  readonly output: string | readonly string[];
}

/** The ```js blocks, each with the ```text block that follows it (nothing but blank lines between) or its `// prints:` lines. */
function snippets(markdown: string): Snippet[] {
  const blocks: { lang: string; line: number; body: string; end: number; section: string }[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m; m = fence.exec(markdown)) {
    const before = markdown.slice(0, m.index);
    const heading = [...before.matchAll(/^## (.*)$/gm)].pop();
    blocks.push({ lang: m[1] as string, line: before.split('\n').length, body: m[2] as string, end: m.index + m[0].length, section: heading?.[1] ?? '' });
  }
  const out: Snippet[] = [];
  blocks.forEach((b, i) => {
    if (b.lang !== 'js') return;
    const next = blocks[i + 1];
    const adjacent = next && next.lang === 'text' && markdown.slice(b.end, markdown.indexOf('```', b.end + 1)).trim() === '';
    const output = adjacent ? next.body : [...b.body.matchAll(/\/\/ prints: (.*)$/gm)].map((m) => m[1] as string);
    out.push({ line: b.line, section: b.section, code: b.body, output });
  });
  return out;
}

const all = snippets(GUIDE);

test('the guide has its snippets, each saying what it prints, in every step and API section', () => {
  assert.ok(all.length >= 10, `${all.length} snippets`);
  for (const s of all) assert.ok(s.output.length > 0, `the snippet at line ${s.line} does not say what it prints`);
  for (const section of ['Step 1: generate source text', 'Values across the boundary', 'Function handles', 'Deadlines and interrupts', 'The builder as a front end']) {
    assert.ok(all.some((s) => s.section === section), section);
  }
});

for (const s of all) {
  test(`docs/EMBEDDING.md: the snippet at line ${s.line} (${s.section}) prints what it says`, { timeout: 60_000 }, () => {
    const file = join(ROOT, `.embedding-snippet-${process.pid}-${s.line}.mjs`);
    writeFileSync(file, s.code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', input: '' });
      assert.equal(r.status, 0, `line ${s.line}: ${r.stderr}`);
      if (typeof s.output === 'string') assert.equal(r.stdout, s.output, `line ${s.line}`);
      else assert.deepEqual(r.stdout.trimEnd().split('\n'), s.output, `line ${s.line}`);
    } finally {
      rmSync(file, { force: true });
    }
  });
}
