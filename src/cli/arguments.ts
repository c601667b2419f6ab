//! The command line's flags and positionals, read as Node's `parseArgs` reads
//! them in strict mode, with the same messages. It is the command's own
//! because start-up pays for Node's: loading `parseArgs` and compiling it on
//! its first call was a tenth of what `rejit run` adds to Node's own
//! start-up (3.2M of 33.6M instructions, hello world; docs/PERFORMANCE.md).
//!
//! - `--name value` and `--name=value` for a flag that takes a value; the
//!   value may start with one dash (`--hot-calls -1` reaches the check of
//!   `--hot-calls`), not two.
//! - `--name` for a boolean flag, and its `short` letter (`-h`).
//! - A `multiple` flag collects its values in order; any other flag given
//!   twice keeps the last.
//! - `--` is not special here: the caller splits the program's arguments off first.

export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The value of each flag given: a string, a boolean, or (`multiple`) the strings in order. */
export type FlagValues<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K] extends { type: 'boolean' } ? boolean : S[K] extends { multiple: true } ? string[] : string;
};

export class ArgumentError extends Error {}

export function parseArguments<S extends FlagSpecs>(argv: readonly string[], specs: S): { values: FlagValues<S>; positionals: string[] } {
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(specs).flatMap(([name, spec]) => (spec.short === undefined ? [] : [[spec.short, name] as const])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const equals = long ? arg.indexOf('=') : -1;
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const name = long ? flag.slice(2) : byShort.get(flag.slice(1));
    const spec = name === undefined ? undefined : specs[name];
    if (name === undefined || spec === undefined) throw new ArgumentError(`Unknown option '${flag}'`);
    const shown = `--${name}`;
    if (spec.type === 'boolean') {
      if (equals >= 0) throw new ArgumentError(`Option '${shown}' does not take an argument`);
      values[name] = true;
      continue;
    }
    let value: string;
    if (equals >= 0) {
      value = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ArgumentError(`Option '${shown} <value>' argument missing`);
      value = next;
      i++;
    }
    if (spec.multiple) ((values[name] ??= []) as string[]).push(value);
    else values[name] = value;
  }
  return { values: values as FlagValues<S>, positionals };
}
