// Fields read in loops: an object's fields, and an array held in a field, read again and again
// while the loop stores only array elements.
class Mixer {
  constructor() {
    this.scale = 3;
    this.bias = 5;
    this.cells = new Int32Array(8);
  }

  run(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const k = i & 7;
      this.cells[k] = (this.cells[k] + this.scale * this.bias + this.cells[(k + 1) & 7] + this.scale) | 0;
      s = (s + this.cells[k] + this.bias) | 0;
    }
    return s;
  }
}

const iterations = Number(process.argv[2] ?? 1);
const innerIterations = Number(process.argv[3] ?? 1);
const m = new Mixer();
let total = 0;
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let r = 0; r < innerIterations; r++) total = (total + m.run(100000)) | 0;
}
console.log('fields:', total);
