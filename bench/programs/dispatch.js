// Virtual calls: a loop over an array of objects of four classes.
const COUNT = 10000;

class Shape { constructor() { this.k = 0; } }
class Dot extends Shape { weight(x) { return (x + this.k) | 0; } }
class Line extends Shape { weight(x) { return (Math.imul(x, 2) - this.k) | 0; } }
class Box extends Shape { weight(x) { return (x ^ this.k) & 1023; } }
class Cube extends Box { weight(x) { return (x - 3) | 0; } }

function make(i) {
  const r = i % 4;
  const s = r === 0 ? new Dot() : r === 1 ? new Line() : r === 2 ? new Box() : new Cube();
  s.k = i & 15;
  return s;
}

const iterations = Number(process.argv[2] ?? 1);
const innerIterations = Number(process.argv[3] ?? 1);
const shapes = [];
for (let i = 0; i < COUNT; i++) shapes.push(make(i));
let acc = 0;
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let pass = 0; pass < innerIterations; pass++) {
    for (let i = 0; i < COUNT; i++) acc = shapes[i].weight(acc) & 65535;
  }
}
console.log('dispatch:', acc);
