// Runs a Brainf*** program on Rejit: `node examples/bf/bf.mjs PROGRAM.b [options]`.
// The program reads standard input and writes standard output.
//
//   --builder     build the module with ModuleBuilder instead of generating source text
//   --host        input and output through host functions getc/putc instead of the builtins
//   --tier T      interp, baseline (the default), opt or auto
//   --emit        print the generated Rejit source instead of running it
import { readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Session, Trap } from 'rejit';
import { toModule, toRejitSource } from './compile.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { builder: { type: 'boolean' }, host: { type: 'boolean' }, tier: { type: 'string' }, emit: { type: 'boolean' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: node examples/bf/bf.mjs PROGRAM.b [--builder] [--host] [--tier T] [--emit]');
  process.exit(64);
}
const bf = readFileSync(file, 'utf8');
const io = values.host ? 'host' : 'builtins';
const generated = toRejitSource(bf, { io });
if (values.emit) {
  process.stdout.write(generated.source);
  process.exit(0);
}

// With --host, the program's input is standard input read whole, its output collected and written at the end.
const input = values.host ? readFileSync(0) : null;
let at = 0;
const output = [];
const host = {
  getc: () => (at < input.length ? input[at++] : -1),
  putc: (c) => void output.push(c),
};
const session = new Session({ tier: values.tier ?? 'baseline', host });
const name = `${file}.rj`;
if (values.builder) session.loadModule(toModule(bf, name, { io }));
else session.load(generated.source, name);
try {
  session.call('main');
} catch (e) {
  if (!(e instanceof Trap)) throw e;
  // A trap names a line of the generated text; each line came from one BF operation.
  const where = values.builder ? '' : ` (BF offset ${generated.offsetOfLine(e.pos.line)})`;
  console.error(`${file}: ${e.message}${where}`);
  process.exit(70);
}
if (values.host) writeSync(1, Uint8Array.from(output));
