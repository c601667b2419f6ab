// Recursive calls: fib(n) the naive way.
function fib(n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

const n = Number(process.argv[2] ?? 30);
console.log('fib:', fib(n));
