//! The interpreter's host calls (IR `host`): a host function's body, and the
//! byte input/output and argument builtins. The session resolves the call
//! once, when the closure is made (`RuntimeHost.hostCall`); a failure it
//! reports (`HostFault`) becomes a trap at the call's position. The
//! arguments come compiled, evaluated left to right.

import type { Expr } from '../ir/ir.js';
import type { ValueType } from '../ir/types.js';
import { HostFault } from '../core/host.js';
import { Trap } from '../core/trap.js';
import type { Frame, ValFn } from './closures.js';
import type { Ctx } from './context.js';

export function compileHost(cx: Ctx, e: Extract<Expr, { op: 'host' }>, args: readonly ValFn[]): (f: Frame) => number | bigint {
  const call = cx.host.hostCall({ name: e.name, params: e.args.map((a) => a.type as ValueType), result: e.type });
  const file = cx.ir.fileName;
  const pos = e.pos;
  const zero = e.type === 'i64' ? 0n : 0;
  return (f) => {
    const values = args.map((a) => a(f));
    try {
      return call(values) ?? zero;
    } catch (x) {
      throw x instanceof HostFault ? new Trap(x.kind, file, pos, x.detail) : x;
    }
  };
}
