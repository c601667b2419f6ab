//! Tier 0: the interpreter. Each version of a function is compiled on its
//! first call into nested closures (`code.ts`) and runs over frames that are
//! plain arrays of locals. It is the reference semantics and the target of
//! deoptimization (`resume`). One Interpreter serves one thread: its heap is
//! that thread's view of the shared memory. With a compiling tier beside it
//! (`tierUp`), it counts how hot each version is, and its calls of a version
//! that the tier has compiled run the compiled code.

import type { FrameState, FunctionId, IrFunction } from '../ir/ir.js';
import type { Heap } from '../core/heap.js';
import type { Program } from '../core/program.js';
import { Trap } from '../core/trap.js';
import type { CallTarget, Val } from './closures.js';
import { Code } from './code.js';
import type { Linker } from './context.js';
import type { RuntimeHost } from '../core/host.js';
import { Budget, NEVER_HOT, type TierUpPolicy } from './hotness.js';
import { resumeFrames } from './resume.js';
import { unwindOutermost } from '../core/unwind.js';
import { depthWord } from '../core/limits.js';


export class Interpreter implements Linker {
  readonly codes: (CallTarget | undefined)[] = [];
  /**
   * The code of each function's current definition, by function id, and of
   * other versions (a superseded body that a deoptimized frame resumes) by
   * IR. Current code is not kept in the WeakMap: V8 removes a WeakMap's dead
   * entries only in full collections, so under endless redefinition it would
   * grow by an entry a load until the next one.
   */
  private readonly current: (Code | undefined)[] = [];
  private readonly compiled = new WeakMap<IrFunction, Code>();

  constructor(
    readonly program: Program,
    readonly heap: Heap,
    readonly host: RuntimeHost,
    private readonly tierUp: TierUpPolicy = NEVER_HOT,
  ) {}

  codeFor(ir: IrFunction): Code {
    const latest = this.current[ir.id];
    if (latest?.ir === ir) return latest;
    const isCurrent = this.program.functions[ir.id]?.ir === ir;
    let code = this.compiled.get(ir);
    if (!code) {
      const budget = new Budget(this.tierUp, ir);
      code = new Code(ir, { ir, program: this.program, heap: this.heap, host: this.host, linker: this, budget });
      if (!isCurrent) this.compiled.set(ir, code);
    }
    if (isCurrent) this.current[ir.id] = code;
    return code;
  }

  calleeFor(ir: IrFunction): CallTarget {
    return this.tierUp.compiled(ir) ?? this.codeFor(ir);
  }

  /** Function `fn`'s code on this thread has changed: its next call looks its callee up again. */
  relink(fn: FunctionId): void {
    this.codes[fn] = undefined;
  }

  /** Calls function `fn` (its current definition) with arguments in the interpreter's representation. */
  call(fn: FunctionId, args: readonly Val[]): Val | undefined {
    const info = this.program.functionInfo(fn);
    const ir = info.ir;
    if (!ir) throw new Trap(info.owner === null ? 'undefinedFunction' : 'abstractCall', '', { line: 0, col: 0 });
    const callee = this.calleeFor(ir);
    const fr = callee.newFrame();
    for (let i = 0; i < args.length; i++) fr[i] = args[i] as Val;
    const word = depthWord(this.heap.threadId);
    const depth = this.heap.i32[word] as number;
    try {
      callee.body(fr);
    } catch (e) {
      // The frames that the trap unwound did not count themselves down.
      this.heap.i32[word] = depth;
      throw unwindOutermost(e, callee);
    }
    return ir.result === 'void' ? undefined : fr[callee.ret];
  }

  /**
   * Continues a stack of (inlined) frames, outermost first, and returns the
   * outermost's result. See `FrameState` in ir.ts for where each continues.
   */
  resume(frames: readonly FrameState[], counted?: (frames: number) => void): Val | undefined {
    return resumeFrames(this.program, (ir) => this.codeFor(ir), frames, counted);
  }
}
