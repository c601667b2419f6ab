// A Brainf*** compiler on Rejit: BF source to Rejit source text, or to a
// module built with ModuleBuilder, or (for comparison) to JavaScript.
//
// BF: a tape of 30,000 byte cells (they wrap at 256) and a pointer; `+ -`
// change the cell, `> <` move the pointer, `.` writes the cell, `,` reads a
// byte into it (0 at the end of the input), `[ ]` loop while the cell is not
// zero. Runs of `+ - > <` become one statement each.
//
// Input and output go through Rejit's builtins read_byte and write_byte, or,
// with io 'host', through host functions getc and putc that the embedder
// gives the session.
import { ModuleBuilder } from 'rejit';

export const TAPE = 30000;

/** BF source to operations: { op: '+', n, at } (n may be negative; '>' too), '.', ',', '[', ']'; `at` is the offset in the source. */
export function parse(bf) {
  const ops = [];
  let depth = 0;
  for (let at = 0; at < bf.length; at++) {
    const ch = bf[at];
    if (ch === '+' || ch === '-' || ch === '>' || ch === '<') {
      const op = ch === '+' || ch === '-' ? '+' : '>';
      const n = ch === '+' || ch === '>' ? 1 : -1;
      const last = ops[ops.length - 1];
      if (last && last.op === op) last.n += n;
      else ops.push({ op, n, at });
    } else if (ch === '.' || ch === ',') {
      ops.push({ op: ch, at });
    } else if (ch === '[') {
      depth++;
      ops.push({ op: ch, at });
    } else if (ch === ']') {
      if (--depth < 0) throw new SyntaxError(`unmatched ']' at offset ${at}`);
      ops.push({ op: ch, at });
    }
  }
  if (depth !== 0) throw new SyntaxError('unmatched \'[\'');
  return ops;
}

const HOST_DECLARATIONS = 'host fn getc() -> i32;\nhost fn putc(c: i32);\n';

/**
 * BF source to a Rejit module's text, with `fn main()`. Each BF operation is
 * one line, so `offsetOfLine(line)` turns a trap's line back into the BF
 * offset it came from.
 */
export function toRejitSource(bf, { io = 'builtins' } = {}) {
  const [get, put] = io === 'host' ? ['getc', 'putc'] : ['read_byte', 'write_byte'];
  const lines = [];
  const offsets = [];
  const emit = (text, at = -1) => {
    lines.push(text);
    offsets.push(at);
  };
  if (io === 'host') for (const d of HOST_DECLARATIONS.trimEnd().split('\n')) emit(d);
  emit('fn main() {');
  emit(`  let t = new i32[${TAPE}];`);
  emit('  let p = 0;');
  emit('  let c = 0;');
  let indent = '  ';
  for (const o of parse(bf)) {
    switch (o.op) {
      case '+': emit(`${indent}t[p] = (t[p] + ${o.n}) & 255;`, o.at); break;
      case '>': emit(`${indent}p += ${o.n};`, o.at); break;
      case '.': emit(`${indent}${put}(t[p]);`, o.at); break;
      case ',': emit(`${indent}c = ${get}(); if c < 0 { c = 0; } t[p] = c;`, o.at); break;
      case '[':
        emit(`${indent}while t[p] != 0 {`, o.at);
        indent += '  ';
        break;
      case ']':
        indent = indent.slice(2);
        emit(`${indent}}`, o.at);
        break;
    }
  }
  emit('  delete t;');
  emit('}');
  return { source: `${lines.join('\n')}\n`, offsetOfLine: (line) => offsets[line - 1] ?? -1 };
}

/** The same program as a module built with the builder API (no text is parsed). */
export function toModule(bf, fileName, { io = 'builtins' } = {}) {
  const m = new ModuleBuilder(fileName);
  const { name, int, bin, call, index, newArray } = m.expr;
  const s = m.stmt;
  const [get, put] = io === 'host' ? ['getc', 'putc'] : ['read_byte', 'write_byte'];
  if (io === 'host') {
    m.hostFn('getc', [], 'i32');
    m.hostFn('putc', [['c', 'i32']], null);
  }
  const cell = () => index(name('t'), name('p'));
  const body = [s.let('t', null, newArray('i32', int(TAPE))), s.let('p', null, int(0)), s.let('c', null, int(0))];
  const open = [body];
  for (const o of parse(bf)) {
    const out = open[open.length - 1];
    switch (o.op) {
      case '+': out.push(s.assign(cell(), bin('&', bin('+', cell(), int(o.n)), int(255)))); break;
      case '>': out.push(s.assign(name('p'), int(o.n), '+=')); break;
      case '.': out.push(s.expr(call(put, cell()))); break;
      case ',':
        out.push(s.assign(name('c'), call(get)));
        out.push(s.if(bin('<', name('c'), int(0)), [s.assign(name('c'), int(0))]));
        out.push(s.assign(cell(), name('c')));
        break;
      case '[': open.push([]); break;
      case ']': {
        const loop = open.pop();
        open[open.length - 1].push(s.while(bin('!=', cell(), int(0)), loop));
        break;
      }
    }
  }
  body.push(s.delete(name('t')));
  m.fn('main', [], null, body);
  return m.build();
}

/** The same program as JavaScript, made with `new Function`: a function from input bytes to output bytes. */
export function toJavaScript(bf) {
  const lines = [`const t = new Uint8Array(${TAPE}); let p = 0; let i = 0; const out = [];`];
  for (const o of parse(bf)) {
    switch (o.op) {
      case '+': lines.push(`t[p] += ${o.n};`); break;
      case '>': lines.push(`p += ${o.n};`); break;
      case '.': lines.push('out.push(t[p]);'); break;
      case ',': lines.push('t[p] = i < input.length ? input[i++] : 0;'); break;
      case '[': lines.push('while (t[p] !== 0) {'); break;
      case ']': lines.push('}'); break;
    }
  }
  lines.push('return Uint8Array.from(out);');
  return new Function('input', lines.join('\n'));
}
