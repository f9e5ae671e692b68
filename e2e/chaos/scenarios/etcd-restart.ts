// etcd stopped and started again on the same data directory: the API server stays up but every
// read and write fails or waits until its storage is back.
import { httpGet } from '../../control-plane/probe.ts';
import { eventually } from '../../support/wait.ts';
import type { Scenario } from '../scenario.ts';

export const etcdRestart: Scenario = {
  name: 'etcd-restart',
  title: 'etcd restart (same data dir)',
  runs: 3,
  async inject(env) {
    await env.cp.restart('etcd', { downtimeMs: 1_000, graceMs: 5_000 });
    const { server, caPem, adminToken } = env.cp;
    await eventually(
      'the API server ready on its restarted etcd',
      async () => (await httpGet(`${server}/readyz`, { ca: caPem, token: adminToken })).status === 200,
      60_000,
      100,
    );
    return { backAt: performance.now() };
  },
};
