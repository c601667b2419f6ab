//! A session whose code runs on a pool of worker threads that share one
//! memory: the library API for threaded runs, and what `rejit run` uses.
//!
//! The main thread keeps its own copy of the program tables for checking
//! loads and resolving names; it runs no program code, but for `runHere`: a
//! one-thread run on the main thread itself, which saves booting a worker
//! (most of the start-up of a short run). Loads from here follow the same
//! protocol as loads from a running thread (`control.ts`).

import type { MessagePort, Worker } from 'node:worker_threads';
import type { CompilerReply, CompilerStart, CompilerStats } from './compiler-thread.js';
import type { OptSnapshot } from '../backend/opt-stats.js';
import type { Tracer } from '../core/trace.js';
import { TraceFile } from './trace-file.js';
import { runStats, type RunStats, type ThreadFigures } from './run-stats.js';
import { DEFAULT_TIER, tierEntry } from '../tiering/tiers.js';
import { CompileError } from '../frontend/diagnostic.js';
import { createThreadPorts, portsOf, type ThreadPorts } from '../core/code-channels.js';
import { Control, StopReason } from '../core/control.js';
import { UNSHARED } from '../core/code-sharing.js';
import { createMemory } from '../core/heap.js';
import { workerThreads } from '../core/node-modules.js';
import { COORDINATOR_THREAD } from '../core/layout.js';
import { InternalError } from '../core/internal-error.js';
import { LoadLog, type LoggedModule } from './load-log.js';
import { directoryResolver } from './module-resolver.js';
import { Session, checkArguments, type CodeStats, type HostValue, type LoadResult, type ThreadHooks, type Tier } from './session.js';
import { fromRaw } from './host-values.js';
import { apiError } from './api-errors.js';
import type { Val } from '../interp/closures.js';
import type { FunctionInfo } from '../core/program.js';
import { Thread, type OutputMode, type ThreadOutcome, type ThreadStart } from './thread.js';
import { callTerminable, type Terminators } from './terminable-call.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';
import type { CompileOptions } from '../backend/compile-options.js';
import type { TierUpThresholds } from '../tiering/tiering.js';
import { SharedInput } from '../core/input.js';
import { importHostModule, moduleUrl, type HostFunction } from '../core/host-function.js';

/** How a `ThreadedSession` runs: its number of threads and their tier, output and loadable directories. */
export interface ThreadedSessionOptions {
  readonly threads: number;
  /** As `SessionOptions.tier` (default 'auto': hot code is optimized on the session's compiler thread). */
  readonly tier?: Tier;
  /** With tier 'auto': when a function is hot. */
  readonly tierUp?: TierUpThresholds;
  /** As `SessionOptions.compile`: for measurement and stress testing only. */
  readonly compile?: CompileOptions;
  /**
   * Receives each printed line (default: written straight to standard output
   * by the threads); bytes that `write_byte` left without a newline at the
   * end of a run come as a line of their own.
   */
  readonly print?: (line: string) => void;
  /** Stack of each worker in MiB: deep recursion in the interpreter needs more than Node's default. */
  readonly stackSizeMb?: number;
  /**
   * The directories that `loadFile` and the `load` builtin may read modules
   * from (`directoryResolver`). Directories rather than a resolver function,
   * since each worker thread makes its own and a function cannot cross to
   * it. Default: none; the session reads no files, and `load` traps.
   */
  readonly loadDirectories?: readonly string[];
  /**
   * A file to write the run's trace events to (`SessionOptions.trace`), from
   * every thread: one track each, and one for this thread's loads. Opened at
   * once (a path that cannot be written throws a `TraceFileError`), finished by `close`.
   */
  readonly trace?: string;
  /** As `SessionOptions.input`: what `read_byte` reads, on every thread (default: the process's standard input). */
  readonly input?: Uint8Array | string;
  /** As `SessionOptions.args`: the program's arguments (`arg_count`, `arg`). */
  readonly args?: readonly string[];
  /**
   * A module whose exported functions are the session's host functions
   * (`SessionOptions.host`). Each worker imports it (a function cannot
   * cross to a worker), so each thread has its own instance of the module's
   * state. Needs `ThreadedSession.create`, which imports it on this thread
   * too, before any load, to know its names.
   */
  readonly hostModule?: string | URL;
}

