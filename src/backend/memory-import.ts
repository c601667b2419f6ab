//! Every module the backend makes imports the run's one shared memory the same way.

import { INITIAL_PAGES, MAXIMUM_PAGES } from '../core/layout.js';
import type { ModuleBuilder } from '../wasm/module-builder.js';

export function importSharedMemory(mb: ModuleBuilder): void {
  mb.importMemory('env', 'memory', { min: INITIAL_PAGES, max: MAXIMUM_PAGES, shared: true });
}
