//! The front end on random and mutated sources: it must end, never throw,
//! and report every error at a position inside the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from '../../src/frontend/parser.js';
import { checkModule } from '../../src/frontend/check-module.js';
import { Program } from '../../src/core/program.js';
import { random } from '../random.js';

const FRAGMENTS = [
  'fn', 'let', 'global', 'const', 'class', 'extends', 'self', 'new', 'delete', 'if', 'else', 'while', 'for', 'in',
  'break', 'continue', 'return', 'true', 'false', 'null', 'as', 'is', 'x', 'C', 'i32', 'i64', 'f64', 'bool', 'print',
  'main', '0', '1', '2147483648', '0x7f', '1.5', '1e9', '"s"', '(', ')', '{', '}', '[', ']', ';', ':', ',', '.', '..',
  '->', '=', '+=', '>>>=', '+', '-', '*', '/', '%', '<', '==', '&&', '||', '!', '~', '<<', '>>>', '/*', '*/', '//', '\n',
  '@', '"', '\\', '_', 'é',
];

function corpus(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...corpus(path));
    else if (name.endsWith('.rj')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

function frontEnd(source: string): void {
  const lines = source.split('\n');
  const { module, diagnostics } = parseModule(source, 'fuzz.rj');
  const all = [...diagnostics];
  if (diagnostics.length === 0) all.push(...checkModule(module, new Program()).diagnostics);
  for (const d of all) {
    assert.ok(d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}: ${d.message}\n${source}`);
    assert.ok(d.col >= 1 && d.col <= (lines[d.line - 1] as string).length + 1, `col ${d.col}: ${d.message}\n${source}`);
    assert.ok(d.message.length > 0);
  }
}

test('random token soup', () => {
  const next = random(1);
  for (let n = 0; n < 3000; n++) {
    const parts: string[] = [];
    const count = Math.floor(next() * 60);
    for (let i = 0; i < count; i++) parts.push(FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string);
    frontEnd(parts.join(next() < 0.5 ? ' ' : ''));
  }
});

test('mutated golden programs', () => {
  const next = random(2);
  const sources = corpus('tests/golden');
  assert.ok(sources.length > 100);
  for (const source of sources) {
    for (let n = 0; n < 12; n++) {
      const chars = [...source];
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * chars.length);
        const kind = next();
        if (kind < 0.33) chars.splice(at, 1 + Math.floor(next() * 8));
        else if (kind < 0.66) chars.splice(at, 0, FRAGMENTS[Math.floor(next() * FRAGMENTS.length)] as string);
        else chars.splice(at, 0, ...chars.slice(Math.floor(next() * chars.length)).slice(0, 20));
      }
      frontEnd(chars.join(''));
    }
  }
});
