//! The package as an embedder installs it: packed into a tarball, installed
//! into a fresh project, imported by name (`import { Session } from 'rejit'`),
//! run, and type-checked against its declarations; its `rejit` command runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const PROGRAM = `
import { Session, ThreadedSession, ModuleBuilder, CompileError, Trap } from 'rejit';
const lines = [];
const s = new Session({ print: (line) => lines.push(line) });
s.load('fn add(a: i32, b: i32) -> i32 { print("adding"); return a + b; }', 'add.rj');
const sum = s.call('add', 2, 3);
s.load('fn add(a: i32, b: i32) -> i32 { return a * b; }', 'patch.rj');
const product = s.call('add', 2, 3);
let error = '';
try { s.load('fn f() -> i32 { return true; }', 'bad.rj'); } catch (e) { error = e instanceof CompileError ? e.diagnostics[0].message : 'not a CompileError'; }
const m = new ModuleBuilder('gen.rj');
m.fn('seven', [], 'i32', [m.stmt.return(m.expr.int(7))]);
s.loadModule(m.build());
s.load('fn boom() -> i32 { return 1 / 0; }', 'boom.rj');
let trap = '';
try { s.call('boom'); } catch (e) { trap = e instanceof Trap ? e.kind : 'not a Trap'; }
const t = await ThreadedSession.create({ threads: 2, print: () => {} });
t.load('fn work() -> i32 { return thread_id() * 2; }', 'work.rj');
const r = await t.run('work');
await t.close();
console.log(JSON.stringify({ lines, sum, product, error, seven: s.call('seven'), trap, threads: r.outcomes }));
`;

const TYPED = `
import { Session, ModuleBuilder, CompileError, Ref, API_ERRORS, type HostValue, type Tier, type FunctionHandle, type ArrayValues, type ApiErrorCode } from 'rejit';
const tier: Tier = 'baseline';
const s: Session = new Session({ tier, print: (line: string) => void line });
const v: HostValue | undefined = s.call('f');
const m = new ModuleBuilder('gen.rj');
try { s.loadModule(m.at(3, 4).build()); } catch (e) { if (e instanceof CompileError) void e.diagnostics.length; }
const f: FunctionHandle = s.lookup('f');
const w: HostValue | undefined = s.callWith('f', [1, 2n, true, null], { timeoutMs: 10 }) ?? f(1.5);
const a: Ref = s.newArray('f64[]', Float64Array.of(1));
const back: ArrayValues = s.readArray(a);
const code: ApiErrorCode = 'ERR_REJIT_VALUE_RANGE';
void [v, w, back, code, API_ERRORS[code], f.signature, a.type];
s.close();
`;

test('the packed tarball installs into a fresh project, imports by name, runs and type-checks', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'rejit-package-'));
  try {
    // The build is current (npm test builds first), so packing need not build again.
    execFileSync(NPM, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack made no tarball');
    const project = join(dir, 'consumer');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync(NPM, ['install', '--offline', '--no-audit', '--no-fund', join(dir, tarball)], { cwd: project, stdio: 'pipe' });

    writeFileSync(join(project, 'main.mjs'), PROGRAM);
    const out = JSON.parse(execFileSync(process.execPath, ['main.mjs'], { cwd: project, encoding: 'utf8' })) as Record<string, unknown>;
    assert.deepEqual(out, {
      lines: ['adding'],
      sum: 5,
      product: 6,
      error: 'expected i32, found bool',
      seven: 7,
      trap: 'divisionByZero',
      threads: [{ kind: 'returned', value: 0 }, { kind: 'returned', value: 2 }],
    });

    // The command as installed (the bundle under dist/bundle/).
    writeFileSync(join(project, 'hello.rj'), 'fn main() -> i32 { print("hello", 6 * 7); return 3; }\n');
    const cli = spawnSync(join(project, 'node_modules/.bin/rejit'), ['run', 'hello.rj'], { cwd: project, encoding: 'utf8' });
    assert.equal(cli.stdout, 'hello 42\n', cli.stderr);
    assert.equal(cli.status, 3);

    writeFileSync(join(project, 'main.ts'), TYPED);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2022'], strict: true, noEmit: true,
        skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')],
      },
      files: ['main.ts'],
    }));
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, stdio: 'pipe' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
