// Are-We-Fast-Yet: Storage (Marr et al., DLS 2016). Builds a tree of arrays of depth 7 (allocation stress).
import { Benchmark, run } from './harness.js';

class Random {
  constructor() { this.seed = 74755; }
  next() {
    this.seed = ((this.seed * 1309) + 13849) & 65535;
    return this.seed;
  }
}

class Storage extends Benchmark {
  constructor() {
    super();
    this.count = 0;
  }

  benchmark() {
    const random = new Random();
    this.count = 0;
    this.buildTreeDepth(7, random);
    return this.count;
  }

  verifyResult(result) { return result === 5461; }

  buildTreeDepth(depth, random) {
    this.count += 1;
    if (depth === 1) {
      return new Array(random.next() % 10 + 1);
    }
    const arr = new Array(4);
    for (let i = 0; i < 4; i++) {
      arr[i] = this.buildTreeDepth(depth - 1, random);
    }
    return arr;
  }
}

run('Storage', new Storage());
