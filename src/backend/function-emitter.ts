//! The state of compiling one IR function into one wasm function: the code
//! emitter, the module's imports, what the passes decided (`FunctionFacts`),
//! scratch locals, the wasm labels of the IR's labels, and what the runtime must know about the code afterwards (the
//! source position of every call instruction, print formats, load sites).
//!
//! Every call instruction gets a position because V8 reports each wasm frame
//! at the call it is in (`CallSite.getPosition()`): that is how a trap finds
//! the Rejit position of every frame. Traps are calls too (`js.trap`), so
//! the innermost frame's position is the trap's own.

import type { Pos } from '../ir/pos.js';
import type { Expr, FieldRef, IrFunction, LabelId, PointId } from '../ir/ir.js';
import type { GlobalId } from '../ir/ids.js';
import { POLL_REQUEST } from '../core/layout.js';
import { MAX_FRAMES } from '../core/limits.js';
import type { Program } from '../core/program.js';
import type { TrapKind } from '../core/trap.js';
import type { HostSite } from '../core/host.js';
import type { CodeEmitter, Label } from '../wasm/code-emitter.js';
import type { FunctionBuilder, ModuleBuilder } from '../wasm/module-builder.js';
import type { FuncIdx, ValType } from '../wasm/types.js';
import type { CallPlans } from '../passes/call-plans.js';
import type { FieldReuse, FieldUse } from '../passes/field-reuse.js';
import { wasmType } from './wasm-types.js';
import type { ClassId } from '../ir/types.js';
import { PROFILE_SITES, PROFILE_SITE_SIZE } from '../passes/profile.js';
import type { CountedLoops } from '../passes/counted-loop.js';
import { depthParam } from '../passes/depth-param.js';
import type { IndexedArrays } from '../passes/indexed-arrays.js';
import type { CompileOptions } from './compile-options.js';
import type { DeoptExits, EmittedFrame } from './deopt-exits.js';
import { trapCode, type LoadSite, type PrintPart } from './js-imports.js';
import type { ModuleImports } from './module-imports.js';

/** What a call instruction's frame stands for: a Rejit call site (`rejit`) or a runtime call at `pos`. */
export interface CallPosition {
  readonly pos: Pos;
  readonly rejit: boolean;
  /** In code inlined from callees (outermost first): the frames the instruction stands in, besides the function's own. */
  readonly inlined?: readonly InlinedFrame[];
  /** The call of a deopt exit (`deopt-exits.ts`): the interpreter reports this frame, continued there, itself. */
  readonly replaced?: true;
}

/** A callee whose body is emitted in its caller's code (`inline-call.ts`), called at `callPos` of its caller. */
export interface InlinedFrame {
  readonly fn: string;
  readonly fileName: string;
  readonly callPos: Pos;
}

/** Where a `return` in an inlined body goes: the result to `result` (a local; null without result), then out of `target`. */
interface InlineReturn {
  readonly target: Label;
  readonly result: number | null;
}

/** An inlined callee's frame as deoptimization sees it: its locals, and the point of its caller's call. */
export interface InlineSite {
  readonly frame: EmittedFrame;
  readonly callPoint: PointId;
}

/** What the passes of the pipeline (`pipeline.ts`) decided about a function version, which its emission follows. */
export interface FunctionFacts {
  /**
   * The version as defined, before `addDepthParam`: what deoptimization
   * continues (for an on-stack replacement entry, the function it continues).
   */
  readonly version: IrFunction;
  /** An on-stack replacement entry: the point of the loop header where it begins, with every local of the frame as a parameter; null for a function. */
  readonly entersAt: PointId | null;
  readonly countedLoops: CountedLoops;
  readonly indexedArrays: IndexedArrays;
  readonly callPlans: CallPlans;
  /** Optimized code: classes tested whose loaded subclasses are known, with their ids: a test compares against them (`passes/class-sets.ts`). */
  readonly classSets: ReadonlyMap<ClassId, readonly ClassId[]>;
  /** Optimized code: globals read as their initializer, no store having touched them (`passes/stable-globals.ts`). */
  readonly foldedGlobals: ReadonlySet<GlobalId>;
  /** Optimized code: field reads kept in locals (`passes/field-reuse.ts`), of the function's own body. */
  readonly fieldReuse: FieldReuse;
  /** Baseline code that records a profile (`passes/profile.ts`): the block, and the site of each virtual call. */
  readonly recording: { readonly address: number; readonly sites: ReadonlyMap<PointId, number> } | null;
}

/** The counted loops of a body, and the arrays their versioned copies index unchecked (`emit-loop.ts`). */
export interface LoopFacts {
  readonly countedLoops: CountedLoops;
  readonly indexedArrays: IndexedArrays;
}

