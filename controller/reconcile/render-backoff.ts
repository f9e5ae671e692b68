// A custom resource whose templates stopped at a cost limit (the CPU budget, range iterations,
// output size) fails the same way, after using up to the budget, each time it is rendered. Any
// change to it (an annotation, a label) queues it again at once, so one resource written in a
// loop could keep the event loop busy for every other box. After such a failure the box renders
// it again only once a delay has passed, doubling with each consecutive failure, whatever changed
// meanwhile; a render within the limits, or a new object under the same name, starts afresh.
// Deleting it is never delayed (the deletion path renders nothing).
import { type Clock, monotonicClock } from '../kube/clock.ts';

// A limit hit costs up to the render budget (100 ms of CPU) each time; 5 s, doubling, keeps one
// resource to at most 2% of the event loop at first and a fraction of a percent after a minute.
export const RENDER_BACKOFF_BASE_MS = 5_000;
export const RENDER_BACKOFF_MAX_MS = 60_000;

export interface RenderBackoff {
  /** How long (ms) `key` must wait before it is rendered again; 0 when it may render now. */
  wait(key: string, uid: string | undefined): number;
  /** Records that rendering `key` hit a limit; returns the delay now imposed on it. */
  limitHit(key: string, uid: string | undefined): number;
  /** Forgets `key` (it rendered within the limits, or is gone). */
  clear(key: string): void;
}

export interface RenderBackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
  readonly clock?: Clock;
}

export function renderBackoff(options: RenderBackoffOptions = {}): RenderBackoff {
  const base = options.baseMs ?? RENDER_BACKOFF_BASE_MS;
  const max = options.maxMs ?? RENDER_BACKOFF_MAX_MS;
  const clock = options.clock ?? monotonicClock;
  const held = new Map<string, { uid: string | undefined; failures: number; until: number }>();
  return {
    wait(key, uid) {
      const entry = held.get(key);
      if (entry === undefined) return 0;
      if (entry.uid !== uid) {
        held.delete(key);
        return 0;
      }
      return Math.max(0, entry.until - clock.now());
    },
    limitHit(key, uid) {
      const previous = held.get(key);
      const failures = previous !== undefined && previous.uid === uid ? previous.failures + 1 : 1;
      const delay = Math.min(base * 2 ** (failures - 1), max);
      held.set(key, { uid, failures, until: clock.now() + delay });
      return delay;
    },
    clear(key) {
      held.delete(key);
    },
  };
}
