//! One execution thread of a threaded session, inside its worker: a Session
//! on the shared memory with this thread's id, kept in step with the other
//! threads through the load log and the control words (`control.ts`).

import { writeSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type { FunctionId } from '../ir/ids.js';
import type { PointId } from '../ir/ir.js';
import type { OptimizeRequest } from './compiler-thread.js';
import { CompileError } from '../frontend/diagnostic.js';
import { Control, StopReason, Stopped, ThreadState } from '../core/control.js';
import { CodeChannels, type ThreadPorts } from '../core/code-channels.js';
import { SharedCode, type CodeSharing } from '../core/code-sharing.js';
import { LoadLog, type LoggedModule } from './load-log.js';
import { directoryResolver } from './module-resolver.js';
import { Session, type HostValue, type ThreadHooks, type Tier } from './session.js';
import { SharedInput } from '../core/input.js';
import type { HostFunction } from '../core/host-function.js';
import { Trap } from '../core/trap.js';
import { Ref, fromRaw, refAddress } from './host-values.js';
import type { Val } from '../interp/closures.js';
import { InternalError } from '../core/internal-error.js';
import type { CompileOptions } from '../backend/compile-options.js';
import type { TierUpThresholds } from '../tiering/tiering.js';
import { Tracer, trackOf, type TraceEvent, type TraceStart } from '../core/trace.js';

/** Where a thread's program output goes. */
export type OutputMode =
  /** Straight to file descriptor 1, one whole line at a time (the CLI). */
  | 'stdout'
  /** Posted to the session's owner in batches (the library API). */
  | 'message';

export interface ThreadStart {
  readonly memory: WebAssembly.Memory;
  /** Channels to and from every other thread, for compiled code. */
  readonly ports: ThreadPorts;
  readonly log: SharedArrayBuffer;
  readonly threadId: number;
  readonly threadCount: number;
  readonly tier: Tier;
  readonly tierUp?: TierUpThresholds;
  readonly compile?: CompileOptions;
  /** To the session's compiler thread (`compiler-thread.ts`), for a tier that optimizes there. */
  readonly optimizer?: MessagePort;
  readonly output: OutputMode;
  /** As `ThreadedSessionOptions.loadDirectories`. */
  readonly loadDirectories?: readonly string[];
  /** When the run is traced (`ThreadedSessionOptions.trace`). */
  readonly trace?: TraceStart;
  /** The run's input, shared by its threads (`core/input.ts`). */
  readonly input: SharedArrayBuffer;
  /** As `ThreadedSessionOptions.args`. */
  readonly args?: readonly string[];
  /** As `ThreadedSessionOptions.hostModule`, as a URL: each worker imports it for its host functions. */
  readonly hostModule?: string;
}

/** What one thread's run of a function ended with. */
export type ThreadOutcome =
  | { readonly kind: 'returned'; readonly value: HostValue | undefined }
  | { readonly kind: 'trapped'; readonly trap: string; readonly trapKind: string }
  /** The runtime failed on this thread (`core/internal-error.ts`): the error, formatted. */
  | { readonly kind: 'internal'; readonly error: string }
  /** Stopped because of another thread's trap or internal error, a timeout or an interrupt. */
  | { readonly kind: 'stopped'; readonly reason: StopReason };

export class Thread implements ThreadHooks {
  readonly session: Session;
  readonly threadId: number;
  readonly threadCount: number;
  private readonly control: Control;
  private readonly log: LoadLog;
  readonly code: CodeSharing;
  /** Log entries applied to this thread's tables. */
  private applied = 0;
  private pending: string[] = [];

  constructor(
    start: ThreadStart,
    /** Receives batches of output lines in 'message' mode. */
    private readonly post: (lines: string[]) => void,
    /** `start.log` as the object that loads on this same thread appended through, if there is one. */
    log?: LoadLog,
    /** Takes the thread's trace events in batches, when the run is traced. */
    traceSink: (events: TraceEvent[]) => void = () => {},
    /** The host functions of `start.hostModule`, imported. */
    host?: Readonly<Record<string, HostFunction>>,
    /** Without `start.optimizer`: connects this thread to a compiler thread when it makes its first baseline code that will ask for optimized code (`OptimizeQueue.expect`), giving the port to ask on (`runHere`). */
    connectOptimizer?: () => MessagePort,
  ) {
    this.threadId = start.threadId;
    this.threadCount = start.threadCount;
    this.control = new Control(start.memory.buffer);
    this.log = log ?? new LoadLog(start.log);
    this.channels = new CodeChannels(start.ports);
    this.code = new SharedCode(start.memory.buffer, this.channels, (wait) => this.blocked(wait), () => this.control.checkStop());
    const print = start.output === 'stdout'
      ? (start.threadCount === 1 ? (line: string) => this.buffer(line) : (line: string) => this.writeLine(line))
      : (line: string) => this.buffer(line);
    this.output = start.output;
    const dirs = start.loadDirectories;
    const resolve = dirs ? directoryResolver(dirs) : undefined;
    let optimizer = start.optimizer;
    const optimizeQueue = optimizer || connectOptimizer
      ? {
          request: (fn: FunctionId, definition: number, optimized: number, named: number) => {
            optimizer ??= (connectOptimizer as () => MessagePort)();
            optimizer.postMessage({ fn, definition, optimized, named } satisfies OptimizeRequest);
          },
          requestEntry: (fn: FunctionId, definition: number, optimized: number, point: PointId) => {
            optimizer ??= (connectOptimizer as () => MessagePort)();
            optimizer.postMessage({ fn, definition, optimized, named: definition, entersAt: point } satisfies OptimizeRequest);
          },
          expect: () => {
            optimizer ??= (connectOptimizer as () => MessagePort)();
          },
        }
      : undefined;
    const trace = start.trace ? new Tracer(trackOf(this.threadId), `thread ${this.threadId}`, start.trace.origin, traceSink) : undefined;
    this.input = new SharedInput(start.input);
    this.session = new Session({ memory: start.memory, tier: start.tier, tierUp: start.tierUp, compile: start.compile, optimizeQueue, print, thread: this, resolve, trace, args: start.args, host });
  }

  private readonly output: OutputMode;
  private readonly input: SharedInput;
  private readonly channels: CodeChannels;

  /** Exchanges code with the threads of `ports` from now on (a compiler thread started after this one). */
  connect(ports: ThreadPorts): void {
    this.channels.connect(ports);
  }

  /**
   * Runs function `name` on this thread; never throws. The arguments were
   * checked by the threaded session and come as raw values (addresses for
   * references), and a reference result goes back as its address: a
   * handle belongs to one session, and each thread has its own.
   */
  run(name: string, args: readonly Val[]): ThreadOutcome {
    let outcome: ThreadOutcome;
    try {
      this.enter();
      const s = this.session;
      const params = s.functionInfo(name)?.params ?? [];
      const values = { owner: s, program: s.program, heap: s.heap };
      const value = s.call(name, ...args.map((a, i) => (params[i] ? fromRaw(a, params[i], values) : a)));
      outcome = { kind: 'returned', value: value instanceof Ref ? refAddress(value) : value };
    } catch (e) {
      outcome = this.ended(e);
    }
    try {
      this.flush();
    } catch (e) {
      // Output that cannot be written is a fault of the runtime's host, after the program ended.
      if (outcome.kind !== 'internal') outcome = this.ended(e);
    } finally {
      this.control.setState(this.threadId, ThreadState.Outside);
      this.control.leave();
      this.session.flushTrace();
    }
    return outcome;
  }

  /**
   * The outcome of a run that threw `e`. Only the first trap or internal
   * error of a run is reported (the stop reason's compare-and-swap decides);
   * later ones are consequences of the stop.
   */
  private ended(e: unknown): ThreadOutcome {
    const control = this.control;
    if (e instanceof Stopped) return { kind: 'stopped', reason: e.reason };
    const trap = e instanceof Trap;
    if (!control.requestStop(trap ? StopReason.Trap : StopReason.Internal)) return { kind: 'stopped', reason: control.stopReason };
    if (!trap) return { kind: 'internal', error: `${InternalError.from(e).format()}\n  on thread ${this.threadId}` };
    return { kind: 'trapped', trap: e.format(), trapKind: e.kind };
  }

  /** Starts running program code: catch up with every load first. */
  private enter(): void {
    this.control.setState(this.threadId, ThreadState.Running);
    this.catchUp();
  }

  /**
   * Applies every logged load, up to the end of the log rather than the
   * published epoch: a loader writes the stub slots of its new definitions
   * before it publishes, and a thread that meets such a slot needs the load.
   */
  private catchUp(): void {
    const logged = this.log.length;
    if (this.applied >= logged) return;
    for (const { entry } of this.log.entries(this.applied, logged)) this.session.replay(entry);
    this.applied = logged;
    // A load may have grown the memory.
    this.session.heap.refresh();
    // Before acknowledging: a load's sweep frees only what the threads that acknowledged let go of.
    this.session.freeUnused();
    this.control.acknowledge(this.threadId, logged);
    this.session.fullCollectionIfDue();
  }

  /** Blocks in the runtime (counted as acknowledged meanwhile), then catches up. */
  private blocked(wait: () => void): void {
    this.control.setState(this.threadId, ThreadState.Outside);
    try {
      wait();
    } finally {
      this.control.setState(this.threadId, ThreadState.Running);
    }
    this.catchUp();
  }

  // ---- ThreadHooks

  barrier(): void {
    this.flushIfShared();
    this.blocked(() => this.control.barrier(() => this.control.checkStop()));
    this.session.heap.refresh();
  }

  /** Output is flushed first: a program that sleeps wants its lines seen. */
  sleep(ms: number): void {
    this.flush();
    this.blocked(() => this.control.sleep(ms, () => this.control.checkStop()));
    this.session.heap.refresh();
  }

  safepoint(): void {
    this.control.checkStop();
    if (this.session.reclaimsAlways && this.applied >= this.log.length) this.session.collect();
    this.catchUp();
  }

  /**
   * Waiting for the input (another thread's read, or the file) counts as
   * outside program code, as a sleep does; the lines printed so far are
   * written first.
   */
  readByte(beforeWait: () => void): number {
    return this.input.readByte((wait) => {
      beforeWait();
      this.flush();
      this.blocked(wait);
    });
  }

  beginLoad(): void {
    this.blocked(() => this.control.lockLoads(() => this.control.checkStop()));
  }

  logLoad(entry: LoggedModule): void {
    if (!this.log.append(entry)) {
      throw new CompileError([{ fileName: entry.module.fileName, line: 1, col: 1, message: 'the load log is full: too many modules loaded' }]);
    }
  }

  publishLoad(acknowledged?: (thread: number) => void): void {
    const epoch = this.log.length;
    this.applied = epoch;
    this.control.acknowledge(this.threadId, epoch);
    this.control.publish(epoch);
    this.control.awaitAcknowledgements(epoch, this.threadId, this.threadCount, acknowledged);
    this.control.handshakeDone();
    this.session.heap.refresh();
  }

  endLoad(): void {
    this.control.unlockLoads();
  }

  // ---- output

  private buffered = 0;

  private buffer(line: string): void {
    this.pending.push(line);
    this.buffered += line.length;
    if (this.buffered > 1 << 16) this.flush();
  }

  /** Several threads: each line goes out whole, under the print lock, and none after a stop. */
  private writeLine(line: string): void {
    this.control.checkStop();
    this.control.lockPrint(() => this.control.checkStop());
    try {
      writeFully(1, `${line}\n`);
    } finally {
      this.control.unlockPrint();
    }
  }

  /**
   * Output that does not end a line (`write_byte` before the end of a run):
   * a line of its own for the `print` callback, else written as it is, after
   * the lines before it, and by several threads under the print lock.
   */
  write(text: string): void {
    if (this.output === 'message') return this.buffer(text);
    if (this.threadCount === 1) {
      this.flush();
      writeFully(1, text);
      return;
    }
    if (this.control.stopReason !== StopReason.None) return;
    this.control.lockPrint(() => {});
    try {
      writeFully(1, text);
    } finally {
      this.control.unlockPrint();
    }
  }

  private flushIfShared(): void {
    if (this.output === 'message') this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.buffered = 0;
    if (this.output === 'message') this.post(lines);
    else writeFully(1, `${lines.join('\n')}\n`);
  }
}

export function writeFully(fd: number, text: string): void {
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
