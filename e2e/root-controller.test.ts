// The root controller and operator boxes against the real API server, run in this process so the
// test can hand boxes a reconciler of its choosing (the declarative pipeline is tested elsewhere).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Katalog } from '../api-types/katalog.ts';
import type { BoxConfig } from '../controller/box/operator-box.ts';
import type { Reconciler } from '../controller/box/reconciler.ts';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { createEventRecorder, type EventRecorder } from '../controller/kube/events/recorder.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { silentLogger } from '../controller/observe/log.ts';
import { type RootController, startRootController } from '../controller/root/root-controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { type SeenRecord, seenReconciler } from './support/seen-reconciler.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const GROUP = `root${process.pid}.e2e.orkestra.io`;
const NS = `root-${process.pid}`;

let client: ApiClient;
let controller: RootController;
let events: EventRecorder;
const seen = new Map<string, SeenRecord>();
/** Boxes named `broken*` throw on every reconcile; the rest record what they saw. */
const reconcilerFor = (config: BoxConfig): Reconciler => {
  if (config.name.startsWith('broken')) {
    return async () => {
      throw new Error(`${config.name} always fails`);
    };
  }
  const record = seenReconciler(seen);
  return (ctx) => record({ ...ctx, request: { ...ctx.request, key: `${config.name}:${ctx.request.key}` } });
};

function katalog(name: string, crds: Katalog['spec']['crds']): Katalog {
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } };
}
const api = (kind: string) => ({ group: GROUP, version: 'v1', kind, plural: `${kind.toLowerCase()}s` });

async function applyKatalog(k: Katalog) {
  await client.request({
    method: 'PATCH',
    path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${k.metadata.name}`,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body: k,
  });
}
async function getKatalog(name: string): Promise<Katalog> {
  return client.request<Katalog>({ method: 'GET', path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}` });
}
async function boxPhase(katalogName: string, box: string): Promise<string | undefined> {
  return (await getKatalog(katalogName)).status?.boxes?.[box]?.phase;
}
/**
 * Whether the controller holds a watch on a resource of the test group. Counted on the
 * controller's own client: the API server's gauge also counts kube-controller-manager's
 * garbage collector, which watches every resource.
 */
const lists = new Map<string, number>();

function watching(plural: string): boolean {
  return client.openStreams().some((p) => p === `/apis/${GROUP}/v1/${plural}`);
}

async function createCr(kind: string, name: string, spec: Record<string, unknown> = {}) {
  const plural = `${kind.toLowerCase()}s`;
  await client.request({
    method: 'POST',
    path: `/apis/${GROUP}/v1/namespaces/${NS}/${plural}`,
    body: { apiVersion: `${GROUP}/v1`, kind, metadata: { name, namespace: NS }, spec },
  });
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  // LIST requests the controller sends, by plural of the test group (a request counter on its own client).
  client.observe((method, path) => {
    const m = new RegExp(`^/apis/${GROUP.replaceAll('.', '\\.')}/v1/([a-z]+)$`).exec(path);
    if (method === 'GET' && m?.[1]) lists.set(m[1], (lists.get(m[1]) ?? 0) + 1);
  });
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', '-f', `${root}crds/`]);
  await kubectlOk(['create', 'namespace', NS]);
  for (const kind of ['Alpha', 'Beta', 'Delta', 'Good', 'Bad']) await createCrd(client, testCrd(GROUP, kind));
  events = createEventRecorder({ client, component: 'orkestra' });
  controller = startRootController({ client, logger: silentLogger, events, reconcilerFor, statusRefreshMs: 500 });
  await controller.waitForSync();
});

after(async () => {
  await controller?.stop();
  await events?.stop();
  client?.close();
});

