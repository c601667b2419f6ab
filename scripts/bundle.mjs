// Bundles the command line and its worker threads into one file each
// (dist/bundle/cli.js, dist/bundle/worker.js, dist/bundle/compiler-worker.js), from the modules tsc built in
// dist/src: start-up loads two files instead of some ninety modules on each
// thread (docs/PERFORMANCE.md, "Start-up"). The two sit side by side, so the
// worker URL that session/threaded-session.ts makes relative to its own
// module names the worker bundle inside the CLI bundle. The library
// (`import ... from 'rejit'`) uses dist/src as built.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', sourcemap: true };
await Promise.all([
  build({ ...common, entryPoints: ['dist/src/cli/main.js'], outfile: 'dist/bundle/cli.js' }),
  build({ ...common, entryPoints: ['dist/src/session/worker.js'], outfile: 'dist/bundle/worker.js' }),
  build({ ...common, entryPoints: ['dist/src/session/compiler-worker.js'], outfile: 'dist/bundle/compiler-worker.js' }),
]);
