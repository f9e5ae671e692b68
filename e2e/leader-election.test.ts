// Leader election on a real Lease: one leader among replicas, a released lease is taken within a
// retry period, a killed leader is replaced within about one lease duration, and the Lease shows
// the holder and the number of transitions. Short durations (3 s / 2 s / 0.5 s) keep it fast.
import assert from 'node:assert/strict';
import { after, describe, type TestContext, test } from 'node:test';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import { type LeaderElection, type LeaseObject, startLeaderElection } from '../controller/kube/leader-election.ts';
import { kubectlOk, testKubeconfig } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const LEASE_MS = 3_000;
const RENEW_MS = 2_000;
const RETRY_MS = 500;
const NAMESPACE = 'default';
const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

const clients: ApiClient[] = [];
after(() => {
  for (const c of clients) c.close();
});

/** Each replica gets its own client (own connections), as separate processes would. */
function newClient(): ApiClient {
  const client = createApiClient(loadKubeConfig(testKubeconfig()));
  clients.push(client);
  return client;
}

let leaseCounter = 0;
function uniqueLeaseName(): string {
  return `le-e2e-${process.pid}-${Date.now().toString(36)}-${++leaseCounter}`;
}

/** Replicas competing for one lease, with a check that terms never overlap inside this process. */
function election(t: TestContext) {
  const name = uniqueLeaseName();
  const electors: LeaderElection[] = [];
  const leading = new Set<string>();
  let maxConcurrent = 0;
  const starts: string[] = [];
  const admin = newClient();
  const path = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`;
  t.after(async () => {
    await Promise.all(electors.map((e) => e.stop()));
    await admin.request({ method: 'DELETE', path }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  });
  return {
    name,
    starts,
    maxConcurrent: () => maxConcurrent,
    replica(identity: string): LeaderElection {
      const elector = startLeaderElection({
        client: newClient(),
        namespace: NAMESPACE,
        name,
        identity,
        leaseDurationMs: LEASE_MS,
        renewDeadlineMs: RENEW_MS,
        retryPeriodMs: RETRY_MS,
        logger: { info() {}, error: (msg, fields) => t.diagnostic(`${identity}: ${msg} ${JSON.stringify(fields)}`) },
        onStartedLeading(signal) {
          starts.push(identity);
          leading.add(identity);
          maxConcurrent = Math.max(maxConcurrent, leading.size);
          signal.addEventListener('abort', () => leading.delete(identity));
        },
      });
      electors.push(elector);
      return elector;
    },
    lease: () => admin.request<LeaseObject>({ method: 'GET', path }),
    /** The Lease as kubectl shows it, independent of our client. */
    kubectlLease: async () =>
      JSON.parse(await kubectlOk(['-n', NAMESPACE, 'get', 'lease', name, '-o', 'json'])) as LeaseObject,
  };
}

/** Waits until `standby` follows the current leader; returns the leader. */
async function leaderAndFollower(a: LeaderElection, b: LeaderElection) {
  return eventually(
    'one replica to lead and the other to follow it',
    () => {
      const leader = [a, b].find((e) => e.isLeader());
      const follower = leader === a ? b : a;
      return leader && !follower.isLeader() && follower.leader() === leader.identity && { leader, follower };
    },
    10_000,
  );
}

describe('leader election on a real Lease', () => {
  test('two replicas: exactly one leads while the lease is renewed', async (t) => {
    const e = election(t);
    const a = e.replica('replica-a');
    const b = e.replica('replica-b');
    const { leader, follower } = await leaderAndFollower(a, b);
    // Watch several renewals go by, checking on every poll that there is exactly one leader.
    const renewals = new Set<string>();
    await eventually(
      'the leader to renew the lease three times',
      async () => {
        assert.equal([a, b].filter((x) => x.isLeader()).length, 1);
        assert.ok(leader.isLeader());
        const spec = (await e.lease()).spec;
        assert.equal(spec?.holderIdentity, leader.identity);
        renewals.add(spec?.renewTime ?? '');
        return renewals.size >= 4;
      },
      10_000,
    );
    assert.equal(follower.leader(), leader.identity);
    assert.deepEqual(e.starts, [leader.identity]);
    assert.equal(e.maxConcurrent(), 1);
  });

  test('stop() of the leader releases the lease and the standby takes over within a retry period', async (t) => {
    const e = election(t);
    const a = e.replica('replica-a');
    const b = e.replica('replica-b');
    const { leader, follower } = await leaderAndFollower(a, b);
    const stoppedAt = performance.now();
    await leader.stop();
    const released = (await e.lease()).spec;
    // Either still released, or already taken by the standby.
    if (released?.holderIdentity === '') assert.equal(released.leaseDurationSeconds, 1);
    else assert.equal(released?.holderIdentity, follower.identity);
    await eventually('the standby to lead', () => follower.isLeader(), 10_000);
    const took = performance.now() - stoppedAt;
    t.diagnostic(`takeover after release: ${Math.round(took)} ms`);
    assert.ok(took < LEASE_MS / 2, `takeover took ${Math.round(took)} ms`);
    assert.ok(!leader.isLeader());
    assert.equal((await e.lease()).spec?.holderIdentity, follower.identity);
    assert.equal(e.maxConcurrent(), 1);
  });

  test('a killed leader (no release) is replaced within about one lease duration', async (t) => {
    const e = election(t);
    const a = e.replica('replica-a');
    const b = e.replica('replica-b');
    const { leader, follower } = await leaderAndFollower(a, b);
    const killedAt = performance.now();
    await leader.stop({ release: false });
    assert.equal((await e.lease()).spec?.holderIdentity, leader.identity, 'the lease is left held');
    await eventually('the standby to lead', () => follower.isLeader(), 15_000, 20);
    const took = performance.now() - killedAt;
    t.diagnostic(`takeover after kill: ${Math.round(took)} ms`);
    // Not before the lease expired: the last renewal was at most one retry period before the kill.
    assert.ok(took >= LEASE_MS - RETRY_MS - 100, `took ${Math.round(took)} ms: too early`);
    // Expiry is counted from the standby's observation, which lags by up to one jittered retry.
    assert.ok(took < LEASE_MS + 2 * RETRY_MS + 1_500, `took ${Math.round(took)} ms`);
    assert.equal(e.maxConcurrent(), 1);
  });

  test('the Lease shows holderIdentity, MicroTimes and leaseTransitions across holders', async (t) => {
    const e = election(t);
    const a = e.replica('replica-a');
    await eventually('replica-a to lead', () => a.isLeader(), 10_000);
    let lease = await e.kubectlLease();
    assert.equal(lease.spec?.holderIdentity, 'replica-a');
    assert.equal(lease.spec?.leaseDurationSeconds, 3);
    assert.equal(lease.spec?.leaseTransitions, 0);
    assert.match(lease.spec?.acquireTime ?? '', MICRO);
    assert.match(lease.spec?.renewTime ?? '', MICRO);

    const b = e.replica('replica-b');
    await eventually('replica-b to follow', () => b.leader() === 'replica-a', 10_000);
    await a.stop({ release: false });
    await eventually('replica-b to lead', () => b.isLeader(), 15_000);
    lease = await e.kubectlLease();
    assert.equal(lease.spec?.holderIdentity, 'replica-b');
    assert.equal(lease.spec?.leaseTransitions, 1);

    await b.stop();
    lease = await e.kubectlLease();
    assert.equal(lease.spec?.holderIdentity, '');
    assert.equal(lease.spec?.leaseDurationSeconds, 1);
    assert.equal(lease.spec?.leaseTransitions, 1);

    const c = e.replica('replica-c');
    await eventually('replica-c to lead', () => c.isLeader(), 10_000);
    lease = await e.kubectlLease();
    assert.equal(lease.spec?.holderIdentity, 'replica-c');
    assert.equal(lease.spec?.leaseTransitions, 2);
    assert.deepEqual(e.starts, ['replica-a', 'replica-b', 'replica-c']);

    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await c.stop();
    const left = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    t.diagnostic(`active timers before the last stop(): ${before}, after: ${left}`);
    // The last replica's retry timer and renew-deadline timer are gone.
    assert.ok(before - left >= 2, `timers before stop ${before}, after ${left}`);
  });
});
