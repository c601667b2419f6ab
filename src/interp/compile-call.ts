//! Call statements: direct calls, and virtual calls dispatched on the
//! receiver's class. The callee is looked up at every call from its
//! function's current `ir` (a redefinition is seen by the next call; a
//! running call keeps the code it entered), through the linker's per-function
//! cache, so a hit costs two loads and a compare. The callee is interpreted
//! code, or compiled code once the function is hot (`CallTarget`); the call is
//! the same. Arity 0-3 is unrolled.
//!
//! Order of effects: the arguments (receiver first), then the call's own
//! checks (null or deleted receiver, no definition), then the callee.

import type { Pos } from '../ir/pos.js';
import type { Expr, Stmt } from '../ir/ir.js';
import type { Heap } from '../core/heap.js';
import type { ClassInfo, FunctionInfo } from '../core/program.js';
import { Trap, type StackEntry, type TrapKind } from '../core/trap.js';
import type { CallTarget, Frame, Val, ValFn, StmtFn } from './closures.js';
import { NORMAL } from './closures.js';
import { compileVal } from './compile-expr.js';
import type { Ctx, Linker } from './context.js';
import { unwind } from '../core/unwind.js';

type CallStmt = Extract<Stmt, { op: 'call' }>;

export function compileCall(cx: Ctx, s: CallStmt): StmtFn {
  const args = s.args.map((a) => compileVal(cx, a));
  // A call without a result stores into the return slot, which only a `return` reads.
  const dst = s.result >= 0 ? s.result : cx.ir.locals.length;
  const site: StackEntry = { fn: cx.ir.name, fileName: cx.ir.fileName, pos: s.pos };
  if (s.callee.kind === 'direct') return directCall(cx, s.callee.fn, args, dst, site);
  const recv = s.args[0] as Expr;
  return virtualCall(cx, s.callee.slot, s.callee.pos, args, recv.op === 'local' ? recv.local : -1, dst, site);
}

/** The current code of function `fn`, or null when it has no definition. */
function resolve(functions: readonly FunctionInfo[], linker: Linker, fn: number): CallTarget | null {
  const ir = (functions[fn] as FunctionInfo).ir;
  const code = linker.codes[fn];
  if (code !== undefined && code.ir === ir) return code;
  if (ir === null) return null;
  const fresh = linker.calleeFor(ir);
  linker.codes[fn] = fresh;
  return fresh;
}

function enter(code: CallTarget, fr: Frame, site: StackEntry): Val {
  try {
    code.body(fr);
  } catch (e) {
    throw unwind(e, code, site);
  }
  return fr[code.ret] as Val;
}

/** Evaluates the arguments from `from` on (for their effects and traps), then throws `kind` at `pos`. */
function failAfterArgs(f: Frame, args: readonly ValFn[], from: number, kind: TrapKind, site: StackEntry, pos: Pos): never {
  for (let i = from; i < args.length; i++) (args[i] as ValFn)(f);
  throw new Trap(kind, site.fileName, pos);
}

function directCall(cx: Ctx, fn: number, args: readonly ValFn[], dst: number, site: StackEntry): StmtFn {
  const functions = cx.program.functions;
  const linker = cx.linker;
  const pos = site.pos;
  switch (args.length) {
    case 0:
      return (f) => {
        const code = resolve(functions, linker, fn);
        if (code === null) return failAfterArgs(f, args, 0, 'undefinedFunction', site, pos);
        f[dst] = enter(code, code.newFrame(), site);
        return NORMAL;
      };
    case 1: {
      const [a0] = args as [ValFn];
      return (f) => {
        const code = resolve(functions, linker, fn);
        if (code === null) return failAfterArgs(f, args, 0, 'undefinedFunction', site, pos);
        const fr = code.newFrame();
        fr[0] = a0(f);
        f[dst] = enter(code, fr, site);
        return NORMAL;
      };
    }
    case 2: {
      const [a0, a1] = args as [ValFn, ValFn];
      return (f) => {
        const code = resolve(functions, linker, fn);
        if (code === null) return failAfterArgs(f, args, 0, 'undefinedFunction', site, pos);
        const fr = code.newFrame();
        fr[0] = a0(f);
        fr[1] = a1(f);
        f[dst] = enter(code, fr, site);
        return NORMAL;
      };
    }
    case 3: {
      const [a0, a1, a2] = args as [ValFn, ValFn, ValFn];
      return (f) => {
        const code = resolve(functions, linker, fn);
        if (code === null) return failAfterArgs(f, args, 0, 'undefinedFunction', site, pos);
        const fr = code.newFrame();
        fr[0] = a0(f);
        fr[1] = a1(f);
        fr[2] = a2(f);
        f[dst] = enter(code, fr, site);
        return NORMAL;
      };
    }
    default:
      return (f) => {
        const code = resolve(functions, linker, fn);
        if (code === null) return failAfterArgs(f, args, 0, 'undefinedFunction', site, pos);
        const fr = code.newFrame();
        for (let i = 0; i < args.length; i++) fr[i] = (args[i] as ValFn)(f);
        f[dst] = enter(code, fr, site);
        return NORMAL;
      };
  }
}

