// What happens to a box's custom resources when the box stops, against the real API server and
// garbage collector: a deleted Katalog with onDelete: Orphan (the default) or a disabled box takes
// Orkestra's finalizers off and leaves resources and children in place, so a later delete does
// not hang in Terminating; onDelete: Delete deletes the resources (their onDelete runs) before
// the Katalog goes; a Failed box keeps the finalizers and says in each resource's status why
// nothing reconciles it. Names carry the process id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { FINALIZER } from '../controller/reconcile/ownership.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const PID = process.pid;
const GROUP = `life${PID}.e2e.orkestra.io`;
const NS = `life-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';
const AUDIT = 'example.com/audit';
const KINDS = ['Keeper', 'Reaper', 'Pauser', 'Faulty'] as const;
type Kind = (typeof KINDS)[number];

type Condition = { type: string; status: string; reason: string; message: string };
type Cr = KubeObject & { status?: { conditions?: Condition[] } };

let client: ApiClient;
let controllerClient: ApiClient;
let controller: InProcessController | undefined;

const plural = (kind: Kind) => `${kind.toLowerCase()}s`;
const crPath = (kind: Kind, name = '') => `/apis/${GROUP}/v1/namespaces/${NS}/${plural(kind)}${name ? `/${name}` : ''}`;
const cmPath = (name: string) => `/api/v1/namespaces/${NS}/configmaps/${name}`;
const get = <T = KubeObject>(path: string) => getOrUndefined<T>(client, path);

/** A box whose resources get a ConfigMap each and, to need Orkestra's finalizer, an onDelete group. */
function box(kind: Kind, extra: Record<string, unknown> = {}, template = '{{ .metadata.name }}') {
  return {
    apiTypes: { group: GROUP, version: 'v1', kind, plural: plural(kind) },
    operatorBox: {
      reconcile: {
        onReconcile: {
          configMaps: [
            { name: '{{ .metadata.name }}-cm', data: { owner: template } },
            { name: '{{ .metadata.name }}-extra', data: { purpose: 'removed by the onDelete group' } },
          ],
        },
        onDelete: { groups: [{ name: 'extras', configMaps: [{ name: '{{ .metadata.name }}-extra' }] }] },
      },
    },
    ...extra,
  };
}

async function applyKatalog(name: string, spec: Record<string, unknown>) {
  await client.request({
    method: 'PATCH',
    path: `${KATALOGS}/${name}`,
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec },
  });
}

async function createCrs(kind: Kind, names: readonly string[]) {
  for (const name of names) {
    await client.request({
      method: 'POST',
      path: crPath(kind),
      body: { apiVersion: `${GROUP}/v1`, kind, metadata: { name, namespace: NS }, spec: {} },
    });
  }
}

/** Waits until every named resource carries `finalizers` and has both its ConfigMaps. */
async function reconciled(kind: Kind, names: readonly string[], finalizers: readonly string[]) {
  await eventually(
    `${kind}s ${names.join(', ')} reconciled with finalizers ${finalizers.join(', ')}`,
    async () => {
      for (const name of names) {
        const o = await get(crPath(kind, name));
        const has = o?.metadata.finalizers ?? [];
        if (!finalizers.every((f) => has.includes(f))) throw new Error(`${name} finalizers: ${has.join(', ')}`);
        if (!(await get(cmPath(`${name}-cm`))) || !(await get(cmPath(`${name}-extra`))))
          throw new Error(`${name}: children not there yet`);
      }
      return true;
    },
    20_000,
  );
}

async function finalizersOf(kind: Kind, name: string): Promise<string[] | undefined> {
  const o = await get(crPath(kind, name));
  return o ? (o.metadata.finalizers ?? []) : undefined;
}

async function deleteIgnoringMissing(path: string) {
  try {
    await client.request({ method: 'DELETE', path });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  for (const kind of KINDS) await createCrd(client, testCrd(GROUP, kind));
  await kubectlOk(['create', 'namespace', NS]);
  controller = startInProcessController(controllerClient);
});

after(async () => {
  await controller?.stop();
  // Whatever a failed assertion left behind: strip every finalizer, then delete.
  for (const kind of KINDS) {
    const list = await get<KubeList>(crPath(kind));
    for (const o of list?.items ?? []) {
      await client
        .request({
          method: 'PATCH',
          path: crPath(kind, o.metadata.name),
          contentType: 'application/merge-patch+json',
          body: { metadata: { finalizers: [] } },
        })
        .catch(() => undefined);
    }
  }
  const katalogs = await get<KubeList>(KATALOGS);
  for (const k of katalogs?.items ?? []) {
    if (!k.metadata.name.startsWith(`life-${PID}-`)) continue;
    await client
      .request({
        method: 'PATCH',
        path: `${KATALOGS}/${k.metadata.name}`,
        contentType: 'application/merge-patch+json',
        body: { metadata: { finalizers: [] } },
      })
      .catch(() => undefined);
    await deleteIgnoringMissing(`${KATALOGS}/${k.metadata.name}`);
  }
  for (const kind of KINDS) {
    await kubectlOk(['delete', 'crd', `${plural(kind)}.${GROUP}`, '--ignore-not-found', '--wait=false']);
  }
  await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  client.close();
  controllerClient.close();
});

describe('custom resources when their box stops', () => {
  test('Katalog deleted with onDelete: Orphan: finalizers released, resources and children stay, a later delete completes', async () => {
    const katalog = `life-${PID}-orphan`;
    const names = ['k1', 'k2', 'k3'];
    await applyKatalog(katalog, { finalizers: [AUDIT], crds: { keeper: box('Keeper') } });
    await createCrs('Keeper', names);
    await reconciled('Keeper', names, [FINALIZER, AUDIT]);

    await client.request({ method: 'DELETE', path: `${KATALOGS}/${katalog}` });
    await eventually('the Katalog gone', async () => (await get(`${KATALOGS}/${katalog}`)) === undefined, 10_000);
    await eventually(
      "Orkestra's and the Katalog's finalizers off every resource",
      async () => {
        for (const name of names) {
          const f = await finalizersOf('Keeper', name);
          if (f === undefined) throw new Error(`${name} is gone: it should have been left in place`);
          if (f.length > 0) throw new Error(`${name} still has ${f.join(', ')}`);
        }
        return true;
      },
      10_000,
    );
    for (const name of names) {
      assert.ok(await get(cmPath(`${name}-cm`)), `${name}-cm left in place`);
      assert.ok(await get(cmPath(`${name}-extra`)), `${name}-extra left in place`);
    }

    // Nothing runs for these resources any more, and nothing holds them: deletes complete at once.
    for (const name of names) await client.request({ method: 'DELETE', path: crPath('Keeper', name) });
    await eventually(
      'every resource deleted (not stuck in Terminating)',
      async () => (await Promise.all(names.map((n) => get(crPath('Keeper', n))))).every((o) => o === undefined),
      5_000,
    );
  });

  test('a disabled box releases its finalizers; enabling it again puts them back', async () => {
    const katalog = `life-${PID}-pause`;
    await applyKatalog(katalog, { crds: { pauser: box('Pauser') } });
    await createCrs('Pauser', ['p1']);
    await reconciled('Pauser', ['p1'], [FINALIZER]);

    await applyKatalog(katalog, { crds: { pauser: box('Pauser', { enabled: false }) } });
    await eventually('p1 without finalizers', async () => (await finalizersOf('Pauser', 'p1'))?.length === 0, 10_000);
    assert.ok(await get(cmPath('p1-cm')), 'children stay while the box is disabled');

    await applyKatalog(katalog, { crds: { pauser: box('Pauser') } });
    await reconciled('Pauser', ['p1'], [FINALIZER]);
    await client.request({ method: 'DELETE', path: crPath('Pauser', 'p1') });
    await eventually('p1 deleted through its finalizer', async () => !(await get(crPath('Pauser', 'p1'))), 10_000);
    await client.request({ method: 'DELETE', path: `${KATALOGS}/${katalog}` });
  });

  test('Katalog deleted with onDelete: Delete: resources deleted with their onDelete, children gone, then the Katalog', async () => {
    const katalog = `life-${PID}-delete`;
    const names = ['r1', 'r2'];
    await applyKatalog(katalog, { onDelete: 'Delete', crds: { reaper: box('Reaper') } });
    await createCrs('Reaper', names);
    await reconciled('Reaper', names, [FINALIZER]);
    await eventually('the Katalog holds Orkestra’s finalizer', async () =>
      (await get(`${KATALOGS}/${katalog}`))?.metadata.finalizers?.includes(FINALIZER),
    );
    const uids = await Promise.all(names.map(async (n) => (await get(crPath('Reaper', n)))?.metadata.uid));

    await client.request({ method: 'DELETE', path: `${KATALOGS}/${katalog}` });
    // Poll both sides at once to see the order in which they go.
    let resourcesGoneAt: number | undefined;
    let katalogGoneAt: number | undefined;
    await eventually(
      'the resources and then the Katalog gone',
      async () => {
        const [k, ...crs] = await Promise.all([
          get(`${KATALOGS}/${katalog}`),
          ...names.map((n) => get(crPath('Reaper', n))),
        ]);
        const now = performance.now();
        if (crs.every((o) => o === undefined)) resourcesGoneAt ??= now;
        if (k === undefined) katalogGoneAt ??= now;
        return resourcesGoneAt !== undefined && katalogGoneAt !== undefined;
      },
      30_000,
      20,
    );
    assert.ok(
      (resourcesGoneAt ?? 0) <= (katalogGoneAt ?? 0),
      'the Katalog went only after its custom resources were gone',
    );
    // The onDelete group ran (its deletions are recorded as Events on each resource) and the
    // garbage collector took the owner-referenced children.
    const events = await get<KubeList<KubeObject & { reason: string; involvedObject: { uid: string } }>>(
      `/api/v1/namespaces/${NS}/events`,
    );
    for (const uid of uids) {
      assert.ok(
        events?.items.some((e) => e.involvedObject.uid === uid && e.reason === 'DeleteGroupDone'),
        `onDelete group done for ${uid}`,
      );
    }
    // The garbage collector may take up to its discovery resync (30 s) to act on a new CRD's objects.
    await eventually(
      'every child gone',
      async () => {
        for (const n of names) if ((await get(cmPath(`${n}-cm`))) || (await get(cmPath(`${n}-extra`)))) return false;
        return true;
      },
      45_000,
    );
  });

  test('a Failed box keeps the finalizers and tells each resource why nothing reconciles it', async () => {
    const katalog = `life-${PID}-failed`;
    await applyKatalog(katalog, { crds: { faulty: box('Faulty') } });
    await createCrs('Faulty', ['f1', 'f2']);
    await reconciled('Faulty', ['f1', 'f2'], [FINALIZER]);

    // A template that does not parse fails the box.
    await applyKatalog(katalog, { crds: { faulty: box('Faulty', {}, '{{ .metadata.name ') } });
    for (const name of ['f1', 'f2']) {
      const o = await eventually(
        `${name} says its box failed`,
        async () => {
          const cr = await get<Cr>(crPath('Faulty', name));
          const ready = cr?.status?.conditions?.find((c) => c.type === 'Ready');
          return ready?.reason === 'BoxFailed' ? cr : undefined;
        },
        10_000,
      );
      const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
      const stalled = o.status?.conditions?.find((c) => c.type === 'Stalled');
      console.log(`# ${name} Ready: ${ready?.message}`);
      assert.equal(ready?.status, 'False');
      assert.match(ready?.message ?? '', /box faulty of Katalog life-\d+-failed is Failed/);
      assert.match(ready?.message ?? '', /spec\.crds\.faulty\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]/);
      assert.equal(stalled?.status, 'True');
      assert.deepEqual(o.metadata.finalizers, [FINALIZER], 'the finalizer stays: the box is expected back');
    }

    // Fixed: the box runs again and its reconcile replaces the BoxFailed status.
    await applyKatalog(katalog, { crds: { faulty: box('Faulty') } });
    await eventually(
      'f1 Ready again',
      async () =>
        (await get<Cr>(crPath('Faulty', 'f1')))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
      10_000,
    );
    for (const name of ['f1', 'f2']) await client.request({ method: 'DELETE', path: crPath('Faulty', name) });
    await eventually(
      'both deleted through the finalizer',
      async () => !(await get(crPath('Faulty', 'f1'))) && !(await get(crPath('Faulty', 'f2'))),
      10_000,
    );
    await client.request({ method: 'DELETE', path: `${KATALOGS}/${katalog}` });
  });
});