/** A body's field reads kept in locals: the analysis, and the local of each of its slots once emitted. */
interface KeptFields {
  readonly reuse: FieldReuse;
  readonly locals: Map<number, number>;
}

interface LabelTargets {
  readonly brk: Label;
  readonly cont: Label | null;
}

/** Counted loops poll every POLL_INTERVAL iterations (`emit-loop.ts`), other loops at every iteration. */
export const POLL_INTERVAL = 1024;

export class FunctionEmitter {
  readonly c: CodeEmitter;
  /** Call instructions: offset in the body, and the position they stand for. */
  readonly positions: [number, CallPosition][] = [];
  readonly prints: (readonly PrintPart[])[] = [];
  readonly loads: LoadSite[] = [];
  /** Host call sites, by the index their import takes first (`js-imports.ts`). */
  readonly hosts: HostSite[] = [];
  /** Where the function calls itself (`CodeEmitter.patchCall`). */
  readonly selfCalls: number[] = [];
  /** The callees being inlined at this point of the body, outermost first, and where their `return`s go. */
  private readonly inlined: { readonly frame: InlinedFrame; readonly ret: InlineReturn; readonly calls: CallPlans; readonly site: InlineSite; readonly fields: KeptFields; readonly loops: LoopFacts }[] = [];
  /** The function's own body's field reads kept in locals. */
  private readonly ownFields: KeptFields;
  /** Optimized code's exits (`deopt-exits.ts`); null in code that assumes nothing. */
  exits: DeoptExits | null = null;
  /** The function's own frame as its exits see it, made at the first exit. */
  private ownFrame: EmittedFrame | null = null;
  /** Labels of inlined bodies are renumbered from here, above any label of the function's own. */
  private nextInlineLabel = 1 << 24;
  /** True in a method: local 0 is `self`, never null (a call on null traps before entering). */
  readonly isMethod: boolean;
  /**
   * The local that holds how many counted frames are outside the frame being
   * emitted (`core/limits.ts`): the depth parameter, or in an inlined callee
   * that calls, its own (`inline-call.ts`).
   */
  depth: number;
  private readonly labels = new Map<LabelId, LabelTargets>();
  private readonly spare = new Map<ValType, number[]>();
  /** Locals known to hold a non-null reference while code for an inlined callee is emitted. */
  private readonly checked = new Set<number>();
  /** Array locals whose element at the index local is in bounds (`passes/indexed-arrays.ts`), keyed `array:index`. */
  private readonly inBounds = new Set<string>();
  /** False inside the checked copy of a versioned loop, so that nested loops are not copied again. */
  versionLoops = true;
  /** Baseline code that records a profile: the local that counts its loops' iterations, made at its first loop (`emit-profile-counts.ts`). */
  iterationsLocal: number | null = null;
  /** The local that counts them toward on-stack replacement into optimized code, made at the first loop that asks (`emit-profile-counts.ts`). */
  osrIterationsLocal: number | null = null;

  constructor(
    readonly ir: IrFunction,
    readonly program: Program,
    /** The module, for block types. */
    readonly mb: ModuleBuilder,
    readonly imports: ModuleImports,
    readonly fb: FunctionBuilder,
    readonly options: CompileOptions,
    readonly facts: FunctionFacts,
  ) {
    this.c = fb.code;
    this.isMethod = program.functionInfo(ir.id).owner !== null;
    this.depth = depthParam(ir);
    this.ownFields = { reuse: facts.fieldReuse, locals: new Map() };
  }

  /**
   * How field read `e` of the body being emitted uses a local
   * (`passes/field-reuse.ts`): the local it fills, or reads instead of
   * loading; null for neither.
   */
  keptField(e: Extract<Expr, { op: 'getField' }>): { readonly local: number; readonly kind: FieldUse['kind'] } | null {
    const use = this.keptFields.reuse.uses.get(e);
    return use ? { local: this.slotLocal(use.slot, e.field), kind: use.kind } : null;
  }

  /** Before the loop labelled `label` of the body being emitted: the fields it keeps in locals, of locals that are not null. */
  preloadFields(label: LabelId): void {
    const c = this.c;
    for (const { slot, object, field } of this.keptFields.reuse.preloads.get(label) ?? []) {
      c.localGet(object).if();
      c.localGet(object).memOp(`${wasmType(field.type)}.load`, field.offset).localSet(this.slotLocal(slot, field));
      c.end();
    }
  }

  private get keptFields(): KeptFields {
    return this.inlined[this.inlined.length - 1]?.fields ?? this.ownFields;
  }

