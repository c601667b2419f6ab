//! Lexer: source text to tokens, each with its 1-based line and column.
//!
//! It never throws. A character that starts no token becomes an `error`
//! token carrying its message, so the parser reports it at the right place
//! and goes on; an unterminated comment or string ends at the end of input.

import type { Pos } from './ast.js';

export type TokenKind = 'name' | 'keyword' | 'int' | 'float' | 'string' | 'punct' | 'error' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for a string, the decoded value; for an error, the message). */
  readonly text: string;
  readonly pos: Pos;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
  'fn', 'let', 'global', 'const', 'class', 'extends', 'self', 'new', 'delete', 'if', 'else', 'while',
  'for', 'in', 'break', 'continue', 'return', 'true', 'false', 'null', 'as', 'is',
]);

// Longest first, so that `>>>=` wins over `>>>`, `>>=` and `>>`.
const PUNCTUATORS = [
  '>>>=', '>>>', '<<=', '>>=', '..', '->', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '=', '(', ')', '{', '}', '[', ']',
  ',', ';', ':', '.',
];

/**
 * The punctuators by their first character, longest first: a start-up runs
 * the lexer cold, and trying every punctuator at each one took most of the
 * time of lexing hello world (3 ms of a command's start-up).
 */
const PUNCTUATORS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATORS) {
  const first = p[0] as string;
  PUNCTUATORS_BY_FIRST.set(first, [...(PUNCTUATORS_BY_FIRST.get(first) ?? []), p]);
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isNameStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isNameChar = (c: string): boolean => isNameStart(c) || isDigit(c);

/**
 * 1 at the code of each character that may continue a name: a start-up runs
 * the lexer in V8's interpreter, where a call of `isNameChar` per character
 * costs several times the lookup.
 */
const NAME_CODES = new Uint8Array(128);
for (let code = 0; code < 128; code++) NAME_CODES[code] = isNameChar(String.fromCharCode(code)) ? 1 : 0;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Pos => ({ line, col: at - lineStart + 1 });
  const push = (kind: TokenKind, text: string, at: Pos): void => {
    tokens.push({ kind, text, pos: at });
  };
  const newline = (at: number): void => {
    line++;
    lineStart = at + 1;
  };

  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      newline(i);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (source.startsWith('/*', i)) {
      const start = pos(i);
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      for (let j = i; j < stop; j++) if (source[j] === '\n') newline(j);
      if (end < 0) push('error', 'unterminated comment', start);
      i = stop;
    } else if (isNameStart(c)) {
      const start = i;
      // Beyond the end, the code is NaN, and beyond ASCII the entry undefined: neither continues a name.
      do i++;
      while (NAME_CODES[source.charCodeAt(i)] === 1);
      const text = source.slice(start, i);
      push(KEYWORDS.has(text) ? 'keyword' : 'name', text, pos(start));
    } else if (isDigit(c)) {
      i = number(source, i, pos(i), push);
    } else if (c === '"') {
      i = string(source, i, pos(i), push);
    } else {
      const p = punctuatorAt(source, i, c);
      if (p) {
        push('punct', p, pos(i));
        i += p.length;
      } else {
        const code = source.codePointAt(i) as number;
        const ch = String.fromCodePoint(code);
        push('error', `unexpected character '${ch}'`, pos(i));
        i += ch.length;
      }
    }
  }
  push('eof', '', pos(i));
  return tokens;
}

type Push = (kind: TokenKind, text: string, at: Pos) => void;

/**
 * The longest punctuator at `i`, whose first character is `c`. Neither a
 * closure over the scanner's index, which would keep it in a context rather
 * than a register, nor a `for of`, whose iterator is slow in V8's interpreter.
 */
function punctuatorAt(source: string, i: number, c: string): string | undefined {
  const candidates = PUNCTUATORS_BY_FIRST.get(c);
  if (candidates === undefined) return undefined;
  for (let k = 0; k < candidates.length; k++) {
    const p = candidates[k] as string;
    if (p.length === 1 || source.startsWith(p, i)) return p;
  }
  return undefined;
}

/** Scans an integer or float literal at `i`; returns the index after it. */
function number(source: string, i: number, at: Pos, push: Push): number {
  const start = i;
  const digitsWhile = (ok: (c: string) => boolean): void => {
    while (i < source.length && (ok(source[i] as string) || source[i] === '_')) i++;
  };
  const prefix = source.slice(i, i + 2).toLowerCase();
  if (prefix === '0x' || prefix === '0b') {
    i += 2;
    const bodyStart = i;
    const hex = prefix === '0x';
    digitsWhile(hex ? (c) => isDigit(c) || /[a-fA-F]/.test(c) : (c) => c === '0' || c === '1');
    const body = source.slice(bodyStart, i);
    if (!/[0-9a-fA-F]/.test(body)) {
      push('error', `malformed integer literal '${source.slice(start, i)}'`, at);
      return i;
    }
    if (i < source.length && isNameChar(source[i] as string)) return malformed(source, start, i, at, push);
    push('int', source.slice(start, i), at);
    return i;
  }
  digitsWhile(isDigit);
  let float = false;
  // `5.` and `1..n` are not floats: a point makes a float only when a digit follows it.
  if (source[i] === '.' && isDigit(source[i + 1] ?? '')) {
    float = true;
    i++;
    digitsWhile(isDigit);
  }
  if ((source[i] === 'e' || source[i] === 'E')) {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (isDigit(source[j] ?? '')) {
      float = true;
      i = j;
      digitsWhile(isDigit);
    }
  }
  if (i < source.length && isNameChar(source[i] as string)) return malformed(source, start, i, at, push);
  const text = source.slice(start, i);
  if (text.includes('_') && (text.endsWith('_') || text.includes('_.') || text.includes('._') || /_[eE]|[eE][+-]?_/.test(text))) {
    push('error', `malformed number '${text}'`, at);
  } else {
    push(float ? 'float' : 'int', text, at);
  }
  return i;
}

function malformed(source: string, start: number, i: number, at: Pos, push: Push): number {
  while (i < source.length && isNameChar(source[i] as string)) i++;
  push('error', `malformed number '${source.slice(start, i)}'`, at);
  return i;
}

/** Scans a string literal at `i` (the opening quote); returns the index after it. */
function string(source: string, i: number, at: Pos, push: Push): number {
  let value = '';
  i++;
  for (;;) {
    const c = source[i];
    if (c === undefined || c === '\n') {
      push('error', 'unterminated string', at);
      return i;
    }
    i++;
    if (c === '"') break;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = source[i];
    i++;
    const escaped = e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' ? '\\' : e === '"' ? '"' : null;
    if (escaped === null) {
      push('error', `unknown escape '\\${e ?? ''}' in string`, at);
      while (i < source.length && source[i] !== '"' && source[i] !== '\n') i++;
      if (source[i] === '"') i++;
      return i;
    }
    value += escaped;
  }
  push('string', value, at);
  return i;
}
