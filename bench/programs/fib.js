// Recursive calls: fib(n) the naive way.
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

const iterations = Number(process.argv[2] ?? 1);
const n = Number(process.argv[3] ?? 1);
let r = 0;
for (let iteration = 0; iteration < iterations; iteration++) r = fib(n);
console.log('fib:', r);
