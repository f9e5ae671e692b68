// `orkestra run` as a process: two replicas with --leader-elect, only the leader runs boxes,
// a SIGKILLed leader is replaced by the standby, SIGTERM shuts down cleanly and releases the lease.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const GROUP = `proc${process.pid}.e2e.orkestra.io`;
const LEASE = `orkestra-e2e-${process.pid}`;
const LEASE_DURATION_MS = 4_000;
const RETRY_MS = 500;

interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  exit?: number | null;
}

function startReplica(name: string): Replica {
  const { child, lines } = startOrkestra([
    '--leader-elect',
    '--lease-name',
    LEASE,
    '--identity',
    name,
    '--lease-duration',
    `${LEASE_DURATION_MS}ms`,
    '--renew-deadline',
    '3s',
    '--retry-period',
    `${RETRY_MS}ms`,
    '--listen',
    '127.0.0.1:0',
    // Two replicas on one machine: each its own webhook port (every replica serves webhooks).
    '--webhook-listen',
    '127.0.0.1:0',
  ]);
  const replica: Replica = { name, child, lines };
  child.on('exit', (code) => {
    replica.exit = code;
  });
  return replica;
}

const logged = (r: Replica, msg: string) => r.lines.some((l) => l.msg === msg);
const baseUrl = (r: Replica) => `http://${r.lines.find((l) => l.msg === 'serving health, metrics and API')?.address}`;

/** The value of one sample in Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let client: ApiClient;
const replicas: Replica[] = [];

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', '-f', `${root}crds/`]);
  await createCrd(client, testCrd(GROUP, 'Widget'));
});

after(async () => {
  for (const r of replicas) if (r.exit === undefined) r.child.kill('SIGKILL');
  client.close();
});

describe('orkestra run with --leader-elect', () => {
  test('one leader runs the boxes; a killed leader is replaced within one lease duration; SIGTERM releases the lease', async () => {
    replicas.push(startReplica('replica-a'), startReplica('replica-b'));
    const leader = await eventually(
      'a leader',
      () => replicas.find((r) => logged(r, 'root controller started')),
      20_000,
    );
    const standby = replicas.find((r) => r !== leader) as Replica;
    // Every replica logs the leader it observes; the standby must have seen the leader and not started.
    await eventually('standby observed the leader', () =>
      standby.lines.some((l) => l.msg === 'leader observed' && l.leader === leader.name),
    );
    assert.equal(logged(standby, 'root controller started'), false);
    await eventually('the standby serves webhooks too', () => logged(standby, 'serving webhooks'), 20_000);

    const katalog = {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Katalog',
      metadata: { name: `proc-${process.pid}` },
      spec: { crds: { widget: { apiTypes: { group: GROUP, version: 'v1', kind: 'Widget' } } } },
    };
    await kubectlOk(['apply', '--server-side', '-f', '-'], stringify(katalog));
    await eventually('the leader started the box', () => leader.lines.some((l) => l.msg === 'box started'), 10_000);
    assert.equal(
      standby.lines.some((l) => l.msg === 'box started'),
      false,
      'the standby runs no box',
    );

    // Metrics and the health API of the leader, with controller-runtime's names.
    const id = `${katalog.metadata.name}/widget`;
    const reconciled = `controller_runtime_reconcile_total{controller="${id}",result="success"}`;
    const before = sample(await (await fetch(`${baseUrl(leader)}/metrics`)).text(), reconciled) ?? 0;
    for (const name of ['w1', 'w2', 'w3']) {
      await client.request({
        method: 'POST',
        path: `/apis/${GROUP}/v1/namespaces/default/widgets`,
        body: { apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name }, spec: {} },
      });
    }
    const metrics = await eventually('reconcile_total to grow by 3', async () => {
      const text = await (await fetch(`${baseUrl(leader)}/metrics`)).text();
      return (sample(text, reconciled) ?? 0) >= before + 3 ? text : undefined;
    });
    assert.notEqual(sample(metrics, `workqueue_depth{name="${id}",controller="${id}",priority=""}`), undefined);
    assert.match(metrics, /^orkestra_boxes\{phase="Running"\} [1-9]/m);
    assert.match(metrics, /^orkestra_watch_count [1-9]/m);
    const health = await eventually('box health', async () => {
      const r = await fetch(`${baseUrl(leader)}/api/katalogs/${katalog.metadata.name}/boxes/widget/health`);
      const body = (await r.json()) as { phase?: string; managed?: number };
      return r.status === 200 && body.managed === 3 ? body : undefined;
    });
    assert.equal(health.phase, 'Running');
    const missing = await fetch(`${baseUrl(leader)}/api/katalogs/nope/boxes/widget/health`);
    assert.equal(missing.status, 404);
    assert.ok(((await missing.json()) as { error?: string }).error);
    assert.equal((await fetch(`${baseUrl(leader)}/readyz`)).status, 200);
    assert.equal((await fetch(`${baseUrl(standby)}/readyz`)).status, 200, 'a standby that knows its leader is ready');

    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await eventually(
      'the standby took over',
      () => logged(standby, 'root controller started'),
      3 * LEASE_DURATION_MS,
      20,
    );
    const takeoverMs = Date.now() - killedAt;
    await eventually(
      'the new leader started the box',
      () => standby.lines.some((l) => l.msg === 'box started'),
      10_000,
    );
    console.log(
      `# standby took over ${takeoverMs} ms after the leader was killed (lease ${LEASE_DURATION_MS} ms, retry ${RETRY_MS} ms)`,
    );
    // Expiry is judged from the standby's last sighting of a renewal, which can trail the last
    // renewal by one jittered retry period (up to 2.2x); it then notices expiry on its next
    // jittered poll: at most one lease duration plus two such periods after the kill.
    assert.ok(takeoverMs <= LEASE_DURATION_MS + 2 * 2.2 * RETRY_MS, `takeover took ${takeoverMs} ms`);

    const termAt = Date.now();
    standby.child.kill('SIGTERM');
    await eventually('clean exit', () => standby.exit !== undefined, 10_000);
    assert.equal(standby.exit, 0);
    assert.ok(Date.now() - termAt < 10_000);
    assert.ok(logged(standby, 'stopped'));
    const lease = await client.request<KubeObject & { spec: { holderIdentity?: string } }>({
      method: 'GET',
      path: `/apis/coordination.k8s.io/v1/namespaces/default/leases/${LEASE}`,
    });
    assert.ok(!lease.spec.holderIdentity, `lease released, holder: ${lease.spec.holderIdentity}`);
    await kubectlOk(['delete', 'katalog', katalog.metadata.name]);
  });
});
