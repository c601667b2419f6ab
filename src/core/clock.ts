//! The runtime's clock: milliseconds on the monotonic clock of the process,
//! which every thread shares (for trace timestamps, deadlines and the
//! durations of compiles and loads).
//!
//! It reads `process.hrtime` rather than `performance.now()`: Node loads
//! node:perf_hooks and the ten modules behind it at the first use of
//! `performance`, about 0.7 ms of every start-up (docs/PERFORMANCE.md,
//! "Start-up: hello world's own time"). It does not measure CPU time.

/** Milliseconds since an arbitrary point, the same for every thread of the process. */
export function nowMs(): number {
  const [seconds, nanoseconds] = process.hrtime();
  return seconds * 1000 + nanoseconds / 1e6;
}