/** How a run on one or more threads ended: the outcome of each thread, in thread order. */
export interface RunResult {
  readonly outcomes: readonly ThreadOutcome[];
  /** The reported trap (the first one), formatted, if any thread trapped. */
  readonly trap: string | null;
  /**
   * The reported internal error (the first one), formatted, if the runtime
   * failed: on a thread, in a worker that died, or in the `print` callback.
   * The session is closed after such a run.
   */
  readonly internal: string | null;
  /** Why the run was stopped from outside (timeout, interrupt), or None. */
  readonly stopped: StopReason;
}

interface Pending {
  readonly thread: number;
  readonly resolve: (outcome: ThreadOutcome) => void;
}

/** What the optimizing tier has done in a session's run so far: on each thread (as of its last run), and on the compiler thread. */
export interface OptimizationReport {
  readonly threads: readonly (OptSnapshot | undefined)[];
  readonly compiler: CompilerStats | null;
}

/** After a stop request, how long threads get to reach a poll before they are terminated. */
const STOP_GRACE_MS = 2000;

/**
 * The young generation of a worker's JS heap, in MB: a quarter of V8's
 * default on a 64-bit machine. A worker's JS heap holds only what compiles
 * and interprets; the program's data is in the shared memory. A run that
 * loads without end makes garbage steadily on every thread (each replays
 * every load), and V8 grows each young generation to its maximum: 100,000
 * loads at the interpreter on 4 threads raised the peak RSS 148 MB above
 * that after 1,000 with half of V8's default, 97 MB with this
 * (docs/PERFORMANCE.md, "Code lifetime").
 */
const WORKER_YOUNG_GENERATION_MB = 12;

/**
 * One program on a pool of worker threads that share one memory. Loads from
 * the host, and from running threads, return once every thread runs the new
 * code; `run` runs a function on every thread or on one.
 */
export class ThreadedSession {
  readonly session: Session;
  private readonly control: Control;
  private readonly log: LoadLog;
  private readonly workers: Worker[] = [];
  /** Whether the workers have been started (`start`, or the first `run` after `open`). */
  private booted = false;
  /** The thread of `runHere`, once it has run. */
  private here: Thread | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextRequest = 1;
  private applied = 0;
  private running = false;
  private closed = false;
  /** The first internal error seen by this thread (a worker died, the print callback threw). */
  private fault: string | null = null;
  private readonly traceFile: TraceFile | null;
  /** This thread's trace events: loads from the host, stops. */
  private readonly trace: Tracer | null;

  /** The run's input, shared by its threads (`core/input.ts`). */
  private readonly input: SharedArrayBuffer;

  private constructor(private readonly options: ThreadedSessionOptions, private readonly host?: Readonly<Record<string, HostFunction>>) {
    // First: a trace file that cannot be written fails before anything is made.
    this.traceFile = options.trace === undefined ? null : new TraceFile(options.trace);
    this.trace = this.traceFile?.mainTracer() ?? null;
    // Under stress testing of reclamation the log compacts as soon as it has doubled, while threads read it.
    this.log = options.compile?.reclaimAlways === true ? LoadLog.create(undefined, 0) : LoadLog.create();
    const memory = createMemory();
    this.input = SharedInput.create(options.input);
    this.control = new Control(memory.buffer);
    const hooks: ThreadHooks = {
      threadId: COORDINATOR_THREAD,
      threadCount: options.threads,
      code: UNSHARED,
      barrier: () => {},
      sleep: () => {},
      safepoint: () => {},
      beginLoad: () => this.beginLoad(),
      logLoad: (entry) => this.logLoad(entry),
      publishLoad: (acknowledged) => this.publishLoad(acknowledged),
      endLoad: () => this.control.unlockLoads(),
    };
    const dirs = options.loadDirectories;
    // 'interp': this session only checks. Compiling would also set the engine's flags (`backend/engine-flags.ts`)
    // before the workers boot, and a worker booted with other flags than Node's code cache was made with compiles
    // all of Node's own modules afresh: twice the time.
    // Its own calls (`session.call`) print where the threads do.
    const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
    const trace = this.trace ?? undefined;
    this.session = new Session({ memory, tier: 'interp', thread: hooks, print, resolve: dirs ? directoryResolver(dirs) : undefined, trace, host });
  }

