//! The `rejit` command line: run, check and dump Rejit programs.
//!
//! Program output goes to stdout and nothing else does; diagnostics, traps
//! and usage errors go to stderr. Exit statuses are in docs/CONVENTIONS.md.

import { DEFAULT_COMPILE_OPTIONS } from '../backend/compile-options.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFully } from '../session/thread.js';
import { CompileError } from '../frontend/diagnostic.js';
import { Session } from '../session/session.js';
import { directoryResolver, type ModuleResolver } from '../session/module-resolver.js';
import { StopReason } from '../core/control.js';
import { MAX_THREADS } from '../core/layout.js';
import { InternalError, REPORT_REQUEST } from '../core/internal-error.js';
import { ThreadedSession, type RunResult, type ThreadedSessionOptions } from '../session/threaded-session.js';
import { fitsMainThread } from '../session/call-depth.js';
import { DEFAULT_THRESHOLDS } from '../tiering/tiering.js';
import { DEFAULT_TIER, TIERS, TIER_NAMES, isTier } from '../tiering/tiers.js';
import { printFunction } from '../ir/printer.js';
import type { IrFunction } from '../ir/ir.js';
import { functionText } from '../backend/pipeline.js';
import { optimizedText } from '../backend/opt-dump.js';
import { TraceFileError } from '../session/trace-file.js';
import { formatStats } from '../session/run-stats.js';
import { Watcher } from './watch.js';
import { hostFunctionNames } from './host-names.js';
import { ArgumentError, parseArguments, type FlagSpecs } from './arguments.js';
import type { HostFunction } from '../core/host-function.js';

type HostFunctions = Readonly<Record<string, HostFunction>>;

export const EXIT = { ok: 0, usage: 64, compileError: 65, noInput: 66, trap: 70, internal: 71, timeout: 124, interrupted: 130 } as const;

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay would fire at once. */
const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

const USAGE = `Usage:
  rejit run FILE [--threads N] [--tier ${TIER_NAMES.join('|')}] [--timeout SECONDS]
                 [--hot-calls N] [--hot-loops N] [--allow-load DIR]... [--watch]
                 [--deopt-every N] [--trace OUT.json] [--stats] [--host MODULE] [-- ARG...]
  rejit check FILE [--allow-load DIR]... [--host MODULE]
  rejit dump FILE [--ir] [--wat] [--opt] [--function NAME] [--allow-load DIR]... [--host MODULE]
  rejit --help | --version

Commands:
  run     run FILE's main function; its i32 result is the exit status
${TIERS.map((t) => `          --tier ${t.name}${t.name === DEFAULT_TIER ? ' (the default)' : ''}: ${t.summary}`).join('\n')}
          (auto: hot after N calls or N loop iterations: --hot-calls, --hot-loops)
          --threads: 1 to ${MAX_THREADS}; --timeout: at most ${MAX_TIMEOUT_S} seconds
          --deopt-every N: optimized code also deoptimizes at every Nth validity
          check (stress testing: the output must not change)
          --watch: while it runs, load each change to FILE or a module it loaded
          (changed functions are redefined, new items added; other changes are refused)
          --trace OUT.json: write what the JIT does (loads, compiles, tier-ups,
          invalidations, deopts, traps) as a Chrome trace (Perfetto, chrome://tracing)
          --stats: at exit, print on stderr a summary of compiles, deopts, loads, memory
          ARGs after '--' are the program's (the arg_count and arg builtins);
          read_byte reads standard input
          --host MODULE: a JavaScript module whose exported functions are the
          program's host functions ('host fn f(..) -> T;'); every thread imports it
  check   parse and type-check FILE, print its diagnostics
  dump    print the typed IR (--ir), the baseline tier's WebAssembly text (--wat),
          or the optimized version (--opt: its IR after the passes, call plans and
          guards, deopt points with the live locals they rebuild, its assumptions)
          of FILE's functions (or only NAME)

Loading (every command):
  --allow-load DIR
          FILE and the modules it loads are read only from FILE's directory and each
          DIR given (repeatable; subfolders too); a path that leaves them (through '..',
          an absolute path or a symbolic link) is refused
`;

class UsageError extends Error {}

