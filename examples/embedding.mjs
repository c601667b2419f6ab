// Embedding Rejit in a JavaScript program: a session, modules from text and
// from the builder API, calls from the host, a redefinition from the host
// while the program's functions stay loaded, errors as values, checked values
// and typed arrays, function handles, deadlines, and threads.
//
//   node examples/embedding.mjs        (after `npm ci`; in a project: npm install rejit)
import { Session, ThreadedSession, ModuleBuilder, CompileError, Trap } from 'rejit';

const session = new Session({ print: (line) => console.log(`program says: ${line}`) });

// A module from text; functions are compiled to WebAssembly at their first call.
session.load(`
fn square(x: i32) -> i32 { return x * x; }
fn sum_of_squares(n: i32) -> i32 {
  let s = 0;
  for i in 0..n { s += square(i); }
  return s;
}`, 'squares.rj');
console.log('sum_of_squares(10) =', session.call('sum_of_squares', 10));

// Redefine `square` from the host: callers see the new body at their next call.
session.load('fn square(x: i32) -> i32 { return x * x * x; }', 'cubes.rj');
console.log('after redefining square:', session.call('sum_of_squares', 10));

// A front end that generates code builds modules without text.
const m = new ModuleBuilder('generated.rj');
const { name, int, bin, call } = m.expr;
m.fn('fib', [['n', 'i32']], 'i32', [
  m.stmt.if(bin('<', name('n'), int(2)), [m.stmt.return(name('n'))]),
  m.stmt.return(bin('+', call('fib', bin('-', name('n'), int(1))), call('fib', bin('-', name('n'), int(2))))),
]);
session.loadModule(m.build());
console.log('fib(20) =', session.call('fib', 20));

// A module with errors changes nothing; its diagnostics are data.
try {
  session.load('fn square(x: i32) -> i64 { return 0; }', 'bad.rj');
} catch (e) {
  if (!(e instanceof CompileError)) throw e;
  console.log('load refused:', e.diagnostics[0].message);
}
console.log('square(3) is still', session.call('square', 3));

// A trap is an exception with its kind, position and Rejit stack.
session.load('fn ratio(a: i32, b: i32) -> i32 { print("dividing"); return a / b; }', 'ratio.rj');
try {
  session.call('ratio', 1, 0);
} catch (e) {
  if (!(e instanceof Trap)) throw e;
  console.log('trapped:', e.format().split('\n')[0]);
}

// Values cross as checked JavaScript values: typed arrays in and out, references as handles.
session.load('fn total(xs: f64[]) -> f64 { let t = 0.0; for i in 0..xs.length { t += xs[i]; } return t; }', 'total.rj');
const xs = session.newArray('f64[]', Float64Array.of(0.5, 1.5, 2));
console.log('total =', session.call('total', xs), 'of', xs.type);
try {
  session.call('square', 2 ** 40);
} catch (e) {
  console.log('refused:', e.code);
}

// A function handle is bound to the symbol: no name lookup per call, and it follows redefinitions.
const sq = session.lookup('square');
console.log(sq.signature, '->', sq(4));

// A deadline makes a runaway call trap at its next poll; the session stays usable.
session.load('fn forever() { while true { } }', 'forever.rj');
try {
  session.callWith('forever', [], { timeoutMs: 50 });
} catch (e) {
  if (!(e instanceof Trap)) throw e;
  console.log('deadline:', e.kind, e.code);
}

// Threads: a ThreadedSession runs a function on worker threads that share one memory.
const threaded = await ThreadedSession.create({ threads: 2, print: () => {} });
threaded.load('fn work(n: i32) -> i32 { return n * 10 + thread_id(); }', 'work.rj');
const run = await threaded.run('work', [4]);
console.log('on two threads:', run.outcomes.map((o) => (o.kind === 'returned' ? o.value : o.kind)).join(', '));
await threaded.close();
// expect: sum_of_squares(10) = 285
// expect: after redefining square: 2025
// expect: fib(20) = 6765
// expect: load refused: function 'square' already exists as fn square(i32) -> i32; a redefinition must have the same types
// expect: square(3) is still 27
// expect: program says: dividing
// expect: trapped: ratio.rj:1:63: trap: division by zero
// expect: total = 4 of f64[]
// expect: refused: ERR_REJIT_VALUE_RANGE
// expect: fn square(i32) -> i32 -> 64
// expect: deadline: timeout ERR_REJIT_TRAP
// expect: on two threads: 40, 41
