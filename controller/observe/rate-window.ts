// Per-second rates of cumulative counters over a sliding window, from samples taken whenever
// someone looks (and periodically): rate = (newest - oldest) / (time between them), counting only
// samples inside the window. Like Prometheus' rate() without extrapolation.

export interface RateWindowOptions {
  /** Window length in milliseconds (default 60 s). */
  readonly windowMs?: number;
  /** Samples closer together than this replace one another, bounding memory (default 1 s). */
  readonly minSpacingMs?: number;
  /** Milliseconds on a monotonic scale; injectable for tests. */
  readonly now?: () => number;
}

interface Sample {
  readonly at: number;
  readonly values: readonly number[];
}

export interface RateWindow {
  /** Records the current values of one key's counters (always in the same order). */
  record(key: string, values: readonly number[]): void;
  /** Per-second rate of each counter over the window; zeros until two samples span some time. */
  rates(key: string): number[];
  /** Forgets every key not in `keys` (boxes that no longer exist). */
  retain(keys: ReadonlySet<string>): void;
}

export function createRateWindow(options: RateWindowOptions = {}): RateWindow {
  const windowMs = options.windowMs ?? 60_000;
  const minSpacingMs = options.minSpacingMs ?? 1_000;
  const now = options.now ?? (() => performance.now());
  const history = new Map<string, Sample[]>();

  const prune = (samples: Sample[], at: number) => {
    const oldest = at - windowMs;
    let drop = 0;
    while (drop < samples.length && (samples[drop] as Sample).at < oldest) drop++;
    if (drop > 0) samples.splice(0, drop);
  };

  return {
    record(key, values) {
      const at = now();
      let samples = history.get(key);
      const last = samples?.[samples.length - 1];
      // A counter that went down was reset (the box restarted): earlier samples no longer compare.
      if (!samples || (last && values.some((v, i) => v < (last.values[i] ?? 0)))) {
        samples = [];
        history.set(key, samples);
      }
      const sample = { at, values: [...values] };
      const previous = samples[samples.length - 2];
      if (previous && at - previous.at < minSpacingMs) samples[samples.length - 1] = sample;
      else samples.push(sample);
      prune(samples, at);
    },
    rates(key) {
      const samples = history.get(key);
      if (!samples) return [];
      prune(samples, now());
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (!first || !last || last.at <= first.at) return last ? last.values.map(() => 0) : [];
      const seconds = (last.at - first.at) / 1000;
      return last.values.map((v, i) => (v - (first.values[i] ?? 0)) / seconds);
    },
    retain(keys) {
      for (const key of history.keys()) if (!keys.has(key)) history.delete(key);
    },
  };
}
