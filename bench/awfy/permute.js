// Are-We-Fast-Yet: Permute (Marr et al., DLS 2016). Generates all permutations of six elements.
const DEFAULT_ITERATIONS = 3000;

class Permute {
  constructor() {
    this.count = 0;
    this.v = null;
  }

  benchmark() {
    this.count = 0;
    this.v = new Array(6).fill(0);
    this.permute(6);
    return this.count;
  }

  verifyResult(result) { return result === 8660; }

  permute(n) {
    this.count += 1;
    if (n !== 0) {
      const n1 = n - 1;
      this.permute(n1);
      for (let i = n1; i >= 0; i--) {
        this.swap(n1, i);
        this.permute(n1);
        this.swap(n1, i);
      }
    }
  }

  swap(i, j) {
    const tmp = this.v[i];
    this.v[i] = this.v[j];
    this.v[j] = tmp;
  }
}

function main() {
  const iterations = process.argv.length > 2 ? Number(process.argv[2]) : DEFAULT_ITERATIONS;
  const bench = new Permute();
  let result = 0;
  for (let i = 0; i < iterations; i++) {
    result = bench.benchmark();
    if (!bench.verifyResult(result)) {
      console.log(`Permute: FAILED ${result}`);
      process.exit(1);
    }
  }
  console.log(`Permute: ok ${result}`);
}

main();
