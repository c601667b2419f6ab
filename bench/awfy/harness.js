// The Are-We-Fast-Yet harness for the JavaScript versions, as bench/run.ts drives them:
// `node NAME.js [iterations [innerIterations]]` (both 1 by default, as in AWFY's own harness)
// runs innerBenchmarkLoop(innerIterations) `iterations` times, checking every result, then prints
// `NAME: ok RESULT`. A failed check prints `NAME: FAILED ...` and exits with status 1.

/** AWFY's base class: the inner loop runs benchmark() and verifies each result. */
export class Benchmark {
  /** Returns [verified, result]; benchmarks whose inner count is a problem size override it. */
  innerBenchmarkLoop(innerIterations) {
    let result;
    for (let i = 0; i < innerIterations; i++) {
      result = this.benchmark();
      if (!this.verifyResult(result)) return [false, result];
    }
    return [true, result];
  }
}

/** Runs `benchmark` with the command line's counts; `format` turns a result into its text. */
export function run(name, benchmark, format = String) {
  const iterations = Number(process.argv[2] ?? 1);
  const innerIterations = Number(process.argv[3] ?? 1);
  let result;
  for (let i = 0; i < iterations; i++) {
    let ok;
    try {
      [ok, result] = benchmark.innerBenchmarkLoop(innerIterations);
    } catch (e) {
      // DeltaBlue checks by throwing, as AWFY's does.
      [ok, result] = [false, e.message];
    }
    if (!ok) {
      console.log(`${name}: FAILED ${format(result)}`);
      process.exit(1);
    }
  }
  console.log(`${name}: ok ${format(result)}`);
}
