// Write fencing with --shard: a replica paused (SIGSTOP) in the middle of a reconcile, past its
// box Lease, sends nothing once it resumes (SIGCONT) until it holds a box Lease again — although
// the reconcile it was in goes on with a hook answer that arrived while it was paused. Writes are
// told apart by User-Agent in the API server's audit log, on a control plane of this suite's own
// (the shared one runs without an audit log).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HookRequest } from '../controller/hooks/contract.ts';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from './control-plane/control-plane.ts';
import {
  boxHolders,
  createBoxes,
  installOrkestraCrds,
  LEASE_DURATION_MS,
  plural,
  type Replica,
  startReplica,
} from './support/shard-fixture.ts';
import { eventually } from './support/wait.ts';

const GROUP = `fence${process.pid}.e2e.orkestra.io`;
const LEASE = `orkestra-fence-${process.pid}`;
const KATALOG = `fence-${process.pid}`;
const NS = 'default';
const AUDIT = join(tmpdir(), `orkestra-audit-${process.pid}.jsonl`);

interface AuditEvent {
  verb: string;
  userAgent?: string;
  requestReceivedTimestamp: string;
  objectRef?: { resource?: string; name?: string };
  responseStatus?: { code?: number };
}

let cp: ControlPlane;
let client: ApiClient;
const replicas: Replica[] = [];

