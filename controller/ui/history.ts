// Fifteen minutes of per-box reconcile history, kept in memory for the Control Center's charts
// and rates: 5-second buckets in a ring, fed by the box's metrics hooks, so no TSDB is needed
// and memory stays fixed per box (180 buckets).

export const BUCKET_MS = 5_000;
export const WINDOW_MS = 15 * 60_000;
const SLOTS = WINDOW_MS / BUCKET_MS;
/** Upper bounds (seconds) of the duration histogram each bucket keeps, for the p95. */
export const DURATION_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

interface Bucket {
  start: number;
  reconciles: number;
  errors: number;
  queueDepth: number;
  /** One count per DURATION_BOUNDS entry plus one for longer. */
  durations: number[];
}

/** One point of a box's chart. */
export interface HistoryPoint {
  /** Start of the 5-second bucket, ms since the epoch. */
  readonly t: number;
  readonly reconciles: number;
  readonly errors: number;
  readonly queueDepth: number;
}

export interface RecentRates {
  readonly reconcilesPerMinute: number;
  /** Failed reconciles over all reconciles in the window, 0..1. */
  readonly errorRatio: number;
  /** p95 reconcile time in ms (a histogram bound), or null without reconciles. */
  readonly p95Ms: number | null;
}

export interface BoxHistory {
  reconciled(id: string, failed: boolean, seconds: number): void;
  queueDepth(id: string, depth: number): void;
  /** The last 15 minutes, oldest first, one point per bucket (empty buckets as zeros). */
  series(id: string): HistoryPoint[];
  /** Rates over the last `windowMs` (default one minute; p95 over five). */
  rates(id: string): RecentRates;
  /** Drops the history of boxes not in `ids`. */
  retain(ids: ReadonlySet<string>): void;
}

function emptyBucket(start: number): Bucket {
  return { start, reconciles: 0, errors: 0, queueDepth: 0, durations: new Array(DURATION_BOUNDS.length + 1).fill(0) };
}

export function createBoxHistory(now: () => number = Date.now): BoxHistory {
  const rings = new Map<string, (Bucket | undefined)[]>();

  const bucket = (id: string): Bucket => {
    let ring = rings.get(id);
    if (!ring) {
      ring = new Array<Bucket | undefined>(SLOTS);
      rings.set(id, ring);
    }
    const start = Math.floor(now() / BUCKET_MS) * BUCKET_MS;
    const slot = (start / BUCKET_MS) % SLOTS;
    let b = ring[slot];
    if (!b || b.start !== start) {
      b = emptyBucket(start);
      ring[slot] = b;
    }
    return b;
  };

  /** Buckets that started within the last `ms`, newest bucket included. */
  const recent = (id: string, ms: number): Bucket[] => {
    const ring = rings.get(id);
    if (!ring) return [];
    const since = Math.floor(now() / BUCKET_MS) * BUCKET_MS - ms;
    return ring.filter((b): b is Bucket => b !== undefined && b.start > since);
  };

  return {
    reconciled(id, failed, seconds) {
      const b = bucket(id);
      b.reconciles++;
      if (failed) b.errors++;
      let i = DURATION_BOUNDS.findIndex((bound) => seconds <= bound);
      if (i < 0) i = DURATION_BOUNDS.length;
      b.durations[i] = (b.durations[i] ?? 0) + 1;
    },
    queueDepth(id, depth) {
      const b = bucket(id);
      b.queueDepth = Math.max(b.queueDepth, depth);
    },
    series(id) {
      const byStart = new Map(recent(id, WINDOW_MS).map((b) => [b.start, b]));
      const last = Math.floor(now() / BUCKET_MS) * BUCKET_MS;
      const points: HistoryPoint[] = [];
      for (let t = last - (SLOTS - 1) * BUCKET_MS; t <= last; t += BUCKET_MS) {
        const b = byStart.get(t);
        points.push({ t, reconciles: b?.reconciles ?? 0, errors: b?.errors ?? 0, queueDepth: b?.queueDepth ?? 0 });
      }
      return points;
    },
    rates(id) {
      const minute = recent(id, 60_000);
      const reconciles = minute.reduce((n, b) => n + b.reconciles, 0);
      const errors = minute.reduce((n, b) => n + b.errors, 0);
      const counts = new Array<number>(DURATION_BOUNDS.length + 1).fill(0);
      for (const b of recent(id, 5 * 60_000)) {
        b.durations.forEach((c, i) => {
          counts[i] = (counts[i] ?? 0) + c;
        });
      }
      const total = counts.reduce((a, c) => a + c, 0);
      let p95Ms: number | null = null;
      if (total > 0) {
        let seen = 0;
        const i = counts.findIndex((c) => {
          seen += c;
          return seen >= total * 0.95;
        });
        const bound = DURATION_BOUNDS[i] ?? DURATION_BOUNDS[DURATION_BOUNDS.length - 1] ?? 60;
        p95Ms = bound * 1000;
      }
      return { reconcilesPerMinute: reconciles, errorRatio: reconciles ? errors / reconciles : 0, p95Ms };
    },
    retain(ids) {
      for (const id of rings.keys()) if (!ids.has(id)) rings.delete(id);
    },
  };
}
