// Are-We-Fast-Yet: Sieve (Marr et al., DLS 2016). Sieve of Eratosthenes up to 5000.
import { Benchmark, run } from './harness.js';

class Sieve extends Benchmark {
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

run('Sieve', new Sieve());
