// The local half of client-go's EventCorrelator: spam filter first, then aggregation. Pure and
// synchronous, so event() can run it without waiting.
import type { Clock } from '../clock.ts';
import { createAggregator } from './aggregator.ts';
import type { ObjectReference } from './core-event.ts';
import { spamKey } from './event-keys.ts';
import { createSpamFilter } from './spam-filter.ts';

export type Correlation =
  | { readonly skip: true; readonly why: 'rateLimited' }
  | { readonly skip: false; readonly key: string; readonly message: string };

export interface CorrelatorOptions {
  clock?: Clock;
  lruEntries?: number;
  spamBurst?: number;
  spamQps?: number;
  aggregateMaxEvents?: number;
  aggregateIntervalMs?: number;
}

export interface Correlator {
  correlate(ref: ObjectReference, type: string, reason: string, message: string): Correlation;
}

export function createCorrelator(options: CorrelatorOptions = {}): Correlator {
  const spam = createSpamFilter({
    burst: options.spamBurst,
    qps: options.spamQps,
    lruEntries: options.lruEntries,
    clock: options.clock,
  });
  const aggregator = createAggregator({
    maxEvents: options.aggregateMaxEvents,
    intervalMs: options.aggregateIntervalMs,
    lruEntries: options.lruEntries,
    clock: options.clock,
  });
  return {
    correlate(ref, type, reason, message) {
      if (!spam.allow(spamKey(ref))) return { skip: true, why: 'rateLimited' };
      return { skip: false, ...aggregator.aggregate(ref, type, reason, message) };
    },
  };
}
