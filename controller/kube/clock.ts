/**
 * Time source for the work queue family. Injected so tests can drive time deterministically
 * instead of sleeping.
 */
export interface Clock {
  /** Milliseconds on an arbitrary but monotonic scale; only differences are meaningful. */
  now(): number;
}

// performance.now() rather than Date.now(): a wall-clock step (NTP, suspend) must not stretch
// or collapse a backoff, and queue/work durations must never come out negative.
export const monotonicClock: Clock = { now: () => performance.now() };
