// The declarative reconciler end to end: the example web-platform Katalog turns Website custom
// resources into Deployments, Services, ConfigMaps and ServiceMonitors, corrects drift, prunes,
// reports status, stays silent at steady state and deletes in order. kube-controller-manager
// runs (garbage collector, Deployment → ReplicaSet).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { EventRecorder } from '../controller/kube/events/recorder.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import type { RootController } from '../controller/root/root-controller.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { applyProjectCrds } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const NS = `web-${process.pid}`;
const WEB = '/apis/demo.orkestra.io/v1alpha1';

let client: ApiClient;
let controllerClient: ApiClient;
let controller: RootController;
let events: EventRecorder;
let running: InProcessController;
const writes: string[] = [];

const get = <T = KubeObject>(path: string) => getOrUndefined<T>(client, path);
const website = (name: string) =>
  get<KubeObject & { status?: Record<string, unknown> }>(`${WEB}/namespaces/${NS}/websites/${name}`);
const deployment = (name: string) =>
  get<KubeObject & { spec: { replicas: number } }>(`/apis/apps/v1/namespaces/${NS}/deployments/${name}`);
const service = (name: string) => get(`/api/v1/namespaces/${NS}/services/${name}`);
const configMap = (name: string) => get(`/api/v1/namespaces/${NS}/configmaps/${name}`);

async function applyWebsite(name: string, spec: Record<string, unknown>) {
  await client.request({
    method: 'PATCH',
    path: `${WEB}/namespaces/${NS}/websites/${name}`,
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'demo.orkestra.io/v1alpha1', kind: 'Website', metadata: { name, namespace: NS }, spec },
  });
}
function condition(obj: { status?: Record<string, unknown> } | undefined, type: string) {
  return (
    obj?.status?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined
  )?.find((c) => c.type === type);
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient.observe((method, path) => {
    if (method !== 'GET' && method !== 'WATCH') writes.push(`${method} ${path}`);
  });
  await applyProjectCrds({ examples: true });
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(['apply', '--server-side', '-f', `${root}examples/katalogs/web-platform.yaml`]);
  running = startInProcessController(controllerClient);
  controller = running.root;
  events = running.events;
  await eventually(
    'web-platform boxes Running',
    async () => {
      const k = await get<{ status?: { runningBoxes?: number } }>(
        '/apis/orkestra.orkspace.io/v1alpha1/katalogs/web-platform',
      );
      return k?.status?.runningBoxes === 2;
    },
    15_000,
  );
});

after(async () => {
  await running?.stop();
  await kubectlOk(['delete', 'katalog', 'web-platform', '--ignore-not-found']);
  client?.close();
  controllerClient?.close();
});

