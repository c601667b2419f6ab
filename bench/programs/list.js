// Allocation: build a linked list of 10,000 nodes, walk it, drop it.
const LENGTH = 10000;

class Node {
  constructor(value, next) { this.value = value; this.next = next; }
}

function build(n) {
  let head = null;
  for (let i = 0; i < n; i++) head = new Node(i, head);
  return head;
}

function sum(list) {
  let s = 0;
  for (let n = list; n !== null; n = n.next) s = (s + n.value) | 0;
  return s;
}

const iterations = Number(process.argv[2] ?? 1);
const innerIterations = Number(process.argv[3] ?? 1);
let total = 0n;
for (let iteration = 0; iteration < iterations; iteration++) {
  for (let r = 0; r < innerIterations; r++) total += BigInt(sum(build(LENGTH)));
}
console.log('list:', String(total));