describe('root controller', () => {
  test('boxes whose CRDs exist run within 2 s; a missing CRD waits, then runs within 1 s of the CRD', async () => {
    await createCr('Alpha', 'a1');
    const started = Date.now();
    await applyKatalog(
      katalog('abc', { a: { apiTypes: api('Alpha') }, b: { apiTypes: api('Beta') }, c: { apiTypes: api('Gamma') } }),
    );
    await eventually(
      'boxes a and b Running',
      async () => (await boxPhase('abc', 'a')) === 'Running' && (await boxPhase('abc', 'b')) === 'Running',
      2_000,
      20,
    );
    const katalogToRunningMs = Date.now() - started;
    assert.equal(await boxPhase('abc', 'c'), 'WaitingForCRD');
    assert.match((await getKatalog('abc')).status?.boxes?.c?.message ?? '', /CRD for Gamma\./);
    await eventually('a saw its custom resource', () => seen.has(`a:${NS}/a1`));

    const crdApplied = Date.now();
    await createCrd(client, testCrd(GROUP, 'Gamma'));
    await eventually('box c Running', async () => (await boxPhase('abc', 'c')) === 'Running', 1_000, 20);
    const crdToRunningMs = Date.now() - crdApplied;
    assert.ok(crdToRunningMs <= 1_000, `box c Running ${crdToRunningMs} ms after its CRD was applied`);
    const k = await getKatalog('abc');
    assert.equal(k.status?.conditions?.[0]?.status, 'True');
    assert.equal(k.status?.conditions?.[0]?.reason, 'AllBoxesRunning');
    assert.equal(k.status?.observedGeneration, k.metadata.generation);
    await events.flush();
    const described = await kubectlOk(['describe', 'katalog', 'abc']);
    assert.match(described, /Normal\s+BoxStarted\s+.*box c started/);
    console.log(
      `# Katalog apply -> 2 boxes Running: ${katalogToRunningMs} ms; CRD apply -> box Running: ${crdToRunningMs} ms`,
    );
  });

  test('a template-only change swaps the box in place without a new LIST; an apiTypes change restarts it', async () => {
    const box = () => controller.boxes().get('abc/a');
    const before = box();
    assert.ok(before);
    const listsBefore = lists.get('alphas') ?? 0;
    const reflectorListsBefore = before.reflector.stats().lists;
    await applyKatalog(
      katalog('abc', {
        a: {
          apiTypes: api('Alpha'),
          operatorBox: { reconcile: { workers: 3, onReconcile: { configMaps: [{ name: 'x' }] } } },
        },
        b: { apiTypes: api('Beta') },
        c: { apiTypes: api('Gamma') },
      }),
    );
    await eventually('box a swapped', () => box()?.status().swaps === 1);
    assert.equal(box(), before, 'the same box instance keeps running');
    assert.equal(box()?.status().workers, 3);
    assert.equal(before.reflector.stats().lists, reflectorListsBefore, 'the reflector did not relist');
    assert.equal(lists.get('alphas') ?? 0, listsBefore, 'the controller sent no LIST of alphas');
    assert.ok(listsBefore >= 1, 'the counter saw the initial LIST');
    await eventually('status shows 3 workers', async () => (await getKatalog('abc')).status?.boxes?.a?.workers === 3);

    await applyKatalog(
      katalog('abc', { a: { apiTypes: api('Delta') }, b: { apiTypes: api('Beta') }, c: { apiTypes: api('Gamma') } }),
    );
    await eventually(
      'box a restarted for Delta',
      () => box()?.resource.kind === 'Delta' && box()?.status().phase === 'Running',
    );
    assert.notEqual(box(), before);
    await eventually('no watch left on alphas', () => !watching('alphas'));
    assert.ok(watching('deltas'), 'the new box watches deltas');
    await eventually(
      'status shows the new kind',
      async () => (await getKatalog('abc')).status?.boxes?.a?.gvk === `${GROUP}/v1/Delta`,
    );
  });

  test('deleting the Katalog stops its boxes, closes their watches and leaves custom resources alone', async () => {
    assert.ok(watching('betas'), 'box b watches betas');
    await client.request({ method: 'DELETE', path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs/abc' });
    await eventually('boxes stopped', () => [...controller.boxes().keys()].every((id) => !id.startsWith('abc/')));
    for (const plural of ['deltas', 'betas', 'gammas']) {
      await eventually(`no watch on ${plural}`, () => !watching(plural));
    }
    const cr = await client.request<KubeObject>({
      method: 'GET',
      path: `/apis/${GROUP}/v1/namespaces/${NS}/alphas/a1`,
    });
    assert.equal(cr.metadata.name, 'a1');
    assert.equal(cr.metadata.deletionTimestamp, undefined);
  });

  test('a box whose reconcile always throws does not slow another box', async () => {
    const N = 60;
    const timeGood = async (prefix: string) => {
      const started = Date.now();
      await Promise.all(Array.from({ length: N }, (_, i) => createCr('Good', `${prefix}-${i}`)));
      await eventually(
        `${N} ${prefix} reconciled`,
        () => Array.from({ length: N }, (_, i) => seen.has(`good:${NS}/${prefix}-${i}`)).every(Boolean),
        30_000,
        10,
      );
      return Date.now() - started;
    };
    await applyKatalog(
      katalog('iso-good', { good: { apiTypes: api('Good'), operatorBox: { reconcile: { workers: 2 } } } }),
    );
    await eventually('good Running', async () => (await boxPhase('iso-good', 'good')) === 'Running');
    const alone = await timeGood('alone');

    await Promise.all(Array.from({ length: N }, (_, i) => createCr('Bad', `bad-${i}`)));
    await applyKatalog(
      katalog('iso-bad', {
        broken: { apiTypes: api('Bad'), operatorBox: { reconcile: { workers: 2, queue: { failureThreshold: 3 } } } },
      }),
    );
    await eventually('broken box Degraded', async () => (await boxPhase('iso-bad', 'broken')) === 'Degraded', 10_000);
    const withBroken = await timeGood('shared');
    const broken = controller.boxes().get('iso-bad/broken')?.status();
    assert.ok((broken?.health.failures ?? 0) >= N, `the broken box kept failing (${broken?.health.failures})`);
    assert.match((await getKatalog('iso-bad')).status?.boxes?.broken?.lastError ?? '', /broken always fails/);
    assert.equal(await boxPhase('iso-good', 'good'), 'Running');
    console.log(`# ${N} CRs reconciled: ${alone} ms alone, ${withBroken} ms beside a failing box`);
    // Generous bound: the point is "not starved", not a benchmark.
    assert.ok(withBroken < alone * 3 + 1_000, `good box slowed from ${alone} ms to ${withBroken} ms`);
  });

  test('a dependsOn cycle fails the boxes naming the cycle; two Katalogs on one kind fail the later one', async () => {
    await applyKatalog(
      katalog('cyclic', {
        x: { apiTypes: api('Alpha'), dependsOn: ['y'] },
        y: { apiTypes: api('Beta'), dependsOn: ['x'] },
      }),
    );
    await eventually('cycle reported', async () =>
      /dependency cycle x -> y -> x/.test((await getKatalog('cyclic')).status?.boxes?.x?.message ?? ''),
    );
    assert.equal(await boxPhase('cyclic', 'x'), 'Failed');
    await applyKatalog(katalog('second-good', { other: { apiTypes: api('Good') } }));
    await eventually('conflict reported', async () => (await boxPhase('second-good', 'other')) === 'Failed');
    assert.match(
      (await getKatalog('second-good')).status?.boxes?.other?.message ?? '',
      /already operated by box good of Katalog iso-good/,
    );
    const k = await getKatalog('second-good');
    assert.equal(k.status?.conditions?.[0]?.reason, 'BoxFailed');
    assert.equal(await boxPhase('iso-good', 'good'), 'Running', 'the first claimant keeps running');
    for (const name of ['cyclic', 'second-good', 'iso-good', 'iso-bad']) {
      await client.request({ method: 'DELETE', path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}` });
    }
  });
});
