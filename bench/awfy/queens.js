// Are-We-Fast-Yet: Queens (Marr et al., DLS 2016). Solves the eight queens problem ten times.
import { Benchmark, run } from './harness.js';

class Queens extends Benchmark {
  constructor() {
    super();
    this.freeRows = null;
    this.freeMaxs = null;
    this.freeMins = null;
    this.queenRows = null;
  }

  benchmark() {
    let result = true;
    for (let i = 0; i < 10; i++) {
      result = result && this.queens();
    }
    return result;
  }

  verifyResult(result) { return result; }

  queens() {
    this.freeRows = new Array(8).fill(true);
    this.freeMaxs = new Array(16).fill(true);
    this.freeMins = new Array(16).fill(true);
    this.queenRows = new Array(8).fill(-1);
    return this.placeQueen(0);
  }

  placeQueen(c) {
    for (let r = 0; r < 8; r++) {
      if (this.getRowColumn(r, c)) {
        this.queenRows[r] = c;
        this.setRowColumn(r, c, false);
        if (c === 7) return true;
        if (this.placeQueen(c + 1)) return true;
        this.setRowColumn(r, c, true);
      }
    }
    return false;
  }

  getRowColumn(r, c) {
    return this.freeRows[r] && this.freeMaxs[c + r] && this.freeMins[c - r + 7];
  }

  setRowColumn(r, c, v) {
    this.freeRows[r] = v;
    this.freeMaxs[c + r] = v;
    this.freeMins[c - r + 7] = v;
  }
}

run('Queens', new Queens());