function stderr(text: string): void {
  writeFully(2, text.endsWith('\n') ? text : `${text}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      stderr(`rejit: ${e.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    return internalError(InternalError.from(e).format());
  }
}

/** Reports a failure of Rejit itself (never of the program): no JavaScript stack, a request to report it. */
function internalError(text: string): number {
  stderr(`${text}\n${REPORT_REQUEST}`);
  return EXIT.internal;
}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  threads: { type: 'string' },
  tier: { type: 'string' },
  timeout: { type: 'string' },
  'hot-calls': { type: 'string' },
  'hot-loops': { type: 'string' },
  'deopt-every': { type: 'string' },
  'allow-load': { type: 'string', multiple: true },
  host: { type: 'string' },
  watch: { type: 'boolean' },
  ir: { type: 'boolean' },
  wat: { type: 'boolean' },
  function: { type: 'string' },
  opt: { type: 'boolean' },
  trace: { type: 'string' },
  stats: { type: 'boolean' },
} as const satisfies FlagSpecs;

function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArguments(argv, OPTIONS);
  } catch (e) {
    // Its messages name the flag (unknown option, missing value).
    if (e instanceof ArgumentError) throw new UsageError(e.message);
    throw e;
  }
}

async function dispatch(argv: readonly string[]): Promise<number> {
  // Everything after the first `--` is the program's.
  const end = argv.indexOf('--');
  const programArgs = end < 0 ? [] : argv.slice(end + 1);
  const { values, positionals } = parseCommandLine(end < 0 ? argv : argv.slice(0, end));
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
  if (end >= 0 && command !== 'run') throw new UsageError(`'${command}' takes no program arguments ('--')`);
  const resolve = resolverFor(file, values['allow-load'] ?? []);
  const hostModule = values.host;
  const host = hostModule === undefined ? undefined : await hostStandIns(hostModule);
  switch (command) {
    case 'run': {
      const threads = values.threads === undefined ? 1 : positiveInt(values.threads, '--threads');
      if (threads > MAX_THREADS) throw new UsageError(`--threads must be at most ${MAX_THREADS}, got '${values.threads}'`);
      const tier = values.tier ?? DEFAULT_TIER;
      if (!isTier(tier)) throw new UsageError(`unknown tier '${tier}' (use ${TIER_NAMES.join(', ')})`);
      const timeout = values.timeout === undefined ? undefined : positiveNumber(values.timeout, '--timeout');
      const calls = values['hot-calls'];
      const loops = values['hot-loops'];
      const tierUp = {
        calls: calls === undefined ? DEFAULT_THRESHOLDS.calls : positiveInt(calls, '--hot-calls'),
        backEdges: loops === undefined ? DEFAULT_THRESHOLDS.backEdges : positiveInt(loops, '--hot-loops'),
      };
      const deoptEvery = values['deopt-every'];
      const compile = deoptEvery === undefined ? undefined : { ...DEFAULT_COMPILE_OPTIONS, deoptEvery: positiveInt(deoptEvery, '--deopt-every') };
      const report = { stats: values.stats === true };
      return run(file, { threads, tier, tierUp, compile, loadDirectories: resolve.directories, trace: values.trace, args: programArgs, hostModule }, host, timeout, values.watch === true, report);
    }
    case 'check': return check(file, resolve.resolve, host);
    case 'dump':
      if (!values.ir && !values.wat && !values.opt) throw new UsageError("'dump' needs --ir, --wat or --opt");
      return dump(file, resolve.resolve, host, values.function, { ir: values.ir === true, wat: values.wat === true, opt: values.opt === true });
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** Where FILE and its loads may be read from: FILE's directory and each `--allow-load` directory. */
function resolverFor(file: string, allowed: readonly string[]): { directories: string[]; resolve: ModuleResolver } {
  for (const dir of allowed) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--allow-load needs a directory, got '${dir}'`);
  }
  const directories = [dirname(file), ...allowed];
  return { directories, resolve: directoryResolver(directories) };
}

/**
 * Stand-ins of the functions `--host MODULE` exports, for checking loads on
 * this thread: the program threads import the module and call the real
 * ones. A module that cannot be imported is a usage error.
 */
async function hostStandIns(module: string): Promise<HostFunctions> {
  let names: string[];
  try {
    names = await hostFunctionNames(module);
  } catch (e) {
    throw new UsageError(`--host cannot import '${module}': ${(e as Error).message}`);
  }
  const elsewhere = (): never => {
    throw new Error('host functions run on the program threads');
  };
  return Object.fromEntries(names.map((name) => [name, elsewhere]));
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got '${text}'`);
  return n;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`${flag} needs a positive number of seconds, got '${text}'`);
  if (n > MAX_TIMEOUT_S) throw new UsageError(`${flag} must be at most ${MAX_TIMEOUT_S} seconds, got '${text}'`);
  return n;
}

function version(): string {
  // The nearest package.json above this module: it runs from dist/src/cli/ or bundled in dist/bundle/.
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'rejit') return pkg.version;
    } catch {
      if (dir.pathname === '/') return 'unknown';
    }
  }
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

