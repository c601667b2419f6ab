// Loops over arrays: the sieve of Eratosthenes up to 1,000,000.
const LIMIT = 1000000;

function sieve(flags) {
  let count = 0;
  for (let i = 0; i < flags.length; i++) flags[i] = 1;
  for (let i = 2; i < flags.length; i++) {
    if (flags[i]) {
      count += 1;
      for (let k = i + i; k < flags.length; k += i) flags[k] = 0;
    }
  }
  return count;
}

const iterations = Number(process.argv[2] ?? 1);
const innerIterations = Number(process.argv[3] ?? 1);
const flags = new Uint8Array(LIMIT);
let count = 0;
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let r = 0; r < innerIterations; r++) count = sieve(flags);
}
if (count !== 78498) throw new Error('wrong count');
console.log('sieve:', count);
