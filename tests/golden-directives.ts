//! The expectation directives of golden test files (`tests/golden/**/*.rj`),
//! as described in docs/CONVENTIONS.md and tests/golden/README.md:
//!
//!   // expect: TEXT                    the next line of stdout is exactly TEXT
//!   // expect trap: [FILE:]LINE:COL: MESSAGE   the run traps (first stderr line)
//!   // expect error: [FILE:]LINE:COL: MESSAGE  one compile diagnostic, in order
//!   // exit: N                         the exit status
//!   // threads: N                      run with N threads
//!   // stdin: TEXT                     one line TEXT (and a newline) of standard input, in order
//!   // args: A B ...                   the program's arguments (after `--`), split at spaces
//!   // host: FILE                      the host functions' module (`--host`), relative to the test file
//!
//! A directive is a `//` comment anywhere on a line (alone or after code).
//! FILE, when given, is relative to the directory of the test file.
//! `blessSource` rewrites a file's directives from actual results.

/** A source position with an optional file (relative to the test file's directory). */
export interface Located {
  /** Undefined: the test file itself. */
  readonly file?: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface Directives {
  /** Expected stdout lines, in order. */
  readonly stdout: readonly string[];
  /** The expected trap, or null when the run must not trap. */
  readonly trap: Located | null;
  /** Expected compile diagnostics, in order (empty: the file must compile). */
  readonly errors: readonly Located[];
  /** The `exit:` directive, or null for the default (0, 70 with a trap, 65 with errors). */
  readonly exit: number | null;
  /** The `threads:` directive, or null. */
  readonly threads: number | null;
  /** Standard input: the `stdin:` lines, each with its newline ('' without any). */
  readonly stdin: string;
  /** The `args:` directive's words. */
  readonly args: readonly string[];
  /** The `host:` directive's module, relative to the test file's directory, or null. */
  readonly host: string | null;
}

/** What a run produced, in directive terms (what `blessSource` writes). */
export interface Outcome {
  readonly stdout: readonly string[];
  readonly trap: Located | null;
  readonly errors: readonly Located[];
  readonly exit: number;
}

export class DirectiveError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'DirectiveError';
  }
}

type Kind = 'expect' | 'trap' | 'error' | 'exit' | 'threads' | 'stdin' | 'args' | 'host';

interface RawDirective {
  readonly kind: Kind;
  /** 0-based index of the source line. */
  readonly lineIndex: number;
  /** Column (0-based) where the `//` of the directive starts. */
  readonly start: number;
  readonly text: string;
}

/**
 * `// expect: x` (also after code). The text is everything after `expect:` and one
 * space; `// expect:` alone expects an empty line.
 */
const DIRECTIVE = /\/\/ ?(expect trap|expect error|expect|exit|threads|stdin|args|host):(.*)$/;

function scan(source: string): { lines: string[]; directives: RawDirective[] } {
  const lines = source.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const directives: RawDirective[] = [];
  lines.forEach((line, lineIndex) => {
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const word = m[1] as string;
    const kind: Kind = word === 'expect trap' ? 'trap' : word === 'expect error' ? 'error' : (word as Kind);
    let text = m[2] as string;
    if (text.startsWith(' ')) text = text.slice(1);
    directives.push({ kind, lineIndex, start: m.index, text });
  });
  return { lines, directives };
}

const LOCATED = /^(?:(.+?):)?(\d+):(\d+): (.*)$/;

/** Parses `LINE:COL: MESSAGE` or `FILE:LINE:COL: MESSAGE`. */
export function parseLocated(text: string): Located | null {
  const m = LOCATED.exec(text.trim());
  if (!m) return null;
  const located = { line: Number(m[2]), col: Number(m[3]), message: m[4] as string };
  return m[1] === undefined ? located : { file: m[1], ...located };
}

export function formatLocated(l: Located): string {
  return `${l.file === undefined ? '' : `${l.file}:`}${l.line}:${l.col}: ${l.message}`;
}

function parseCount(text: string, line: number, what: string, min: number): number {
  const t = text.trim();
  if (!/^-?\d+$/.test(t) || Number(t) < min) throw new DirectiveError(line, `bad ${what} '${t}'`);
  return Number(t);
}

