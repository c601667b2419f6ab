// Host functions of the golden tests that say `// host: modules/host.mjs`
// (`rejit run --host`): every thread imports its own copy of this module.
let calls = 0;

/** How many times this thread has called it. */
export function count() {
  return ++calls;
}

export function mix(a, b, c, d) {
  return BigInt(a) + b + BigInt(Math.round(c * 10)) + (d ? 100n : 0n);
}

export function half(x) {
  return x / 2;
}

export function negate(b) {
  return !b;
}

/** Not an i32: a call traps. */
export function bad() {
  return 'x';
}

export function fail() {
  throw new RangeError('out of range');
}
