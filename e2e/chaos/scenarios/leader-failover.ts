// Two replicas with --leader-elect; the leader is SIGKILLed (its Lease is not released) and the
// standby must take over once the Lease expires: takeover is measured from the kill until the
// standby's acquireTime in the Lease (both clocks are this machine's, and the suite's polling of
// the Lease adds nothing), against one lease duration plus two retry periods. The killed
// replica is started again as the new standby, while re-convergence is measured.
import { parseDuration } from '../../../controller/box/duration.ts';
import type { Scenario } from '../scenario.ts';

const LEASE = '/apis/coordination.k8s.io/v1/namespaces/default/leases/orkestra-controller';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const leaderFailover: Scenario = {
  name: 'leader-failover',
  title: 'leader SIGKILL, two replicas',
  runs: 5,
  replicas: 2,
  async inject(env) {
    const lease = async () =>
      (
        await env.admin.request<{ spec?: { holderIdentity?: string; acquireTime?: string } }>({
          method: 'GET',
          path: LEASE,
        })
      ).spec;
    const holder = async () => (await lease())?.holderIdentity;
    const leaderId = await holder();
    const leader = env.controllers.find((c) => c.identity === leaderId);
    const standby = env.controllers.find((c) => c.identity !== leaderId);
    if (!leader || !standby) throw new Error(`lease held by ${leaderId}, not by a replica`);
    const killedAtWall = Date.now();
    await leader.kill();
    const killedAt = performance.now();
    const limitMs = parseDuration(env.scale.lease.lease) + 2 * parseDuration(env.scale.lease.retry);
    let takeoverMs: number | undefined;
    while (performance.now() - killedAt < limitMs + 30_000) {
      const seen = await lease().catch(() => undefined);
      if (seen?.holderIdentity === standby.identity) {
        takeoverMs = Date.parse(seen.acquireTime ?? '') - killedAtWall;
        break;
      }
      await sleep(100);
    }
    const backAt = performance.now();
    // The killed replica comes back as the standby while the new leader converges.
    const settle = leader.start();
    if (takeoverMs === undefined) return { backAt, settle, problem: `${standby.identity} never took the Lease` };
    const late = takeoverMs > limitMs ? `takeover ${Math.round(takeoverMs)} ms > ${limitMs} ms` : undefined;
    return { backAt, takeoverMs, settle, ...(late ? { problem: late } : {}) };
  },
};
