import type { EnvironmentOptions, Scenario } from '../scenario.ts';
import { apiserverRestart } from './apiserver-restart.ts';
import { controllerKill } from './controller-kill.ts';
import { crdRecreate } from './crd-recreate.ts';
import { etcdRestart } from './etcd-restart.ts';
import { katalogEdits } from './katalog-edits.ts';
import { leaderFailover } from './leader-failover.ts';
import { networkStall } from './network-stall.ts';
import { watchExpiry } from './watch-expiry.ts';

/** Every scenario, in the order the suite runs them. */
export const SCENARIOS: readonly Scenario[] = [
  controllerKill,
  apiserverRestart,
  etcdRestart,
  watchExpiry,
  leaderFailover,
  networkStall,
  crdRecreate,
  katalogEdits,
];

/**
 * The control planes the scenarios share, so a run pays for few setups, with the scenarios split
 * between them so each takes about as long (they run side by side): one controller for the twenty
 * kills; one controller for the faults that cut a replica off the API server for longer than a
 * renew deadline (a leader would step down, and exit); and two --leader-elect replicas on an API
 * server without its watch cache (which the watch-expiry scenario needs) for the rest.
 */
export const ENVIRONMENTS: readonly {
  readonly title: string;
  readonly options: EnvironmentOptions;
  readonly scenarios: readonly Scenario[];
}[] = [
  { title: 'one controller, killed', options: {}, scenarios: [controllerKill] },
  { title: 'one controller, cut off', options: {}, scenarios: [apiserverRestart, etcdRestart, networkStall] },
  {
    title: 'two --leader-elect replicas, no watch cache',
    options: { replicas: 2, apiserverArgs: ['--watch-cache=false'] },
    scenarios: [watchExpiry, leaderFailover, crdRecreate, katalogEdits],
  },
];
