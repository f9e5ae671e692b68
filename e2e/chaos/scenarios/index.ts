import type { Scenario } from '../scenario.ts';
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