  /** Starts the workers (after importing `hostModule`, if given); resolves when every one of them is ready. */
  static async create(options: ThreadedSessionOptions): Promise<ThreadedSession> {
    const host = options.hostModule === undefined ? undefined : await importHostModule(options.hostModule);
    const s = ThreadedSession.start(options, host);
    await s.ready;
    return s;
  }

  /**
   * Starts the workers and returns at once, so that the host can load and
   * check modules while they boot (`rejit run` does: booting a worker is
   * most of its start-up). Loads need not wait for them: a worker that is
   * not running counts as acknowledged and applies the log before it runs.
   * `run` waits until every worker is ready. `host`: as for `open`.
   */
  static start(options: ThreadedSessionOptions, host?: Readonly<Record<string, HostFunction>>): ThreadedSession {
    const s = ThreadedSession.open(options, host);
    s.boot();
    return s;
  }

  /**
   * A session whose workers start at its first `run`, and not at all if it
   * only loads and checks, or runs on this thread (`runHere`). With
   * `options.hostModule`, `host` must be its functions, imported
   * (`create` does it), or stand-ins of their names when every run is on
   * the workers (`run`, not `runHere`), which import the module themselves.
   */
  static open(options: ThreadedSessionOptions, host?: Readonly<Record<string, HostFunction>>): ThreadedSession {
    if (!Number.isInteger(options.threads) || options.threads < 1 || options.threads > 64) {
      throw apiError('ERR_REJIT_THREAD', `a threaded session needs 1 to 64 threads, got ${options.threads}`);
    }
    if (options.hostModule !== undefined && host === undefined) {
      throw new Error('a session with a hostModule is made by ThreadedSession.create, which imports the module before any load');
    }
    return new ThreadedSession(options, host);
  }

  private boot(): void {
    if (this.booted) return;
    this.booted = true;
    const threads = this.options.threads;
    const background = this.optimizesInBackground;
    // The compiler thread, when there is one, posts its code as the last of the threads.
    const ports = createThreadPorts(threads + (background ? 1 : 0));
    const requests = background ? Array.from({ length: threads }, () => new (workerThreads().MessageChannel)()) : [];
    if (background) this.startCompiler(ports[threads] as ThreadPorts, requests.map((c) => c.port2));
    this.ready = Promise.all(ports.slice(0, threads).map((p, i) => this.startWorker(i, p, requests[i]?.port1))).then(() => {});
    // A worker that fails to start is reported by `run` (or `create`), not as an unhandled rejection meanwhile.
    this.ready.catch(() => {});
  }

  /** Whether the session's tier optimizes on a compiler thread of its own. */
  private get optimizesInBackground(): boolean {
    return tierEntry(this.options.tier ?? DEFAULT_TIER).optimizesInBackground;
  }

  /** Settles once every worker has started (`start`). */
  private ready: Promise<void> = Promise.resolve();

