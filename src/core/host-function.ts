//! A host function as compiled and interpreted code call it: the JavaScript
//! function the embedder gave, with every value checked where it crosses.
//! Arguments go out as JavaScript values (i32 and f64 as numbers, i64 as a
//! bigint, bool as a boolean); the result must be exactly of the declared
//! type, or the call traps (`hostFunction`) and names what came back. A
//! host function that throws traps too, with the error's text; a Rejit trap
//! or a stop raised inside it (by a call back into the session) passes
//! through unchanged.
//!
//! It does not decide which functions are host functions (`host fn`, checked
//! at load) nor make the session's builtins (`session/session.ts`).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PrimType, ValueType } from '../ir/types.js';
import { typeToString } from '../ir/types.js';
import { HostFault, type HostCall, type HostSite } from './host.js';
import { Trap } from './trap.js';
import { Stopped } from './control.js';

/** A function the embedder gives a session as a host function. */
export type HostFunction = (...args: never[]) => unknown;

const I32_MIN = -(2 ** 31);
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

/** The functions a module exports, as host functions: what each thread of a threaded session imports (`hostModule`). */
export async function importHostModule(url: string | URL): Promise<Readonly<Record<string, HostFunction>>> {
  const exports = (await import(moduleUrl(url))) as Record<string, unknown>;
  const functions: Record<string, HostFunction> = {};
  for (const [name, value] of Object.entries(exports)) if (typeof value === 'function') functions[name] = value as HostFunction;
  return functions;
}

/** `url` as a URL to import: a file path (relative to the working directory) becomes a `file:` URL. */
export function moduleUrl(url: string | URL): string {
  if (url instanceof URL || /^[a-z][a-z0-9+.-]+:/i.test(url)) return String(url);
  return pathToFileURL(resolve(url)).href;
}

/** The call of host function `fn` at `site`, its values checked both ways. */
export function hostFunctionCall(site: HostSite, fn: HostFunction): HostCall {
  const { name, params, result } = site;
  // Only booleans change form on the way out (0/1 to false/true).
  const toHost = params.includes('bool') ? (args: readonly (number | bigint)[]) => args.map((a, i) => (params[i] === 'bool' ? a === 1 : a)) : (args: readonly (number | bigint)[]) => args;
  const call = fn as (...args: unknown[]) => unknown;
  return (args) => {
    let value: unknown;
    try {
      value = call(...toHost(args));
    } catch (e) {
      if (e instanceof Trap || e instanceof Stopped) throw e;
      throw new HostFault('hostFunction', `  host function '${name}' threw ${describeError(e)}`);
    }
    if (result === 'void') return undefined;
    const raw = fromHost(value, result);
    if (raw === undefined) {
      throw new HostFault('hostFunction', `  host function '${name}' returned ${describeValue(value)}, not ${article(result)}`);
    }
    return raw;
  };
}

/** `v` as a value of type `t` in the tiers' representation, or undefined when it is not one. */
function fromHost(v: unknown, t: ValueType): number | bigint | undefined {
  switch (t as PrimType) {
    case 'i32': return typeof v === 'number' && Number.isInteger(v) && v >= I32_MIN && v < -I32_MIN ? v : undefined;
    case 'f64': return typeof v === 'number' ? v : undefined;
    case 'bool': return typeof v === 'boolean' ? (v ? 1 : 0) : undefined;
    case 'i64':
      if (typeof v === 'bigint') return v >= I64_MIN && v <= I64_MAX ? v : undefined;
      return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  }
}

function article(t: ValueType): string {
  const name = typeToString(t);
  return `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name}`;
}

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return typeof v === 'function' ? 'a function' : 'an object';
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : describeValue(e);
}