/** Reads the directives of a golden file; throws `DirectiveError` on a malformed one. */
export function parseDirectives(source: string): Directives {
  const stdout: string[] = [];
  const errors: Located[] = [];
  let trap: Located | null = null;
  let exit: number | null = null;
  let threads: number | null = null;
  let stdin = '';
  let args: string[] | null = null;
  let host: string | null = null;
  for (const d of scan(source).directives) {
    const line = d.lineIndex + 1;
    switch (d.kind) {
      case 'expect':
        stdout.push(d.text);
        break;
      case 'trap':
      case 'error': {
        const l = parseLocated(d.text);
        if (!l) throw new DirectiveError(line, `expected 'LINE:COL: MESSAGE' after 'expect ${d.kind}:'`);
        if (d.kind === 'error') errors.push(l);
        else if (trap) throw new DirectiveError(line, 'more than one expect trap');
        else trap = l;
        break;
      }
      case 'exit':
        if (exit !== null) throw new DirectiveError(line, 'more than one exit directive');
        exit = parseCount(d.text, line, 'exit status', 0);
        break;
      case 'threads':
        if (threads !== null) throw new DirectiveError(line, 'more than one threads directive');
        threads = parseCount(d.text, line, 'thread count', 1);
        break;
      case 'stdin':
        stdin += `${d.text}\n`;
        break;
      case 'args':
        if (args !== null) throw new DirectiveError(line, 'more than one args directive');
        args = d.text.split(' ').filter((a) => a !== '');
        break;
      case 'host':
        if (host !== null) throw new DirectiveError(line, 'more than one host directive');
        host = d.text.trim();
        break;
    }
  }
  if (trap && errors.length > 0) throw new DirectiveError(1, 'a file cannot expect both a trap and compile errors');
  if (errors.length > 0 && stdout.length > 0) throw new DirectiveError(1, 'a file that expects compile errors cannot expect output');
  return { stdout, trap, errors, exit, threads, stdin, args: args ?? [], host };
}

/** The exit status a file expects: its `exit:` directive, or 65 with errors, 70 with a trap, else 0. */
export function expectedExit(d: Directives): number {
  if (d.exit !== null) return d.exit;
  if (d.errors.length > 0) return 65;
  if (d.trap) return 70;
  return 0;
}

/**
 * Rewrites `source`'s directives to describe `outcome` (for `BLESS=1`).
 * `threads:`, `stdin:`, `args:` and `host:` directives are input and stay. Existing directive comments are
 * reused in place, in order, per kind (`expect:`; `expect trap:`/`expect error:`;
 * `exit:`); those left over are removed (a line holding only a directive is
 * deleted, and the line numbers of the new trap/error directives for this file
 * are adjusted accordingly); new directives that have no place are appended at
 * the end of the file. Deterministic: blessing twice changes nothing.
 */
export function blessSource(source: string, outcome: Outcome): string {
  const { lines, directives } = scan(source);
  const defaultExit = outcome.errors.length > 0 ? 65 : outcome.trap ? 70 : 0;
  const wanted: Record<'expect' | 'outcome' | 'exit', string[]> = {
    expect: outcome.stdout.map((s) => (s === '' ? '// expect:' : `// expect: ${s}`)),
    outcome: [
      ...(outcome.trap ? [{ kind: 'trap', l: outcome.trap }] : []),
      ...outcome.errors.map((l) => ({ kind: 'error', l })),
    ].map(({ kind, l }) => `// expect ${kind}: ${formatLocated(l)}`),
    exit: outcome.exit === defaultExit ? [] : [`// exit: ${outcome.exit}`],
  };
  const slotOf = (k: Kind): 'expect' | 'outcome' | 'exit' | null =>
    k === 'expect' ? 'expect' : k === 'trap' || k === 'error' ? 'outcome' : k === 'exit' ? 'exit' : null;
  const used = { expect: 0, outcome: 0, exit: 0 };
  const deleted: number[] = []; // 0-based indices of deleted lines
  const out: (string | null)[] = [...lines];
  for (const d of directives) {
    const slot = slotOf(d.kind);
    if (!slot) continue;
    const code = (lines[d.lineIndex] as string).slice(0, d.start).trimEnd();
    const next = wanted[slot][used[slot]];
    if (next !== undefined) {
      used[slot]++;
      out[d.lineIndex] = (lines[d.lineIndex] as string).slice(0, d.start) + next;
    } else if (code === '') {
      out[d.lineIndex] = null;
      deleted.push(d.lineIndex);
    } else {
      out[d.lineIndex] = code;
    }
  }
  // Positions in this file move up by the number of deleted lines above them.
  const shift = (l: Located): Located => {
    if (l.file !== undefined) return l;
    const above = deleted.filter((i) => i + 1 < l.line).length;
    return { ...l, line: l.line - above };
  };
  const shifted: Outcome = { ...outcome, trap: outcome.trap ? shift(outcome.trap) : null, errors: outcome.errors.map(shift) };
  if (deleted.length > 0) {
    // Recompute the outcome texts with the shifted positions (slots already written keep their order).
    const texts = [
      ...(shifted.trap ? [`// expect trap: ${formatLocated(shifted.trap)}`] : []),
      ...shifted.errors.map((l) => `// expect error: ${formatLocated(l)}`),
    ];
    let k = 0;
    for (const d of directives) {
      if (slotOf(d.kind) !== 'outcome' || out[d.lineIndex] === null || k >= used.outcome) continue;
      const line = out[d.lineIndex] as string;
      const at = line.indexOf('// expect ');
      out[d.lineIndex] = line.slice(0, at) + (texts[k++] as string);
    }
    wanted.outcome = texts;
  }
  const kept = out.filter((l): l is string => l !== null);
  const rest = [
    ...wanted.expect.slice(used.expect),
    ...wanted.outcome.slice(used.outcome),
    ...wanted.exit.slice(used.exit),
  ];
  if (rest.length > 0) {
    while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
    kept.push(...rest, '');
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  return kept.join(eol);
}
