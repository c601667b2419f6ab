//! The mutants of the mutation fuzzer: the golden and benchmark programs
//! (`tests/golden/**/*.rj`, `bench/**/*.rj`) with one to three token-level
//! mutations each: a token deleted, duplicated, swapped with another, or
//! replaced by another token of the program or of the language. Mutant `k`
//! is a function of `k` alone (its program and its mutations come from
//! `random(k)`), so a failure reproduces from its number.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEYWORDS, tokenize } from '../../src/frontend/lexer.js';
import { BUILTIN_NAMES } from '../../src/frontend/builtins.js';
import { random } from '../random.js';

export interface Mutant {
  readonly number: number;
  /** The program it comes from, relative to the repository root. */
  readonly origin: string;
  readonly mutations: readonly string[];
  readonly source: string;
}

/** The repository root: the nearest folder above this file with a package.json. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** Every program of the corpus, relative to the root, sorted (so that mutant numbers stay put). */
export function corpus(root: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = posix.join(rel, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.rj')) found.push(path);
    }
  };
  walk('tests/golden');
  walk('bench');
  return found.sort();
}

/**
 * Tokens of the language a replacement may bring in: keywords, operators,
 * type names, literals at the edges of their ranges, builtins (but not
 * `clock_ns`, whose value differs between runs and so between tiers).
 */
const LANGUAGE_TOKENS: readonly string[] = [
  ...KEYWORDS,
  ...[...BUILTIN_NAMES].filter((b) => b !== 'clock_ns'),
  'i32', 'i64', 'f64', 'bool', 'main',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '=', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>', '>>>',
  '+=', '-=', '*=', '/=', '%=', '(', ')', '{', '}', '[', ']', ',', ';', ':', '.', '..', '->',
  '0', '1', '-1', '2', '31', '32', '63', '64', '2147483647', '2147483648', '9223372036854775807', '0.5', '1e308', '1e400', '-0.0', '"x"', '""',
];

/** A token's source text and the whitespace and comments after it, so that joining them gives the program back. */
interface Chunk {
  readonly token: string;
  readonly trivia: string;
}

function chunks(source: string): Chunk[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const tokens = tokenize(source).filter((t) => t.kind !== 'eof');
  const starts = tokens.map((t) => (lineStarts[t.pos.line - 1] as number) + t.pos.col - 1);
  return tokens.map((t, i) => {
    const start = starts[i] as number;
    const next = starts[i + 1] ?? source.length;
    const end = t.kind === 'string' ? stringEnd(source, start, next) : t.kind === 'error' ? next : Math.min(next, start + t.text.length);
    return { token: source.slice(start, end), trivia: source.slice(end, next) };
  });
}

/** The end of the string literal at `start` (its closing quote, or the line's end when there is none). */
function stringEnd(source: string, start: number, limit: number): number {
  for (let i = start + 1; i < limit; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
    else if (c === '\n') return i;
  }
  return limit;
}

function tokenClass(token: string): string {
  if (/^[0-9-]/.test(token)) return token === '-' || token === '->' || token.startsWith('-=') ? 'punct' : 'number';
  if (token.startsWith('"')) return 'string';
  if (/^[A-Za-z_]/.test(token)) return KEYWORDS.has(token) ? 'keyword' : 'name';
  return 'punct';
}

/** A chunk placed somewhere else: it must not run into the next token. */
function moved(chunk: Chunk): Chunk {
  return chunk.trivia === '' ? { token: chunk.token, trivia: ' ' } : chunk;
}

const sourceCache = new Map<string, string>();

export function mutant(number: number, root: string, programs: readonly string[]): Mutant {
  const rng = random(number);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)] as T;
  const origin = pick(programs);
  let source = sourceCache.get(origin);
  if (source === undefined) sourceCache.set(origin, (source = readFileSync(join(root, origin), 'utf8')));
  const parts = chunks(source);
  const own = parts.map((c) => c.token);
  const mutations: string[] = [];
  // Most mutants get one mutation, and most mutations keep a token's class: more mutants check and run.
  const count = rng() < 0.6 ? 1 : 2 + Math.floor(rng() * 2);
  for (let m = 0; m < count && parts.length > 1; m++) {
    const i = Math.floor(rng() * parts.length);
    const shown = (j: number): string => `${j} ${JSON.stringify((parts[j] as Chunk).token)}`;
    const op = rng();
    switch (op < 0.2 ? 0 : op < 0.35 ? 1 : op < 0.5 ? 2 : 3) {
      case 0:
        mutations.push(`delete token ${shown(i)}`);
        parts.splice(i, 1);
        break;
      case 1:
        mutations.push(`duplicate token ${shown(i)}`);
        parts.splice(i, 0, moved(parts[i] as Chunk));
        break;
      case 2: {
        const j = rng() < 0.5 ? Math.min(parts.length - 1, i + 1) : Math.floor(rng() * parts.length);
        mutations.push(`swap tokens ${shown(i)} and ${shown(j)}`);
        const a = parts[i] as Chunk;
        parts[i] = moved(parts[j] as Chunk);
        parts[j] = moved(a);
        break;
      }
      default: {
        const r = rng();
        const alike = (t: string): boolean => tokenClass(t) === tokenClass((parts[i] as Chunk).token);
        const by = r < 0.6 ? pick([...own, ...LANGUAGE_TOKENS].filter(alike)) : r < 0.8 ? pick(own) : pick(LANGUAGE_TOKENS);
        mutations.push(`replace token ${shown(i)} by ${JSON.stringify(by)}`);
        parts[i] = moved({ token: by, trivia: (parts[i] as Chunk).trivia });
      }
    }
  }
  // Tokens that touched may not touch once mutated (`)` replaced by a name after a number): keep them apart.
  source = parts.map((c) => c.token + (c.trivia === '' ? ' ' : c.trivia)).join('');
  return { number, origin, mutations, source };
}
