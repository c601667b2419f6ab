// Are-We-Fast-Yet: List (Marr et al., DLS 2016). Recursive list traversal (the Takeuchi-like 'tail').
const DEFAULT_ITERATIONS = 3000;

class Element {
  constructor(v) {
    this.val = v;
    this.next = null;
  }

  length() {
    if (this.next === null) return 1;
    return 1 + this.next.length();
  }
}

class List {
  benchmark() {
    const result = this.tail(this.makeList(15), this.makeList(10), this.makeList(6));
    return result.length();
  }

  makeList(length) {
    if (length === 0) return null;
    const e = new Element(length);
    e.next = this.makeList(length - 1);
    return e;
  }

  isShorterThan(x, y) {
    let xTail = x;
    let yTail = y;
    while (yTail !== null) {
      if (xTail === null) return true;
      xTail = xTail.next;
      yTail = yTail.next;
    }
    return false;
  }

  tail(x, y, z) {
    if (this.isShorterThan(y, x)) {
      return this.tail(this.tail(x.next, y, z), this.tail(y.next, z, x), this.tail(z.next, x, y));
    }
    return z;
  }

  verifyResult(result) { return result === 10; }
}

function main() {
  const iterations = process.argv.length > 2 ? Number(process.argv[2]) : DEFAULT_ITERATIONS;
  const bench = new List();
  let result = 0;
  for (let i = 0; i < iterations; i++) {
    result = bench.benchmark();
    if (!bench.verifyResult(result)) {
      console.log(`List: FAILED ${result}`);
      process.exit(1);
    }
  }
  console.log(`List: ok ${result}`);
}

main();
