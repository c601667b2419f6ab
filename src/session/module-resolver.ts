//! Where a session may read modules from. Every load goes through a
//! resolver: the `load(path)` builtin, `Session.loadFile`, the command
//! line's main file. A session without one reads no files at all, so a host
//! that runs programs it did not write decides what they may read.
//!
//! `directoryResolver` confines loads to some directories: a path is
//! refused when it leaves them, lexically (`..`, an absolute path elsewhere)
//! or through a symbolic link (its real path is checked too). A refused file
//! is never read, so no diagnostic can show its content.

import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** A request to load `path`: from the host (`from` null: relative to the working directory) or from module `from`. */
export interface LoadRequest {
  readonly path: string;
  readonly from: string | null;
}

/** A module that a resolver found: its name in diagnostics and its text. */
export interface ResolvedModule {
  /** Its name in diagnostics and traps. */
  readonly fileName: string;
  readonly source: string;
}

/** Returns the module to load, or throws `LoadRefused` with a message that says why not. */
export type ModuleResolver = (request: LoadRequest) => ResolvedModule;

/** A load that the resolver would not or could not make. */
export class LoadRefused extends Error {
  constructor(
    /** The path as the load names it, relative paths joined to the loading module's folder. */
    readonly fileName: string,
    message: string,
  ) {
    super(message);
    this.name = 'LoadRefused';
  }
}

/** The path a request names: relative to the loading module's folder, as the language spec says. */
export function requestedPath(request: LoadRequest): string {
  const { path, from } = request;
  return isAbsolute(path) || from === null ? path : join(dirname(from), path);
}

/** The resolver of a session given none: it refuses every load. */
export const NO_FILES: ModuleResolver = (request) => {
  const fileName = requestedPath(request);
  throw new LoadRefused(fileName, `cannot load '${fileName}': this session reads no files (it was given no module resolver)`);
};

/** `child` is `dir` or inside it. */
function within(dir: string, child: string): boolean {
  const r = relative(dir, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** The real path of `path`, or null when it does not exist. */
function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/**
 * Reads modules from files under `directories` (and their subfolders) only;
 * a module's name in diagnostics is the path as requested.
 */
export function directoryResolver(directories: readonly string[]): ModuleResolver {
  const lexical = directories.map((d) => resolve(d));
  const allowed = directories.map(real).filter((d) => d !== null);
  const shown = directories.join(', ');
  return (request) => {
    const fileName = requestedPath(request);
    const outside = (): never => {
      throw new LoadRefused(fileName, `cannot load '${fileName}': it is outside the directories that loads may read (${shown})`);
    };
    // Lexically first, so that whether a file outside exists is not told either.
    const path = resolve(fileName);
    if (!lexical.some((d) => within(d, path)) && !allowed.some((d) => within(d, path))) outside();
    // Then the file itself, where symbolic links lead.
    const target = real(fileName);
    if (target === null) throw new LoadRefused(fileName, `cannot read module '${fileName}'`);
    if (!allowed.some((d) => within(d, target))) outside();
    try {
      return { fileName, source: readFileSync(target, 'utf8') };
    } catch {
      throw new LoadRefused(fileName, `cannot read module '${fileName}'`);
    }
  };
}