  private slotLocal(slot: number, field: FieldRef): number {
    const locals = this.keptFields.locals;
    let local = locals.get(slot);
    if (local === undefined) {
      local = this.fb.addLocal(wasmType(field.type));
      locals.set(slot, local);
    }
    return local;
  }

  /** A call at `pos`; `rejit` for calls of Rejit functions (frames that a stack trace shows). */
  call(index: FuncIdx, pos: Pos, rejit = false): void {
    this.position(pos, rejit);
    this.c.call(index);
  }

  /** A call of the function itself at `pos`: its index is known once the module has all its imports (`selfCalls`). */
  callSelf(pos: Pos): void {
    this.position(pos, true);
    this.selfCalls.push(this.c.callPatchable());
  }

  private position(pos: Pos, rejit: boolean): void {
    const inlined = this.inlined.length > 0 ? this.inlined.map((i) => i.frame) : undefined;
    this.positions.push([this.c.out.length, inlined ? { pos, rejit, inlined } : { pos, rejit }]);
  }

  /** The call of a deopt exit, whose frame the interpreter continues (and reports). */
  deoptCall(index: FuncIdx): void {
    this.positions.push([this.c.out.length, { pos: this.ir.pos, rejit: false, replaced: true }]);
    this.c.call(index);
  }

  /**
   * In optimized code, leaves for the interpreter at `point` of the
   * innermost frame being emitted when the code has become invalid
   * (`deopt-exits.ts`); nothing elsewhere.
   */
  checkValidity(point: PointId): void {
    this.exits?.check(this, this.frames(), this.inlined.map((i) => i.site.callPoint), point);
  }

  /** Where optimized code leaves out the check at `point` (`DeoptExits.stressOnly`): nothing, but under stress testing. */
  checkLeftOut(point: PointId): void {
    this.exits?.stressOnly(this, this.frames(), this.inlined.map((i) => i.site.callPoint), point);
  }

  /** In optimized code, leaves for the interpreter before the call at `point`: its guard failed. */
  guardFailed(point: PointId): void {
    if (!this.exits) throw new Error(`${this.ir.name}: a guard in code without deopt exits`);
    this.exits.guardFailed(this, this.frames(), this.inlined.map((i) => i.site.callPoint), point);
  }

  /** The profile site of the virtual call at `point`, when this code records one and the call is the function's own. */
  profileSite(point: PointId): number | null {
    const recording = this.facts.recording;
    if (!recording || this.inlined.length > 0) return null;
    const site = recording.sites.get(point);
    return site === undefined ? null : recording.address + PROFILE_SITES + PROFILE_SITE_SIZE * site;
  }

  /** The frames being emitted, outermost first: the function's own, then each inlined callee. */
  private frames(): EmittedFrame[] {
    this.ownFrame ??= { ir: this.facts.version, definition: this.program.definitionIdOf(this.facts.version) as number, locals: this.ownLocals() };
    return [this.ownFrame, ...this.inlined.map((i) => i.site.frame)];
  }

  /** The wasm local of each local of the function's own frame: its locals past the depth parameter. */
  ownLocals(): number[] {
    const depth = depthParam(this.ir);
    return this.facts.version.locals.map((_, i) => (i < depth ? i : i + 1));
  }

  /** Whether the body being emitted is an inlined callee's. */
  get inInlinedBody(): boolean {
    return this.inlined.length > 0;
  }

  /** Runs `body`, which emits the inlined body of a callee, as that callee's frame, its calls planned by `calls`. */
  withInlined(frame: InlinedFrame, ret: InlineReturn, calls: CallPlans, site: InlineSite, reuse: FieldReuse, loops: LoopFacts, body: () => void): void {
    this.inlined.push({ frame, ret, calls, site, fields: { reuse, locals: new Map() }, loops });
    try {
      body();
    } finally {
      this.inlined.pop();
    }
  }

  /** The loop facts of the body being emitted: the function's own, or those of the innermost inlined callee. */
  get loops(): LoopFacts {
    return this.inlined[this.inlined.length - 1]?.loops ?? this.facts;
  }

  /** The plans of the calls of the body being emitted: the function's own, or those of the innermost inlined callee. */
  get callPlans(): CallPlans {
    return this.inlined[this.inlined.length - 1]?.calls ?? this.facts.callPlans;
  }

  /** Where a `return` goes when it is in an inlined body; null in the function's own. */
  get inlineReturn(): InlineReturn | null {
    return this.inlined[this.inlined.length - 1]?.ret ?? null;
  }

  /** `count` labels for an inlined body, distinct from every other label of the function. */
  inlineLabels(count: number): number {
    const first = this.nextInlineLabel;
    this.nextInlineLabel += count;
    return first;
  }

