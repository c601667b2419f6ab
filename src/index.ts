//! The package entry point: `import { Session } from 'rejit'`. Everything an
//! embedder uses is exported here and documented where it is defined.

import './core/webassembly-api.js';

export { Session, type SessionOptions, type LoadResult, type HostValue, type FunctionHandle, type CallOptions, type CodeStats } from './session/session.js';
export { Ref, type ArrayValues, type NumericArray } from './session/host-values.js';
export { API_ERRORS, type ApiError, type ApiErrorCode } from './session/api-errors.js';
export { ThreadedSession, type ThreadedSessionOptions, type RunResult } from './session/threaded-session.js';
export { TraceFileError } from './session/trace-file.js';
export { formatStats, type RunStats } from './session/run-stats.js';
export type { ThreadOutcome } from './session/thread.js';
export { ModuleBuilder, type TypeName } from './frontend/builder.js';
export { CompileError, formatDiagnostic, type Diagnostic } from './frontend/diagnostic.js';
export { Trap, TrapFrames, KEPT_FRAMES, TRAP_MESSAGES, type TrapKind, type StackEntry } from './core/trap.js';
export { TIER_NAMES, DEFAULT_TIER, type Tier } from './tiering/tiers.js';
export { DEFAULT_THRESHOLDS, type TierUpThresholds } from './tiering/tiering.js';
export type { CompileOptions } from './backend/compile-options.js';
export { InternalError } from './core/internal-error.js';
export type { HostFunction } from './core/host-function.js';
export { directoryResolver, LoadRefused, type ModuleResolver, type LoadRequest, type ResolvedModule } from './session/module-resolver.js';