  /** The compiler thread (`compiler-thread.ts`): `requests` come from each program thread. */
  private startCompiler(ports: ThreadPorts, requests: MessagePort[]): void {
    const start: CompilerStart & { readonly requests: readonly MessagePort[] } = {
      memory: this.session.memory,
      log: this.log.buffer,
      ports,
      threadCount: this.options.threads,
      compile: this.options.compile,
      trace: this.traceFile ? { origin: this.traceFile.origin } : undefined,
      requests,
    };
    const worker = new (workerThreads().Worker)(new URL('./compiler-worker.js', import.meta.url), {
      workerData: start,
      transferList: [...portsOf(ports), ...requests],
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    worker.on('error', (e) => this.failed(-1, `${InternalError.from(e).format()}\n  on the compiler thread`, false));
    worker.on('message', (reply: CompilerReply) => {
      if (reply.kind === 'trace') this.traceFile?.write(reply.events);
      else this.compilerAnswers.shift()?.(reply.stats);
    });
    // A compiler thread that is gone answers nothing more.
    worker.on('exit', () => {
      this.compiler = null;
      for (const answer of this.compilerAnswers.splice(0)) answer(null);
    });
    worker.unref();
    this.compiler = worker;
  }

  private compiler: Worker | null = null;
  /** Who waits for the compiler thread's figures, in the order they asked. */
  private readonly compilerAnswers: ((stats: CompilerStats | null) => void)[] = [];
  private readonly threadStats: (OptSnapshot | undefined)[] = [];
  private readonly threadFigures: (ThreadFigures | undefined)[] = [];
  private readonly threadCode: (CodeStats | undefined)[] = [];

  /**
   * Code versions live and freed and the bytes of their modules, summed over
   * the threads as of their last run (each thread keeps its own instances),
   * and the run's code ids in use and free now.
   */
  codeStats(): CodeStats {
    const now = this.session.codeStats();
    const sum = (f: (s: CodeStats) => number): number => this.threadCode.reduce((n, s) => n + (s ? f(s) : 0), 0);
    return {
      liveVersions: sum((s) => s.liveVersions),
      freedVersions: sum((s) => s.freedVersions),
      codeBytes: sum((s) => s.codeBytes),
      freedCodeBytes: sum((s) => s.freedCodeBytes),
      liveCodeIds: now.liveCodeIds,
      freeCodeIds: now.freeCodeIds,
    };
  }

  /** What the optimizing tier has done so far (the program threads' figures as of their last run). */
  async optimizationReport(): Promise<OptimizationReport> {
    return { threads: [...this.threadStats], compiler: await this.compilerStats() };
  }

  /**
   * What the tiers did in the run so far (`--stats`): every thread's figures
   * as of its last run, the compiler thread's, and this thread's loads.
   */
  async stats(): Promise<RunStats> {
    const compiler = await this.compilerStats();
    return runStats([this.session.figures(), ...this.threadFigures], compiler, this.session.memory.buffer.byteLength);
  }

  /**
   * The compiler thread's figures; null without one, once closed, or when it
   * does not answer within STOP_GRACE_MS. Its trace events posted before
   * arrive before the answer.
   */
  private compilerStats(): Promise<CompilerStats | null> {
    const compiler = this.compiler;
    if (!compiler || this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      // The worker holds the event loop while it owes an answer: nothing else may (a run on this thread has ended).
      compiler.ref();
      const answered = (stats: CompilerStats | null): void => {
        compiler.unref();
        resolve(stats);
      };
      const timer = setTimeout(() => answered(null), STOP_GRACE_MS);
      timer.unref();
      this.compilerAnswers.push((stats) => {
        clearTimeout(timer);
        answered(stats);
      });
      compiler.postMessage('stats');
    });
  }

  /** What thread `threadId` is built from, in a worker or (`runHere`) on this thread; `optimizer`: its port to the compiler thread. */
  private threadStart(threadId: number, ports: ThreadPorts, optimizer?: MessagePort): ThreadStart {
    const output: OutputMode = this.options.print ? 'message' : 'stdout';
    return {
      memory: this.session.memory,
      log: this.log.buffer,
      ports,
      threadId,
      threadCount: this.options.threads,
      tier: this.options.tier ?? DEFAULT_TIER,
      tierUp: this.options.tierUp,
      compile: this.options.compile,
      optimizer,
      output,
      loadDirectories: this.options.loadDirectories,
      trace: this.traceFile ? { origin: this.traceFile.origin } : undefined,
      input: this.input,
      args: this.options.args,
      hostModule: this.options.hostModule === undefined ? undefined : moduleUrl(this.options.hostModule),
    };
  }

  private startWorker(threadId: number, ports: ThreadPorts, optimizer?: MessagePort): Promise<void> {
    const start = this.threadStart(threadId, ports, optimizer);
    const worker = new (workerThreads().Worker)(new URL('./worker.js', import.meta.url), {
      workerData: start,
      transferList: optimizer ? [...portsOf(ports), optimizer] : portsOf(ports),
      resourceLimits: { stackSizeMb: this.options.stackSizeMb ?? 64, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.workers[threadId] = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        switch (reply.kind) {
          case 'ready': return resolve();
          case 'print': return this.printed(threadId, reply.lines);
          case 'trace': return this.traceFile?.write(reply.events);
          case 'done': {
            const p = this.pending.get(reply.id);
            this.pending.delete(reply.id);
            this.threadStats[threadId] = reply.stats;
            this.threadFigures[threadId] = reply.figures;
            this.threadCode[threadId] = reply.code;
            p?.resolve(reply.outcome);
            return;
          }
        }
      });
      worker.on('error', (e) => {
        reject(e);
        this.failed(threadId, `${InternalError.from(e).format()}\n  on thread ${threadId} (its worker failed)`, true);
      });
      worker.on('exit', (code) => {
        reject(new InternalError(`worker of thread ${threadId} exited (code ${code}) before it was ready`));
        this.failed(threadId, `internal error: the worker of thread ${threadId} exited (code ${code})`, true);
      });
    });
  }