/** A virtual call site: what it needs to dispatch, and a one-entry cache of the last receiver class. */
interface VirtualSite {
  readonly functions: readonly FunctionInfo[];
  readonly classes: readonly (ClassInfo | undefined)[];
  readonly linker: Linker;
  readonly heap: Heap;
  readonly slot: number;
  readonly fileName: string;
  readonly recvPos: Pos;
  readonly pos: Pos;
  lastClass: number;
  lastFn: number;
}

/** The code to run for receiver `recv` (the arguments already evaluated); throws when the receiver is null or deleted, or the method abstract. */
function dispatch(site: VirtualSite, recv: number): CallTarget {
  if (recv === 0) throw new Trap('nullReference', site.fileName, site.recvPos);
  const id = site.heap.i32[recv >>> 2] as number;
  let fn = site.lastFn;
  if (id !== site.lastClass) {
    // A freed block's first word is a free-list link, never a class id; a reused one is of its old class.
    const c = id > 0 ? site.classes[id] : undefined;
    if (c === undefined) throw new Trap('deletedObject', site.fileName, site.recvPos);
    fn = c.vtable[site.slot] as number;
    site.lastClass = id;
    site.lastFn = fn;
  }
  const code = resolve(site.functions, site.linker, fn);
  if (code === null) throw new Trap('abstractCall', site.fileName, site.pos);
  return code;
}

function virtualCall(cx: Ctx, slot: number, recvPos: Pos, args: readonly ValFn[], recvLocal: number, dst: number, entry: StackEntry): StmtFn {
  const site: VirtualSite = {
    functions: cx.program.functions,
    classes: cx.program.classes,
    linker: cx.linker,
    heap: cx.heap,
    slot,
    fileName: entry.fileName,
    recvPos,
    pos: entry.pos,
    lastClass: -1,
    lastFn: -1,
  };
  const recvArg = args[0] as ValFn;
  switch (args.length) {
    case 1:
      if (recvLocal >= 0) {
        return (f) => {
          const recv = f[recvLocal] as number;
          const code = dispatch(site, recv);
          const fr = code.newFrame();
          fr[0] = recv;
          f[dst] = enter(code, fr, entry);
          return NORMAL;
        };
      }
      return (f) => {
        const recv = recvArg(f) as number;
        const code = dispatch(site, recv);
        const fr = code.newFrame();
        fr[0] = recv;
        f[dst] = enter(code, fr, entry);
        return NORMAL;
      };
    case 2: {
      const a1 = args[1] as ValFn;
      return (f) => {
        const recv = recvArg(f) as number;
        const v1 = a1(f);
        const code = dispatch(site, recv);
        const fr = code.newFrame();
        fr[0] = recv;
        fr[1] = v1;
        f[dst] = enter(code, fr, entry);
        return NORMAL;
      };
    }
    default:
      return (f) => {
        const recv = recvArg(f) as number;
        const vals: Val[] = [];
        for (let i = 1; i < args.length; i++) vals.push((args[i] as ValFn)(f));
        const code = dispatch(site, recv);
        const fr = code.newFrame();
        fr[0] = recv;
        for (let i = 1; i < args.length; i++) fr[i] = vals[i - 1] as Val;
        f[dst] = enter(code, fr, entry);
        return NORMAL;
      };
  }
}
