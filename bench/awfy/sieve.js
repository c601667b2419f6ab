// Are-We-Fast-Yet: Sieve (Marr et al., DLS 2016). Sieve of Eratosthenes up to 5000.
const DEFAULT_ITERATIONS = 3000;

class Sieve {
  benchmark() {
    const flags = new Array(5000).fill(true);
    return this.sieve(flags, 5000);
  }

  sieve(flags, size) {
    let primeCount = 0;
    for (let i = 2; i <= size; i++) {
      if (flags[i - 1]) {
        primeCount += 1;
        let k = i + i;
        while (k <= size) {
          flags[k - 1] = false;
          k += i;
        }
      }
    }
    return primeCount;
  }

  verifyResult(result) { return result === 669; }
}

function main() {
  const iterations = process.argv.length > 2 ? Number(process.argv[2]) : DEFAULT_ITERATIONS;
  const bench = new Sieve();
  let result = 0;
  for (let i = 0; i < iterations; i++) {
    result = bench.benchmark();
    if (!bench.verifyResult(result)) {
      console.log(`Sieve: FAILED ${result}`);
      process.exit(1);
    }
  }
  console.log(`Sieve: ok ${result}`);
}

main();