// The hook: answers each reconcile with a ConfigMap showing the CR's round, except those for the
// round being held. Only that round is held: a late re-reconcile of an earlier round, in flight when
// holding starts, would otherwise be held too and keep the held round's reconcile queued behind it.
let holdRound: string | undefined;
const held: (() => void)[] = [];
const asked: HookRequest[] = [];
const hook = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookRequest;
    asked.push(body);
    const name = body.parent.metadata.name;
    const round = String((body.parent as KubeObject & { spec?: { round?: string } }).spec?.round);
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-hook` }, data: { round } }],
        }),
      );
    };
    if (round === holdRound) held.push(answer);
    else answer();
  });
});

before(async () => {
  cp = await startControlPlane({ controllerManager: false, auditLogPath: AUDIT });
  client = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  await installOrkestraCrds(cp.kubeconfigPath);
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', () => resolve()));
});

after(async () => {
  if (process.env.ORKESTRA_E2E_LOG_DIR)
    for (const r of replicas)
      writeFileSync(
        join(process.env.ORKESTRA_E2E_LOG_DIR, `${r.name}.jsonl`),
        r.lines.map((l) => JSON.stringify(l)).join('\n'),
      );
  for (const r of replicas) {
    if (r.exited) continue;
    r.child.kill('SIGCONT');
    r.child.kill('SIGKILL');
  }
  hook.close();
  hook.closeAllConnections();
  client?.close();
  await cp?.stop();
});

const crPath = (i: number, name = '') => `/apis/${GROUP}/v1/namespaces/${NS}/${plural(i)}${name ? `/${name}` : ''}`;
const setRound = (i: number, name: string, round: string) =>
  client.request({
    method: 'PATCH',
    path: crPath(i, name),
    contentType: 'application/merge-patch+json',
    body: { spec: { round } },
  });
const hookChild = async (name: string) =>
  (
    (await client
      .request({ method: 'GET', path: `/api/v1/namespaces/${NS}/configmaps/${name}-hook` })
      .catch(() => undefined)) as (KubeObject & { data?: { round?: string } }) | undefined
  )?.data?.round;

async function auditEvents(): Promise<AuditEvent[]> {
  return (await readFile(AUDIT, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditEvent);
}

describe('orkestra run --shard: write fencing', () => {
  test('a replica paused past its box Lease writes nothing after it resumes until it holds a Lease again', async () => {
    const port = (hook.address() as AddressInfo).port;
    const katalog = await createBoxes(client, GROUP, KATALOG, 2, () => ({
      managedResources: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      remote: { endpoint: `http://127.0.0.1:${port}/sync`, timeout: '60s' },
    }));
    for (const name of ['fence-a', 'fence-b'])
      replicas.push(startReplica(name, LEASE, { kubeconfig: cp.kubeconfigPath }));
    const [a, b] = replicas as [Replica, Replica];
    await client.request({ method: 'POST', path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs', body: katalog });
    for (const i of [0, 1]) {
      await client.request({
        method: 'POST',
        path: crPath(i),
        body: { apiVersion: `${GROUP}/v1`, kind: `Shard${i}`, metadata: { name: `cr${i}` }, spec: { round: '1' } },
      });
    }
    // One box each, both converged.
    const holders = await eventually(
      'one box on each replica',
      async () => {
        const h = await boxHolders(client, 'default', LEASE);
        return h.size === 2 && new Set(h.values()).size === 2 ? h : undefined;
      },
      60_000,
    );
    for (const i of [0, 1])
      await eventually(`cr${i} converged`, async () => (await hookChild(`cr${i}`)) === '1', 30_000);
    const boxOfA = [...holders].find(([, h]) => h === a.name)?.[0] as string;
    const i = Number(boxOfA.split('/b')[1]);
    const cr = `cr${i}`;

    // a starts a reconcile of its CR and waits on the hook; it is paused right there.
    holdRound = '2';
    await setRound(i, cr, '2');
    await eventually('a to ask the hook about round 2', () =>
      asked.some(
        (r) => r.parent.metadata.name === cr && (r.parent as { spec?: { round?: string } }).spec?.round === '2',
      ),
    );
    a.child.kill('SIGSTOP');
    const pausedAt = Date.now();
    // The answer reaches a's socket while it is paused; b takes the box once a's Lease expires.
    holdRound = undefined;
    for (const answer of held.splice(0)) answer();
    await eventually(
      'b to hold the box of the paused replica',
      async () => (await boxHolders(client, 'default', LEASE)).get(boxOfA) === b.name,
      6 * LEASE_DURATION_MS,
    );
    await setRound(i, cr, '3');
    await eventually('b to converge the CR to round 3', async () => (await hookChild(cr)) === '3', 30_000);
    assert.ok(Date.now() - pausedAt > LEASE_DURATION_MS);

    const resumedAt = Date.now();
    a.child.kill('SIGCONT');
    const reacquired = await eventually(
      'a to hold a box Lease again',
      () =>
        a.lines.find((l) => l.msg === 'box lease acquired' && Date.parse(String(l.ts)) > resumedAt) as
          | { ts: string }
          | undefined,
      60_000,
    );
    const reacquiredAt = Date.parse(reacquired.ts);

    const events = await auditEvents();
    const fromA = (e: AuditEvent) => e.userAgent?.includes(`(${a.name})`) ?? false;
    const objectWrites = (e: AuditEvent) => !['leases', 'events'].includes(e.objectRef?.resource ?? '');
    const at = (e: AuditEvent) => Date.parse(e.requestReceivedTimestamp);
    // Attribution works: a's writes before the pause are in the log, and so are its Lease writes after.
    assert.ok(
      events.some((e) => fromA(e) && objectWrites(e) && at(e) < pausedAt),
      'writes of a before the pause',
    );
    assert.ok(
      events.some((e) => fromA(e) && e.objectRef?.resource === 'leases' && at(e) > resumedAt),
      'lease writes of a after it resumed',
    );
    const late = events.filter((e) => fromA(e) && objectWrites(e) && at(e) > resumedAt && at(e) < reacquiredAt);
    assert.deepEqual(
      late.map((e) => `${e.verb} ${e.objectRef?.resource}/${e.objectRef?.name}`),
      [],
      'writes of the resumed replica before it re-acquired a Lease',
    );
    // Its reconcile went on after the resume and was refused by the fence, not merely never run.
    assert.ok(
      a.lines.some((l) => JSON.stringify(l).includes('no longer holds its Lease')),
      'the fence refused a write of the resumed replica',
    );
    assert.equal(await hookChild(cr), '3', "b's child was not overwritten with the stale round");
    console.log(
      `# paused ${resumedAt - pausedAt} ms; resumed replica re-acquired a Lease ${reacquiredAt - resumedAt} ms after resuming; 0 writes in between`,
    );
  });
});