/**
 * Runs FILE's `main`: on this thread when it is one thread whose calls fit
 * this thread's stack (`session/call-depth.ts`), else on `threads` worker
 * threads while this thread watches the clock, Ctrl-C and (`--watch`) the files.
 */
async function run(file: string, options: ThreadedSessionOptions, host: HostFunctions | undefined, timeout: number | undefined, watch: boolean, report: { readonly stats: boolean }): Promise<number> {
  // Host functions are imported by the workers only (`cli/host-names.ts`).
  const here = options.threads === 1 && !watch && host === undefined;
  let threaded: ThreadedSession;
  try {
    // Workers that will run in any case boot while this thread reads and checks the program.
    threaded = here ? ThreadedSession.open(options) : ThreadedSession.start(options, host);
  } catch (e) {
    if (!(e instanceof TraceFileError)) throw e;
    stderr(`rejit: ${e.message}`);
    return EXIT.usage;
  }
  try {
    const status = await runLoaded(threaded, file, here, timeout, watch);
    if (report.stats && status !== EXIT.compileError) stderr(formatStats(await threaded.stats()));
    return status;
  } finally {
    await threaded.close();
  }
}

/** Loads FILE and runs its `main`: the exit status. */
async function runLoaded(threaded: ThreadedSession, file: string, here: boolean, timeout: number | undefined, watch: boolean): Promise<number> {
  if (!loadProgram(threaded.session, file)) return EXIT.compileError;
  const main = threaded.session.functionInfo('main');
  if (!main || main.params.length > 0 || (main.result !== 'void' && main.result !== 'i32')) {
    const what = main ? "'main' must be 'fn main()' or 'fn main() -> i32'" : "no function 'main'";
    stderr(`${file}: error: ${what}`);
    return EXIT.compileError;
  }
  const result = here && fitsMainThread(threaded.session.program, main.id)
    ? threaded.runHere('main', [], { timeoutMs: timeout === undefined ? undefined : timeout * 1000, interrupt: true })
    : await runOnWorkers(threaded, timeout, watch);
  if (result.internal !== null) return internalError(result.internal);
  if (result.trap !== null) {
    stderr(result.trap);
    return EXIT.trap;
  }
  if (result.stopped === StopReason.Timeout) {
    stderr(`rejit: ${file}: timed out after ${timeout} s`);
    return EXIT.timeout;
  }
  if (result.stopped === StopReason.Interrupt) {
    stderr(`rejit: ${file}: interrupted`);
    return EXIT.interrupted;
  }
  const first = result.outcomes[0];
  const value = first?.kind === 'returned' ? first.value : undefined;
  return typeof value === 'number' ? value & 0xff : EXIT.ok;
}

async function runOnWorkers(threaded: ThreadedSession, timeout: number | undefined, watch: boolean): Promise<RunResult> {
  const timer = timeout === undefined ? undefined : setTimeout(() => threaded.stop(StopReason.Timeout), timeout * 1000);
  const interrupt = (): void => threaded.stop(StopReason.Interrupt);
  process.on('SIGINT', interrupt);
  const watcher = watch ? new Watcher(threaded, stderr) : null;
  try {
    return await threaded.run('main');
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', interrupt);
    watcher?.close();
  }
}

/**
 * `check` and `dump` run nothing: their sessions are interpreted, for a
 * compiling tier would compile its runtime and set V8's flags at start.
 */
function checkingSession(resolve: ModuleResolver, host: HostFunctions | undefined): Session {
  return new Session({ tier: 'interp', print: () => {}, resolve, host });
}

function check(file: string, resolve: ModuleResolver, host: HostFunctions | undefined): number {
  const session = checkingSession(resolve, host);
  return loadProgram(session, file) ? EXIT.ok : EXIT.compileError;
}

function dump(file: string, resolve: ModuleResolver, host: HostFunctions | undefined, only: string | undefined, show: { readonly ir: boolean; readonly wat: boolean; readonly opt: boolean }): number {
  const session = checkingSession(resolve, host);
  if (!loadProgram(session, file)) return EXIT.compileError;
  const fns = session.program.functions.filter((f) => f.ir && (only === undefined || f.name === only));
  if (only !== undefined && fns.length === 0) {
    stderr(`rejit: no function '${only}' with a body in ${file}`);
    return EXIT.usage;
  }
  const text = (ir: IrFunction, codeId: number): string =>
    (show.ir ? printFunction(ir, session.program) : '') + (show.wat ? functionText(ir, session.program, codeId) : '') +
    (show.opt ? optimizedText(ir, session.program, codeId) : '');
  writeFully(1, fns.map((f, i) => text(f.ir!, i + 1)).join('\n'));
  return EXIT.ok;
}
