//! The `rejit` command line: run, check and dump Rejit programs.
//!
//! Program output goes to stdout and nothing else does; diagnostics, traps
//! and usage errors go to stderr. Exit statuses are in docs/CONVENTIONS.md.

import { parseArgs } from 'node:util';
import { readFileSync, writeSync } from 'node:fs';
import { CompileError } from '../frontend/diagnostic.js';
import { Session, type Tier } from '../runtime/session.js';
import { Trap } from '../runtime/trap.js';
import { printFunction } from '../ir/printer.js';

export const EXIT = { ok: 0, usage: 64, compileError: 65, noInput: 66, trap: 70, timeout: 124 } as const;

const USAGE = `Usage:
  rejit run FILE [--threads N] [--tier interp|baseline|opt|auto] [--timeout SECONDS]
  rejit check FILE
  rejit dump FILE --ir [--function NAME]
  rejit --help | --version

Commands:
  run     run FILE's main function; its i32 result is the exit status
  check   parse and type-check FILE, print its diagnostics
  dump    print the typed IR of FILE's functions (or only NAME)
`;

const TIERS: readonly Tier[] = ['interp', 'baseline', 'opt', 'auto'];

class UsageError extends Error {}

/** Buffers program output and writes it synchronously, so nothing is lost or reordered at exit. */
class Output {
  private buffer: string[] = [];
  private size = 0;
  line(text: string): void {
    this.buffer.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 1 << 16) this.flush();
  }
  flush(): void {
    if (this.buffer.length === 0) return;
    writeFully(1, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
}

function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done);
    } catch (e) {
      // A non-blocking pipe that is full: retry until the reader catches up.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

function stderr(text: string): void {
  writeFully(2, text.endsWith('\n') ? text : `${text}\n`);
}

export function main(argv: readonly string[]): number {
  try {
    return dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`rejit: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    throw e;
  }
}

function dispatch(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      threads: { type: 'string' },
      tier: { type: 'string' },
      timeout: { type: 'string' },
      ir: { type: 'boolean' },
      function: { type: 'string' },
    },
  });
  if (values.help) {
    writeFully(1, USAGE);
    return EXIT.ok;
  }
  if (values.version) {
    writeFully(1, `rejit ${version()}\n`);
    return EXIT.ok;
  }
  const [command, file, ...extra] = positionals;
  if (!command) throw new UsageError('no command given');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (!file) throw new UsageError(`'${command}' needs a FILE`);
  switch (command) {
    case 'run': {
      const threads = values.threads === undefined ? 1 : positiveInt(values.threads, '--threads');
      const tier = (values.tier ?? 'auto') as Tier;
      if (!TIERS.includes(tier)) throw new UsageError(`unknown tier '${values.tier}' (use ${TIERS.join(', ')})`);
      const timeout = values.timeout === undefined ? undefined : positiveNumber(values.timeout, '--timeout');
      if (threads > 1) {
        stderr('rejit: --threads above 1 needs the compiled tiers, which this version does not have yet');
        return EXIT.usage;
      }
      return run(file, tier, timeout);
    }
    case 'check': return check(file);
    case 'dump':
      if (!values.ir) throw new UsageError("'dump' needs --ir");
      return dump(file, values.function);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${text}'`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} needs a positive number of seconds, got '${text}'`);
  return n;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Loads FILE into a new session; reports diagnostics and returns null when it does not check. */
function loadProgram(session: Session, file: string): boolean {
  try {
    session.loadFile(file);
    return true;
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    stderr(e.format());
    return false;
  }
}

function run(file: string, tier: Tier, timeout: number | undefined): number {
  const out = new Output();
  const session = new Session({ print: (line) => out.line(line), tier, timeoutSeconds: timeout });
  if (!loadProgram(session, file)) return EXIT.compileError;
  const main = session.functionInfo('main');
  if (!main || main.params.length > 0 || (main.result !== 'void' && main.result !== 'i32')) {
    const what = main ? "'main' must be 'fn main()' or 'fn main() -> i32'" : "no function 'main'";
    stderr(`${file}: error: ${what}`);
    return EXIT.compileError;
  }
  try {
    const result = session.call('main');
    out.flush();
    return typeof result === 'number' ? result & 0xff : EXIT.ok;
  } catch (e) {
    out.flush();
    if (!(e instanceof Trap)) throw e;
    stderr(e.format());
    if (e.kind === 'timeout') return EXIT.timeout;
    return EXIT.trap;
  }
}

function check(file: string): number {
  const session = new Session({ print: () => {} });
  return loadProgram(session, file) ? EXIT.ok : EXIT.compileError;
}

function dump(file: string, only: string | undefined): number {
  const session = new Session({ print: () => {} });
  if (!loadProgram(session, file)) return EXIT.compileError;
  const fns = session.program.functions.filter((f) => f.ir && (only === undefined || f.name === only));
  if (only !== undefined && fns.length === 0) {
    stderr(`rejit: no function '${only}' with a body in ${file}`);
    return EXIT.usage;
  }
  writeFully(1, fns.map((f) => printFunction(f.ir!, session.program)).join('\n'));
  return EXIT.ok;
}