  /** Lines that thread `threadId` printed, for the `print` callback. */
  private printed(threadId: number, lines: readonly string[]): void {
    // No output after an internal error, as none after a trap.
    if (this.fault !== null) return;
    try {
      for (const line of lines) this.options.print?.(line);
    } catch (e) {
      this.failed(threadId, `${InternalError.from(e).format()}\n  in the print callback`, false);
    }
  }

  /**
   * The runtime failed outside a thread's run: a worker died (`dead`), or
   * the print callback threw. Like a thread's internal error, the first one
   * stops the run (`Thread.ended`); the dead worker's run ends as `internal`,
   * the others' as `stopped`. A session that saw one is closed after the run.
   */
  private failed(threadId: number, error: string, dead: boolean): void {
    if (this.closed) return;
    const won = this.control.requestStop(StopReason.Internal);
    if (won) this.fault = error;
    if (dead) {
      for (const [id, p] of this.pending) {
        if (p.thread !== threadId) continue;
        this.pending.delete(id);
        p.resolve(won ? { kind: 'internal', error } : { kind: 'stopped', reason: this.control.stopReason });
      }
    }
    if (this.running) this.closeAfterGrace();
    else void this.close();
  }

  /** The number of worker threads. */
  get threads(): number {
    return this.options.threads;
  }

  // ---- loading (the same protocol as a running thread's load)

  /** Parses, checks and loads a module into every thread; throws `CompileError` and changes nothing on error. */
  load(source: string, fileName: string): LoadResult {
    this.checkOpen();
    return this.session.load(source, fileName);
  }

  /** Loads a module from a file, through the session's module resolver (`loadDirectories`). */
  loadFile(path: string): LoadResult {
    this.checkOpen();
    return this.session.loadFile(path);
  }

  /**
   * The modules loaded into the run (by the host or by running threads),
   * numbered from `from` up to `to`, in load order; a module whose every
   * function a later one redefined may have been compacted away (`load-log.ts`).
   */
  loadedModules(from = 0, to = this.control.epoch): LoggedModule[] {
    const entries: LoggedModule[] = [];
    for (const { entry } of this.log.entries(from, to)) entries.push(entry);
    return entries;
  }

  /** How many modules the run has loaded so far. */
  get loadCount(): number {
    return this.control.epoch;
  }

  /** A closed session's workers are gone: a load would wait for them forever (a dead one may hold the load lock). */
  private checkOpen(): void {
    if (this.closed) throw apiError('ERR_REJIT_SESSION_CLOSED', this.fault === null ? 'the session is closed' : `the session was closed by an internal error:\n${this.fault}`);
  }

  private beginLoad(): void {
    // The main thread may block: it runs no program code that others wait for.
    this.control.lockLoads(() => {});
    this.catchUp();
  }

  private catchUp(): void {
    const epoch = this.control.epoch;
    if (this.applied >= epoch) return;
    for (const { entry } of this.log.entries(this.applied, epoch)) this.session.replay(entry);
    this.applied = epoch;
    this.session.collect();
  }

  private logLoad(entry: LoggedModule): void {
    if (!this.log.append(entry)) {
      throw new CompileError([{ fileName: entry.module.fileName, line: 1, col: 1, message: 'the load log is full: too many modules loaded' }]);
    }
  }

