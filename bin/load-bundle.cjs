// Loads the command line's bundle, dist/bundle/cli.cjs, compiled from the
// V8 code cache that scripts/bundle.mjs writes beside it (cli.cjs.cache):
// compiling the bundle's source is most of what loading it costs. A cache
// that V8 rejects (another Node, other V8 flags) or that is missing only
// costs that compile. Also used by scripts/bundle.mjs to make the cache.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '../dist/bundle/cli.cjs');
const CACHE = `${BUNDLE}.cache`;

/** The bundle's exports, and the script compiled from it (for making the cache). */
function loadBundle() {
  let cachedData;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    cachedData = undefined;
  }
  // The same wrapper as Node's CommonJS modules; the cache holds only for the same text.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE, 'utf8')}\n})`;
  const script = new Script(source, { filename: BUNDLE, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, BUNDLE, dirname(BUNDLE));
  return { exports: module.exports, script };
}

module.exports = { loadBundle, CACHE };
