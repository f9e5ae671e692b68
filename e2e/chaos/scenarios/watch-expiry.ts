// Every watch expires: etcd is compacted at its current revision and every connection of the
// controller is dropped, so each watch resumes from a resourceVersion that no longer exists and
// gets 410 Gone. The API server runs without its watch cache here: with it, watches are served
// from the cache's own window and a compaction of etcd never reaches them.
import { eventually } from '../../support/wait.ts';
import type { Scenario } from '../scenario.ts';

const RELIST = 'resourceVersion too old, relisting';

async function etcd<T>(url: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const watchExpiry: Scenario = {
  name: 'watch-expiry',
  title: 'watch expiry (etcd compaction, 410 Gone)',
  runs: 3,
  apiserverArgs: ['--watch-cache=false'],
  async inject(env) {
    const before = env.controllers.reduce((n, c) => n + c.logged(RELIST), 0);
    const range = await etcd<{ header: { revision: string } }>(env.cp.etcdUrl, '/v3/kv/range', {
      key: Buffer.from('/').toString('base64'),
      keys_only: true,
      limit: 1,
    });
    await etcd(env.cp.etcdUrl, '/v3/kv/compaction', { revision: range.header.revision, physical: true });
    env.proxy.resetAll();
    const backAt = performance.now();
    const relisted = await eventually(
      'a watch to get 410 Gone and relist',
      () => env.controllers.reduce((n, c) => n + c.logged(RELIST), 0) > before,
      15_000,
      100,
    ).catch(() => false);
    return relisted ? { backAt } : { backAt, problem: 'no watch got 410 Gone after the compaction' };
  },
};