  private publishLoad(acknowledged?: (thread: number) => void): void {
    const epoch = this.log.length;
    this.applied = epoch;
    this.control.publish(epoch);
    this.control.awaitAcknowledgements(epoch, -1, this.options.threads, acknowledged);
    this.control.handshakeDone();
  }

  // ---- running

  /**
   * Runs function `name` with `args` on every thread (the spec's model for
   * `main`), or on the one thread `only`. One run at a time.
   */
  async run(name: string, args: readonly HostValue[] = [], only?: number): Promise<RunResult> {
    if (this.here !== null) throw apiError('ERR_REJIT_SESSION_BUSY', 'this session runs on this thread (runHere)');
    this.boot();
    await this.ready;
    const fn = this.beginRun(name);
    const raw = checkArguments(fn, args, this.values());
    const threads = only === undefined ? this.workers.map((_, i) => i) : [only];
    if (only !== undefined && !(only >= 0 && only < this.workers.length)) throw apiError('ERR_REJIT_THREAD', `no thread ${only}`);
    this.running = true;
    this.runs++;
    this.control.startRun(threads.length);
    try {
      return this.result(fn, await Promise.all(threads.map((t) => this.request(t, name, raw))));
    } finally {
      this.running = false;
      // The runtime's state after an internal error is not to be trusted: no more runs.
      if (this.fault !== null) await this.close();
    }
  }

  /**
   * Runs function `name` with `args` on this thread, as the one thread of a
   * one-thread session whose workers have not started (`open`): the same
   * run as `run`'s, without booting a worker. This thread is busy until the
   * run ends, so `terminators` end it from outside, at once rather than at
   * a poll; the output printed before is written out, and the session is
   * closed. Its stack is a worker's sixty-fourth (`call-depth.ts`): for
   * runs whose calls nest deeply, `run`.
   */
  runHere(name: string, args: readonly HostValue[] = [], terminators: Terminators = {}): RunResult {
    if (this.options.threads !== 1 || this.booted) throw apiError('ERR_REJIT_SESSION_BUSY', 'runHere needs a one-thread session whose workers have not started');
    const fn = this.beginRun(name);
    const raw = checkArguments(fn, args, this.values());
    const thread = (this.here ??= this.threadHere());
    this.running = true;
    this.runs++;
    this.control.startRun(1);
    try {
      const ran = callTerminable(() => thread.run(name, raw), terminators);
      const figures = thread.session.figures();
      this.threadStats[0] = figures.opt;
      this.threadFigures[0] = figures;
      this.threadCode[0] = thread.session.codeStats();
      if (ran.stopped === StopReason.None) return this.result(fn, [ran.value]);
      // Ended from outside: the run's own `finally` did not hand its events on.
      thread.session.flushTrace();
      this.trace?.instant('run', 'stop', { reason: stopName(ran.stopped) });
      this.control.requestStop(ran.stopped);
      this.closed = true;
      const outcome: ThreadOutcome = { kind: 'stopped', reason: ran.stopped };
      try {
        thread.flush();
      } catch (e) {
        return { outcomes: [outcome], trap: null, internal: `${InternalError.from(e).format()}\n  on thread 0`, stopped: StopReason.None };
      }
      return { outcomes: [outcome], trap: null, internal: null, stopped: ran.stopped };
    } finally {
      this.running = false;
      if (this.fault !== null) void this.close();
    }
  }

  /**
   * The thread of `runHere`. A tier that optimizes in the background gets
   * its compiler thread when it makes its first baseline code that will ask
   * for optimized code: a run that never gets hot (hello world) does not pay
   * for booting a worker, and one that does finds it booted (about 0.1 s)
   * by the time it asks.
   */
  private threadHere(): Thread {
    const traceFile = this.traceFile;
    const background = this.optimizesInBackground;
    const connectCompiler = (): MessagePort => {
      // The channels are made here too: the first one loads Node's messaging (3 ms of a profiled hello world, when made at start).
      const ports = createThreadPorts(2);
      thread.connect(ports[0] as ThreadPorts);
      const requests = new (workerThreads().MessageChannel)();
      this.startCompiler(ports[1] as ThreadPorts, [requests.port2]);
      return requests.port1;
    };
    const start = this.threadStart(0, createThreadPorts(1)[0] as ThreadPorts);
    const thread = new Thread(start, (lines) => this.printed(0, lines), this.log, traceFile ? (events) => traceFile.write(events) : undefined, this.host, background ? connectCompiler : undefined);
    return thread;
  }