describe('Website operator from the example Katalog', () => {
  test('a Website gets a Deployment, Service, ConfigMap and ServiceMonitor with owner references and labels', async () => {
    await applyWebsite('shop', {
      image: 'nginx:1.27',
      replicas: 2,
      port: 8080,
      expose: true,
      monitoring: true,
      message: 'Hi',
    });
    const cr = await eventually('children created', async () => {
      const [d, s, c] = await Promise.all([deployment('shop'), service('shop'), configMap('shop-content')]);
      return d && s && c ? website('shop') : undefined;
    });
    const d = await deployment('shop');
    assert.equal(d?.spec.replicas, 2);
    assert.deepEqual(
      d?.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
      [['Website', 'shop', cr?.metadata.uid, true]],
    );
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(d?.metadata.labels ?? {}).filter(
          ([k]) => k.startsWith('orkestra') || k.startsWith('app.kubernetes.io/managed-by'),
        ),
      ),
      {
        'app.kubernetes.io/managed-by': 'orkestra',
        'orkestra.orkspace.io/katalog': 'web-platform',
        'orkestra.orkspace.io/box': 'website',
        'orkestra.orkspace.io/owner-uid': cr?.metadata.uid,
      },
    );
    const cm = await configMap('shop-content');
    assert.equal((cm?.data as Record<string, string> | undefined)?.['index.html'], '<h1>Hi</h1>');
    const sm = await eventually<KubeObject>('ServiceMonitor', () =>
      get(`/apis/monitoring.coreos.com/v1/namespaces/${NS}/servicemonitors/shop`),
    );
    assert.equal(sm.metadata.ownerReferences?.[0]?.uid, cr?.metadata.uid);
    await eventually('Deployment -> ReplicaSet (kube-controller-manager)', async () => {
      const rs = await get<KubeList>(`/apis/apps/v1/namespaces/${NS}/replicasets`);
      return rs?.items.some((r) =>
        r.metadata.ownerReferences?.some((o) => o.name === 'shop' && o.kind === 'Deployment'),
      );
    });
    const status = await eventually('status written', async () => {
      const w = await website('shop');
      return w?.status?.observedGeneration === w?.metadata.generation ? w : undefined;
    });
    assert.equal(status.status?.url, `http://shop.${NS}.svc`);
    // No kubelet runs here, so the Deployment never becomes Available: Ready=False says why.
    assert.equal(condition(status, 'Ready')?.status, 'False');
    assert.equal(condition(status, 'Ready')?.reason, 'ChildrenNotReady');
    assert.match(condition(status, 'Ready')?.message ?? '', /Deployment shop: 0\/2 replicas available/);
    assert.equal(condition(status, 'Reconciling')?.status, 'True');
    assert.equal(condition(status, 'Stalled')?.status, 'False');
    assert.equal(condition(status, 'ValidationWarning'), undefined, 'the image is pinned');
    const kinds = ((status.status?.children ?? []) as { kind: string; state: string }[]).map((c) => c.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'Service', 'ServiceMonitor']);
  });

  test('changing spec.replicas updates the Deployment and observedGeneration follows', async () => {
    await applyWebsite('shop', {
      image: 'nginx:1.27',
      replicas: 3,
      port: 8080,
      expose: true,
      monitoring: true,
      message: 'Hi',
    });
    await eventually('Deployment scaled to 3', async () => (await deployment('shop'))?.spec.replicas === 3);
    await eventually('observedGeneration follows', async () => {
      const w = await website('shop');
      return w?.status?.observedGeneration === w?.metadata.generation && w?.metadata.generation === 2;
    });
  });

  test('a deleted Service is recreated within 2 s; a hand-edited managed field is reverted', async () => {
    const before = await service('shop');
    await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${NS}/services/shop` });
    const deletedAt = Date.now();
    const recreated = await eventually(
      'Service recreated',
      async () => {
        const s = await service('shop');
        return s && s.metadata.uid !== before?.metadata.uid ? s : undefined;
      },
      2_000,
      20,
    );
    console.log(`# Service recreated ${Date.now() - deletedAt} ms after deletion`);
    assert.ok(recreated);

    await client.request({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${NS}/deployments/shop`,
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 7 } },
    });
    const editedAt = Date.now();
    await eventually('replicas reverted to 3', async () => (await deployment('shop'))?.spec.replicas === 3, 2_000, 20);
    console.log(`# hand edit reverted in ${Date.now() - editedAt} ms`);
  });

  test('expose: false prunes the Service; true creates it again', async () => {
    await applyWebsite('shop', {
      image: 'nginx:1.27',
      replicas: 3,
      port: 8080,
      expose: false,
      monitoring: true,
      message: 'Hi',
    });
    await eventually('Service pruned', async () => (await service('shop')) === undefined);
    assert.ok(await deployment('shop'), 'the Deployment stays');
    await applyWebsite('shop', {
      image: 'nginx:1.27',
      replicas: 3,
      port: 8080,
      expose: true,
      monitoring: true,
      message: 'Hi',
    });
    await eventually('Service back', async () => (await service('shop')) !== undefined);
  });

  test('a template that reads a missing field fails that Website only, naming the path', async () => {
    await applyWebsite('broken', { replicas: 1, port: 8080, expose: false });
    await applyWebsite('fine', { image: 'nginx:1.27', port: 8080, expose: false });
    const broken = await eventually('broken reports the missing field', async () => {
      const w = await website('broken');
      return condition(w, 'Ready')?.reason === 'RenderFailed' ? w : undefined;
    });
    assert.match(condition(broken, 'Ready')?.message ?? '', /deployments\[0\]\.image.*\.spec\.image/);
    assert.equal(condition(broken, 'Stalled')?.status, 'True');
    assert.equal(await deployment('broken'), undefined, 'no child changes for a CR that fails to render');
    await eventually('fine reconciled', async () => (await deployment('fine')) !== undefined);
    await applyWebsite('shop', {
      image: 'nginx:1.27',
      replicas: 4,
      port: 8080,
      expose: true,
      monitoring: true,
      message: 'Hi',
    });
    await eventually('shop still reconciles', async () => (await deployment('shop'))?.spec.replicas === 4);
    const db = await client.request({
      method: 'POST',
      path: `${WEB}/namespaces/${NS}/databases`,
      body: {
        apiVersion: 'demo.orkestra.io/v1alpha1',
        kind: 'Database',
        metadata: { name: 'orders', namespace: NS },
        spec: { engine: 'postgres' },
      },
    });
    assert.ok(db);
    await eventually('the database box reconciles', () => get(`/apis/apps/v1/namespaces/${NS}/statefulsets/orders-db`));
    await events.flush();
    const described = await kubectlOk(['describe', 'website', 'broken', '-n', NS]);
    assert.match(described, /Type:\s+Ready/);
    assert.match(described, /Warning\s+RenderFailed/);
    await kubectlOk(['delete', 'website', 'broken', 'fine', '-n', NS]);
  });

  test('kubectl describe website shows the conditions and the events', async () => {
    await events.flush();
    const out = await kubectlOk(['describe', 'website', 'shop', '-n', NS]);
    assert.match(out, /Type:\s+Ready/);
    assert.match(out, /Type:\s+Reconciling/);
    // The Service was recreated (deleted by hand, then pruned and wanted again): that is news.
    assert.match(out, /Normal\s+ChildCreated\s+.*created Service shop/);
    // The Website's first children are what its creation asked for: no Event.
    assert.doesNotMatch(out, /created Deployment shop/);
    assert.match(out, /Normal\s+ChildPruned\s+.*pruned Service shop/);
  });

  test('200 Websites at steady state: no write requests for 60 s', async () => {
    const N = 200;
    const names = Array.from({ length: N }, (_, i) => `steady-${i}`);
    await Promise.all(names.map((n) => applyWebsite(n, { image: 'nginx:1.27', port: 8080, expose: true })));
    await eventually(
      `${N} Websites converged`,
      async () => {
        const list = await get<KubeList<KubeObject & { status?: Record<string, unknown> }>>(
          `${WEB}/namespaces/${NS}/websites`,
        );
        const steady = list?.items.filter((w) => w.metadata.name.startsWith('steady-')) ?? [];
        return (
          steady.length === N &&
          steady.every(
            (w) =>
              w.status?.observedGeneration === w.metadata.generation &&
              (w.status?.children as unknown[] | undefined)?.length === 3,
          )
        );
      },
      120_000,
      500,
    );
    // Converged means the Deployment controller has caught up too: every Deployment's status
    // reflects its generation and carries an Available condition, so the children's state (and
    // with it the Websites' status) has stopped moving. Then the controller must fall idle.
    await eventually(
      'every Deployment observed by kube-controller-manager',
      async () => {
        const list = await get<
          KubeList<KubeObject & { status?: { observedGeneration?: number; conditions?: { type: string }[] } }>
        >(`/apis/apps/v1/namespaces/${NS}/deployments`);
        const steady = list?.items.filter((d) => d.metadata.name.startsWith('steady-')) ?? [];
        return (
          steady.length === N &&
          steady.every(
            (d) =>
              d.status?.observedGeneration === d.metadata.generation &&
              d.status?.conditions?.some((c) => c.type === 'Available'),
          )
        );
      },
      120_000,
      500,
    );
    await eventually(
      'controller idle for 5 s',
      async () => {
        const before = writes.length;
        await new Promise((r) => setTimeout(r, 5_000));
        return writes.length === before;
      },
      120_000,
      0,
    );
    const start = writes.length;
    const reconcilesBefore = controller.boxes().get('web-platform/website')?.status().reconciles ?? 0;
    await new Promise((r) => setTimeout(r, 60_000)); // the measured window itself, not a wait for a condition
    const during = writes.slice(start);
    const reconciles = (controller.boxes().get('web-platform/website')?.status().reconciles ?? 0) - reconcilesBefore;
    console.log(`# steady state, ${N} Websites: ${during.length} writes and ${reconciles} reconciles in 60 s`);
    assert.deepEqual(during, []);
  });

  test('deleting a Website runs onDelete groups in order, removes every child and the CR', async () => {
    const cr = await website('shop');
    await client.request({ method: 'DELETE', path: `${WEB}/namespaces/${NS}/websites/shop` });
    const deletedAt = Date.now();
    await eventually('Website gone', async () => (await website('shop')) === undefined, 30_000);
    await events.flush();
    const evts = await get<KubeList<KubeObject & { reason: string; message: string; involvedObject: { uid: string } }>>(
      `/api/v1/namespaces/${NS}/events`,
    );
    const mine = (evts?.items ?? [])
      .filter((e) => e.involvedObject.uid === cr?.metadata.uid)
      .map((e) => `${e.reason}: ${e.message}`);
    const frontends = mine.indexOf('DeleteGroupDone: onDelete group frontends done');
    const workloads = mine.indexOf('DeleteGroupDone: onDelete group workloads done');
    assert.ok(frontends >= 0 && workloads > frontends, `groups in order: ${mine.join(' | ')}`);
    await eventually(
      'children gone',
      async () => {
        const [d, s, c, sm] = await Promise.all([
          deployment('shop'),
          service('shop'),
          configMap('shop-content'),
          get(`/apis/monitoring.coreos.com/v1/namespaces/${NS}/servicemonitors/shop`),
        ]);
        if (!d && !s && !c && !sm) {
          console.log(`# Website deleted -> every child gone in ${Date.now() - deletedAt} ms`);
          return true;
        }
        throw new Error(
          `still present: ${[d, s, c, sm]
            .filter((o) => o !== undefined)
            .map((o) => `${o.kind} ${o.metadata.name}`)
            .join(', ')}`,
        );
      },
      45_000,
    );
    await eventually(
      'ReplicaSets of shop gone (garbage collector)',
      async () => {
        const rs = await get<KubeList>(`/apis/apps/v1/namespaces/${NS}/replicasets`);
        return !rs?.items.some((r) => r.metadata.ownerReferences?.some((o) => o.name === 'shop'));
      },
      30_000,
    );
  });
});
