//! The host services a compiled module imports from `js`, made for one code
//! version on one thread: traps, printing (formats fixed at compile time, so
//! a `print` crosses to JavaScript once, with its values), the clock, the
//! barrier, safepoints (stops and loads of other threads), `load`, the
//! f64 remainder (JavaScript's `%`, which wasm lacks), host calls (host
//! functions and the byte and argument builtins: `core/host.ts`), optimized
//! code's deoptimization, and baseline code's on-stack replacement into
//! optimized code.

import { f64Remainder } from '../ir/operators.js';
import type { Pos } from '../ir/pos.js';
import type { GlobalId } from '../ir/ids.js';
import { HostFault, type HostCall, type HostSite, type RuntimeHost } from '../core/host.js';
import { TRAP_MESSAGES, type TrapKind } from '../core/trap.js';
import { frameLimit } from '../core/limits.js';
import type { JsFunction } from './module-imports.js';

export type JsService = JsFunction | 'print' | 'host';

export const TRAP_KINDS = Object.keys(TRAP_MESSAGES) as TrapKind[];

export const trapCode = (kind: TrapKind): number => TRAP_KINDS.indexOf(kind);

/** One `print` statement: its literal texts and the types of its values, in order. */
export type PrintPart = { readonly text: string } | { readonly value: 'i32' | 'i64' | 'f64' | 'bool' };

export interface LoadSite {
  readonly path: string;
  readonly pos: Pos;
}

/** What a code version's `js` imports need to know about it. */
export interface JsImportData {
  readonly fileName: string;
  readonly prints: readonly (readonly PrintPart[])[];
  readonly loads: readonly LoadSite[];
  readonly hosts: readonly HostSite[];
}

/** How optimized code of one version leaves for the interpreter (`deopt-exits.ts`, `Baseline.deoptimize`). */
export interface DeoptImports {
  /** Takes the next value of the frames' locals. */
  value(v: number | bigint): void;
  /** Continues the frames of exit `exit` with the values taken; returns the call's result. */
  exit(exit: number): number | bigint | undefined;
  /** Stress testing: 1 when this check is to deoptimize anyway. */
  tick(): number;
  /** Baseline code that records a profile is hot: optimize its definition. */
  optimize(): void;
  /** Whether the frame of baseline code at the header of its loop at `point` continues in optimized code (`Baseline.osrReady`). */
  osrReady(point: number): number;
  /** Continues that frame, with the values taken, in the optimized entry at `point`; returns the call's result. */
  osrEnter(point: number): number | bigint | undefined;
}

/** How a thread raises a trap from compiled code: at the position of the innermost Rejit frame, with optional detail lines. */
export type RaiseTrap = (kind: TrapKind, detail?: string) => never;

/** The services by import name; every `print_<signature>` import is `print`, every `host_<signature>` import `host`. */
export function jsImports(code: JsImportData, host: RuntimeHost, raise: RaiseTrap, deopt: DeoptImports): Record<JsService, (...args: never[]) => unknown> {
  // Each site's call, resolved at its first call on this thread.
  const hostCalls: (HostCall | undefined)[] = [];
  return {
    deoptValueI32: deopt.value,
    deoptValueI64: deopt.value,
    deoptValueF64: deopt.value,
    deoptVoid: (exit: number) => void deopt.exit(exit),
    deoptI32: deopt.exit,
    deoptI64: deopt.exit,
    deoptF64: deopt.exit,
    deoptTick: deopt.tick,
    optimize: deopt.optimize,
    osrReady: deopt.osrReady,
    osrVoid: (point: number) => void deopt.osrEnter(point),
    osrI32: deopt.osrEnter,
    osrI64: deopt.osrEnter,
    osrF64: deopt.osrEnter,
    trap: (kind: number) => raise(TRAP_KINDS[kind] as TrapKind),
    fmod: f64Remainder,
    clock: () => BigInt.asIntN(64, process.hrtime.bigint()),
    barrier: () => host.barrier(),
    sleep: (ms: number) => host.sleep(ms),
    safepoint: () => host.safepoint(),
    globalStored: (global: number) => host.globalStored(global as GlobalId),
    frameLimit: () => frameLimit(),
    printFixed: (x: number, digits: number) => host.print(x.toFixed(Math.min(100, Math.max(0, digits)))),
    load: (site: number) => {
      const { path, pos } = code.loads[site] as LoadSite;
      host.load(path, code.fileName, pos);
    },
    host: (site: number, ...args: (number | bigint)[]) => {
      const call = (hostCalls[site] ??= host.hostCall(code.hosts[site] as HostSite));
      try {
        return call(args);
      } catch (e) {
        if (e instanceof HostFault) raise(e.kind, e.detail);
        throw e;
      }
    },
    print: (format: number, ...values: (number | bigint)[]) => {
      let next = 0;
      const show = (part: PrintPart): string => {
        if ('text' in part) return part.text;
        const v = values[next++] as number | bigint;
        return part.value === 'bool' ? (v ? 'true' : 'false') : String(v);
      };
      host.print((code.prints[format] as readonly PrintPart[]).map(show).join(' '));
    },
  };
}