  /**
   * Checks that a run of `name` can start, after applying the loads of
   * running threads; the caller then checks its arguments here, before any
   * thread runs (`checkArguments`).
   */
  private beginRun(name: string): FunctionInfo {
    this.checkOpen();
    if (this.running) throw apiError('ERR_REJIT_SESSION_BUSY', 'a run is already in progress');
    this.catchUp();
    const fn = this.session.functionInfo(name);
    if (!fn) throw apiError('ERR_REJIT_NO_SUCH_NAME', `no function '${name}'`);
    return fn;
  }

  /** What host values are checked against here: the main thread's session (the threads make their own handles of what it passes). */
  private values(): { owner: object; program: Session['program']; heap: Session['heap'] } {
    return { owner: this.session, program: this.session.program, heap: this.session.heap };
  }

  /** The result of a run of `fn` whose threads ended as `outcomes` (their results as threads pass them: `Thread.run`). */
  private result(fn: FunctionInfo, raw: ThreadOutcome[]): RunResult {
    const outcomes = raw.map((o): ThreadOutcome => {
      if (o.kind !== 'returned' || fn.result === 'void' || typeof fn.result === 'string' || o.value === null) return o;
      return { kind: 'returned', value: fromRaw(o.value as Val, fn.result, this.values()) };
    });
    const trapped = outcomes.find((o) => o.kind === 'trapped');
    const stop = this.control.stopReason;
    let internal: string | null = null;
    if (stop === StopReason.Internal) {
      const failed = outcomes.find((o) => o.kind === 'internal');
      internal = this.fault ?? (failed?.kind === 'internal' ? failed.error : 'internal error: the run stopped for an unknown fault');
      this.fault = internal;
    }
    return {
      outcomes,
      trap: trapped?.kind === 'trapped' ? trapped.trap : null,
      internal,
      stopped: stop === StopReason.Trap || stop === StopReason.Internal ? StopReason.None : stop,
    };
  }

  private request(thread: number, name: string, args: readonly Val[]): Promise<ThreadOutcome> {
    const id = this.nextRequest++;
    const request: WorkerRequest = { id, name, args };
    return new Promise((resolve) => {
      this.pending.set(id, { thread, resolve });
      (this.workers[thread] as Worker).postMessage(request);
    });
  }

  /**
   * Stops the current run: every thread stops at its next poll. Threads that
   * do not reach one within a grace period are terminated, and the session
   * is closed.
   */
  stop(reason: StopReason.Timeout | StopReason.Interrupt): void {
    this.trace?.instant('run', 'stop', { reason: stopName(reason) });
    this.control.requestStop(reason);
    this.closeAfterGrace();
  }

  /** Runs started so far: a grace period belongs to the run it was given to. */
  private runs = 0;

  private closeAfterGrace(): void {
    const run = this.runs;
    const timer = setTimeout(() => {
      if (this.running && this.runs === run && this.pending.size > 0) void this.close();
    }, STOP_GRACE_MS);
    timer.unref();
  }

  /** Ends every worker (a run still going ends as stopped) and finishes the trace file. */
  async close(): Promise<void> {
    if (!this.closed) {
      // The compiler thread's last trace events arrive before its answer.
      const drained = this.traceFile ? this.compilerStats() : null;
      this.closed = true;
      for (const p of this.pending.values()) p.resolve({ kind: 'stopped', reason: this.control.stopReason });
      this.pending.clear();
      await drained;
      await Promise.all([...this.workers, ...(this.compiler ? [this.compiler] : [])].map((w) => w.terminate()));
    }
    this.trace?.flush();
    this.traceFile?.close();
  }
}

function stopName(reason: StopReason): string {
  return reason === StopReason.Timeout ? 'timeout' : reason === StopReason.Interrupt ? 'interrupt' : 'stop';
}