  trap(kind: TrapKind, pos: Pos): void {
    this.c.i32Const(trapCode(kind));
    this.trapKindOnStack(pos);
  }

  /** Traps with the kind (its `trapCode`) on top of the stack. */
  trapKindOnStack(pos: Pos): void {
    this.call(this.imports.js('trap'), pos);
    this.c.unreachable();
  }

  /** Traps when the i32 on top of the stack is not 0. */
  trapIf(kind: TrapKind, pos: Pos): void {
    this.c.if();
    this.trap(kind, pos);
    this.c.end();
  }

  /**
   * A poll: when another thread or the host raised the poll request (a stop,
   * or loaded code to apply), call the safepoint. At the entry of functions
   * that call or loop (as the interpreter does), and in loops (`emit-loop.ts`),
   * at `point` (the loop's, or ENTRY_POINT) for optimized code's check.
   */
  poll(point: PointId): void {
    this.c.i32Const(0).i32AtomicLoad(POLL_REQUEST).if();
    this.safepoint();
    this.checkValidity(point);
    this.c.end();
  }

  /**
   * The call of the safepoint, where a stop traps (a timeout, an interrupt).
   * The function's own is at no recorded position (its trap shows the
   * function's); one in an inlined body records the callee's, with the
   * inlined frames, so that the trap shows them as a call's would.
   */
  safepoint(): void {
    const inner = this.inlined[this.inlined.length - 1];
    if (inner) this.call(this.imports.js('safepoint'), inner.site.frame.ir.pos);
    else this.c.call(this.imports.js('safepoint'));
  }

  /**
   * At the entry of a frame that calls, with `depth` frames outside it: past
   * MAX_FRAMES, the stack overflows (`core/limits.ts`). `js.frameLimit` throws
   * what a V8 stack overflow throws, which traps at the innermost Rejit call:
   * a function's caller's call (the check itself has no position), or for an
   * inlined callee, its call at `inlinedAt`.
   */
  checkDepth(depth: number, inlinedAt?: Pos): void {
    this.c.localGet(depth).i32Const(MAX_FRAMES).i32GeU().if();
    if (inlinedAt) this.call(this.imports.js('frameLimit'), inlinedAt, true);
    else this.c.call(this.imports.js('frameLimit'));
    this.c.end();
  }

  /** Pushes the depth that a call from the frame being emitted passes: the frames outside it and itself. */
  pushCallDepth(): void {
    this.c.localGet(this.depth).i32Const(1).i32Add();
  }

  /** Runs `use` with a scratch local of `type`, free again afterwards. */
  scratch<T>(type: ValType, use: (local: number) => T): T {
    const pool = this.spare.get(type) ?? [];
    this.spare.set(type, pool);
    const local = pool.pop() ?? this.fb.addLocal(type);
    try {
      return use(local);
    } finally {
      pool.push(local);
    }
  }

  /** A reference known not to be null: `self` in a method, or an inlined method's receiver. */
  nonNull(e: Expr): boolean {
    return e.op === 'local' && ((this.isMethod && e.local === 0) || this.checked.has(e.local));
  }

  /** Runs `body` knowing that `local` holds a non-null reference (a receiver that the call has checked). */
  withNonNull(local: number, body: () => void): void {
    const known = this.checked.has(local);
    this.checked.add(local);
    body();
    if (!known) this.checked.delete(local);
  }

  /** Whether `array[index]` is known to be in bounds (the array non-null): true inside the fast copy of a loop that tested it. */
  isInBounds(array: Expr, index: Expr): boolean {
    return array.op === 'local' && index.op === 'local' && this.inBounds.has(`${array.local}:${index.local}`);
  }

  /** Runs `body` knowing that `array[index]` is in bounds for each of `arrays`. */
  withInBounds(arrays: readonly number[], index: number, body: () => void): void {
    const keys = arrays.map((a) => `${a}:${index}`).filter((k) => !this.inBounds.has(k));
    keys.forEach((k) => this.inBounds.add(k));
    body();
    keys.forEach((k) => this.inBounds.delete(k));
  }

  /** Opens a scope where `break label` (and `continue label`, for loops) branch to the given wasm labels. */
  withLabel(label: LabelId, targets: LabelTargets, body: () => void): void {
    this.labels.set(label, targets);
    body();
    this.labels.delete(label);
  }

  target(label: LabelId, kind: 'brk' | 'cont'): Label {
    const t = this.labels.get(label);
    const l = t?.[kind];
    if (!l) throw new Error(`${this.ir.name}: no ${kind === 'brk' ? 'break' : 'continue'} target for label ${label}`);
    return l;
  }
}
