// Bundles the command line and its worker threads into one file each
// (dist/bundle/cli.cjs, dist/bundle/worker.js, dist/bundle/compiler-worker.js), from the modules tsc built in
// dist/src: start-up loads two files instead of some ninety modules on each
// thread (docs/PERFORMANCE.md, "Start-up"). The two sit side by side, so the
// worker URL that session/threaded-session.ts makes relative to its own
// module names the worker bundle inside the CLI bundle. The library
// (`import ... from 'rejit'`) uses dist/src as built.
//
// The command line's bundle is CommonJS, loaded by bin/rejit with
// V8's code cache, which scripts/code-cache.cjs makes last.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';

// esbuild keeps comments that start with `//!` (the module headers) as legal comments, at the
// end of the file: 83 KB of the command line's bundle, and its only characters other than ASCII
// (esbuild escapes them in code), for which V8 held all its text two bytes a character.
//
// Whitespace and syntax are minified (names are kept, for stack traces): the command line's bundle
// shrinks from 523 KB to 338 KB, and reading it and compiling it from the cache take less.
const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', sourcemap: true, legalComments: 'none', minifyWhitespace: true, minifySyntax: true };
await Promise.all([
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['dist/src/cli/main.js'],
    outfile: 'dist/bundle/cli.cjs',
    // Made when first asked for (a worker's URL, the version): start-up does not pay for it.
    define: { 'import.meta.url': 'bundleLocation.url' },
    banner: { js: 'const bundleLocation = { get url() { return require("node:url").pathToFileURL(__filename).href; } };' },
  }),
  build({ ...common, format: 'esm', entryPoints: ['dist/src/session/worker.js'], outfile: 'dist/bundle/worker.js' }),
  build({ ...common, format: 'esm', entryPoints: ['dist/src/session/compiler-worker.js'], outfile: 'dist/bundle/compiler-worker.js' }),
]);

// Its output (the program's WebAssembly, what it prints) is of no interest.
execFileSync(process.execPath, ['scripts/code-cache.cjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
// A cache made after something set V8 flags is rejected at every start: a cache that costs and saves nothing.
const loads = "process.stdout.write(String(require('./bin/rejit').loadBundle().script.cachedDataRejected))";
if (execFileSync(process.execPath, ['-e', loads], { encoding: 'utf8' }) !== 'false') {
  throw new Error('V8 rejects the code cache of dist/bundle/cli.cjs just made (were V8 flags set while making it?)');
}
