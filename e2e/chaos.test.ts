// The fast part of `make chaos`: every fault scenario once, at 30 Websites, with a 5 s network
// stall and short leader-election durations. To stay quick the scenarios share two fresh control
// planes instead of one each: one controller for most, and two --leader-elect replicas on an API
// server without its watch cache for the failover and watch-expiry scenarios. Nothing may be
// orphaned, duplicated, lost or crashed, and every run re-converges within the deadline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ChaosEnv, openEnvironment, runFaults, type Scale, type Scenario } from './chaos/scenario.ts';
import { SCENARIOS } from './chaos/scenarios/index.ts';

const scale: Scale = {
  websites: 30,
  opsPerSecond: 5,
  stallMs: 5_000,
  lease: { lease: '4s', renew: '3s', retry: '500ms' },
  deadlineMs: 30_000,
  pollMs: 250,
};
const TAKEOVER_LIMIT_MS = 4_000 + 2 * 500;

const needsReplicas = (s: Scenario) => s.replicas !== undefined || s.apiserverArgs !== undefined;
const groups = [
  { title: 'one controller', options: {}, scenarios: SCENARIOS.filter((s) => !needsReplicas(s)) },
  {
    title: 'two --leader-elect replicas, no watch cache',
    options: { replicas: 2 as const, apiserverArgs: ['--watch-cache=false'] },
    scenarios: SCENARIOS.filter(needsReplicas),
  },
];

for (const group of groups) {
  describe(`chaos (fast), ${group.title}: each fault once at 30 Websites`, () => {
    let env: (ChaosEnv & { close(): Promise<void> }) | undefined;
    before(async () => {
      env = await openEnvironment(scale, group.options);
    });
    after(() => env?.close());

    for (const scenario of group.scenarios) {
      test(scenario.title, async (t) => {
        if (!env) throw new Error('environment not open');
        const r = await runFaults(env, scenario, 1, (line) => t.diagnostic(line));
        t.diagnostic(
          `re-converged in ${Math.round(r.reconvergeMs.max)} ms${r.takeoverMs ? `, takeover ${Math.round(r.takeoverMs.max)} ms` : ''}, ${r.requestsPerConvergedCr.toFixed(1)} API requests per converged CR`,
        );
        assert.deepEqual(r.problems, []);
        assert.deepEqual(
          { orphans: r.orphans, duplicates: r.duplicates, lostUpdates: r.lostUpdates, crashes: r.crashes },
          { orphans: 0, duplicates: 0, lostUpdates: 0, crashes: 0 },
        );
        assert.ok(r.reconvergeMs.max < scale.deadlineMs, `re-converged in ${r.reconvergeMs.max} ms`);
        if (scenario.replicas) {
          assert.ok(r.takeoverMs && r.takeoverMs.max < TAKEOVER_LIMIT_MS, JSON.stringify(r.takeoverMs));
        }
      });
    }
  });
}
