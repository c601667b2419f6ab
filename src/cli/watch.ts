//! `rejit run FILE --watch`: live coding. While the program runs, every
//! module it has loaded (FILE first) is watched on disk; when one changes,
//! what changed is loaded into the running program as a redefinition
//! (`frontend/module-diff.ts`), under the language's guarantees: calls
//! already running finish as they began, calls that start afterwards run
//! the new code. A change that does not parse or check, or that a
//! redefinition cannot express, is reported and not applied; the program
//! runs on unchanged.
//!
//! Files are polled (`fs.watchFile`) rather than watched by events, so that
//! editors that save by renaming a new file over the old one are followed.

import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { CompileError } from '../frontend/diagnostic.js';
import type { Module } from '../frontend/ast.js';
import { diffModule } from '../frontend/module-diff.js';
import { parseModule } from '../frontend/parser.js';
import type { ThreadedSession } from '../session/threaded-session.js';

/** How often files are polled and the load log is read for modules the program loaded, in ms. */
const POLL_MS = 100;

interface Watched {
  /** The module as the program runs it now: its whole text, parsed. */
  module: Module;
  text: string;
}

export class Watcher {
  private readonly files = new Map<string, Watched>();
  private logged = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly threaded: ThreadedSession, private readonly report: (text: string) => void) {
    this.followLoads();
    this.timer = setInterval(() => this.followLoads(), POLL_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
    for (const file of this.files.keys()) unwatchFile(file);
  }

  /**
   * Starts watching the files of modules loaded since the last look. A load
   * of the text a file is known to have is no news: among them are the
   * watcher's own loads, which carry the file's whole text.
   */
  private followLoads(): void {
    const count = this.threaded.loadCount;
    const entries = this.threaded.loadedModules(this.logged, count);
    this.logged = count;
    for (const { module, source } of entries) {
      if (source === null) continue;
      const known = this.files.get(module.fileName);
      if (known?.text === source) continue;
      if (!known) watchFile(module.fileName, { interval: POLL_MS, persistent: false }, (now: Stats, before: Stats) => {
        if (now.mtimeMs !== before.mtimeMs || now.size !== before.size) this.changed(module.fileName);
      });
      this.files.set(module.fileName, { module, text: source });
    }
  }

  private changed(file: string): void {
    this.followLoads();
    const watched = this.files.get(file);
    if (!watched) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      this.report(`rejit: watch: ${file}: cannot read it; the program runs on unchanged`);
      return;
    }
    if (text === watched.text) return;
    const { module, diagnostics } = parseModule(text, file);
    if (diagnostics.length > 0) {
      this.report(`${new CompileError(diagnostics, new Map([[file, text]])).format()}\nrejit: watch: ${file}: not applied; the program runs on unchanged`);
      return;
    }
    const change = diffModule(watched.module, module);
    if (change.refused.length > 0) {
      const lines = change.refused.map((r) => `${file}:${r.pos.line}:${r.pos.col}: watch: ${r.reason}`);
      this.report(`${lines.join('\n')}\nrejit: watch: ${file}: not applied (restart the program to apply it); the program runs on unchanged`);
      return;
    }
    if (change.module.items.length > 0) {
      try {
        this.threaded.session.loadModule(change.module, text);
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        this.report(`${e.format()}\nrejit: watch: ${file}: not applied; the program runs on unchanged`);
        return;
      }
    }
    this.files.set(file, { module, text });
    const parts = [
      change.redefined.length > 0 ? `redefined ${change.redefined.join(', ')}` : '',
      change.added.length > 0 ? `added ${change.added.join(', ')}` : '',
      change.removed.length > 0 ? `${change.removed.join(', ')} no longer in the file (still loaded)` : '',
    ].filter((p) => p !== '');
    this.report(`rejit: watch: ${file}: ${parts.length > 0 ? parts.join('; ') : 'no change to the code'}`);
  }
}
