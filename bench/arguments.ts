//! Command-line values of the benchmark scripts (and of the fuzzers' long modes).

/** The value of `option` as a positive integer, undefined when it is not given; throws on anything else. */
export function positiveInteger(text: string | undefined, option: string): number | undefined {
  return integerAtLeast(text, option, 1);
}

/** The value of `option` as an integer of at least `min`, undefined when it is not given; throws on anything else. */
export function integerAtLeast(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${option} takes ${min === 1 ? 'a positive integer' : `an integer of at least ${min}`}, not '${text}'`);
  return n;
}

/** The comma-separated parts of `--parts`, each one of `all`; throws on any other. */
export function partsOf<P extends string>(text: string, all: readonly P[]): P[] {
  const parts = text.split(',');
  const unknown = parts.filter((p) => !(all as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')} (use ${all.join(', ')})`);
  return parts as P[];
}

/** What a script's option parser returns for `--help`. */
export const HELP = Symbol('help');

/**
 * The exit status of benchmark script `name`: `main` run with the options
 * that `parse` reads from `argv`. `--help` prints `usage`; a bad command
 * line prints the reason and the usage, exit status 64.
 */
export async function runScript<T>(
  name: string,
  usage: string,
  argv: string[],
  parse: (argv: string[]) => T | typeof HELP,
  main: (options: T) => number | Promise<number>,
): Promise<number> {
  let options: T | typeof HELP;
  try {
    options = parse(argv);
  } catch (e) {
    process.stderr.write(`${name}: ${(e as Error).message}\n\n${usage}`);
    return 64;
  }
  if (options === HELP) {
    process.stdout.write(usage);
    return 0;
  }
  return main(options);
}
