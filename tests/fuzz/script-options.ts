//! The command lines of the fuzzers' long modes: `--help` prints the usage,
//! and an unknown option or a count that is not a whole number is a usage
//! error (status 64) that names it, not a JavaScript stack.

import { parseArgs, type ParseArgsConfig } from 'node:util';

type StringOptions = Record<string, { type: 'string'; default?: string }>;

/** The string options of `process.argv`, or exits: 0 after `--help`, 64 after a usage error. */
export function scriptOptions<T extends StringOptions>(usage: string, options: T): { [K in keyof T]: string | undefined } {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean' } } } as ParseArgsConfig);
    if (values.help === true) {
      process.stdout.write(usage);
      process.exit(0);
    }
    return values as { [K in keyof T]: string | undefined };
  } catch (e) {
    return usageError(usage, (e as Error).message);
  }
}

/** `value` (option `name`) as a whole number of at least `min`, or a usage error. */
export function wholeNumber(usage: string, name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) usageError(usage, `--${name} must be a whole number of at least ${min}, got '${value}'`);
  return n;
}

function usageError(usage: string, message: string): never {
  process.stderr.write(`${message}\n${usage}`);
  process.exit(64);
}
