// Bundles the command line and its worker threads into one file each
// (dist/bundle/cli.cjs, dist/bundle/worker.js), from the modules tsc built in
// dist/src: start-up loads two files instead of some ninety modules on each
// thread (docs/PERFORMANCE.md, "Start-up"). The two sit side by side, so the
// worker URL that session/threaded-session.ts makes relative to its own
// module names the worker bundle inside the CLI bundle. The library
// (`import ... from 'rejit'`) uses dist/src as built.
//
// The command line's bundle is CommonJS, loaded by bin/load-bundle.cjs with
// V8's code cache, which this script makes last: it loads the bundle and
// checks and runs (in the interpreter, which sets no V8 flags: the cache
// holds only for the flags it was made with) a program, so that the cache
// holds the code of the functions that start-up runs, and not only the
// bundle's top level.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: true };
await Promise.all([
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['dist/src/cli/main.js'],
    outfile: 'dist/bundle/cli.cjs',
    define: { 'import.meta.url': 'bundleUrl' },
    banner: { js: 'const bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({ ...common, format: 'esm', entryPoints: ['dist/src/session/worker.js'], outfile: 'dist/bundle/worker.js' }),
]);

const { loadBundle, CACHE } = createRequire(import.meta.url)('../bin/load-bundle.cjs');
const { exports: cli, script } = loadBundle();
const dir = mkdtempSync(join(tmpdir(), 'rejit-bundle-'));
try {
  const program = join(dir, 'start.rj');
  writeFileSync(program, 'class C { v: i32; fn get(self) -> i32 { return self.v; } }\nfn main() -> i32 { let c = new C; return c.get(); }\n');
  const status = await cli.main(['run', program, '--tier', 'interp']);
  if (status !== 0) throw new Error(`the program that warms the code cache exited ${status}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
writeFileSync(CACHE, script.createCachedData());
