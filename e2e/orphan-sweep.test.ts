// Orkestra removes the children of a custom resource that is gone, without waiting for
// kube-controller-manager's garbage collector: this suite's control plane runs without one, so
// every child that disappears here was deleted by Orkestra. A custom resource deleted while the
// controller runs, a child created for an owner already gone (a reconcile that raced the
// deletion), and custom resources deleted — or deleted and re-created under the same name, or
// every one of them — while no controller ran are all covered; children of live custom resources, and a child whose
// owner reference was taken away (as `--cascade=orphan` does), are left alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import {
  BOX_LABEL,
  KATALOG_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  OWNER_UID_LABEL,
} from '../controller/kube/child-watches.ts';
import type { KubeList, KubeObject } from '../controller/kube/object.ts';
import { type ControlPlane, startControlPlane } from './control-plane/control-plane.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { serverSideApply } from './support/custom-resources.ts';
import { installOrkestraCrds } from './support/shard-fixture.ts';
import { eventually } from './support/wait.ts';

const GROUP = 'sweep.e2e.orkestra.io';
const KIND = 'Site';
const NS = 'default';
const KATALOG = 'sweep';
const BOX = 'site';
const KATALOG_PATH = `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`;

let cp: ControlPlane;
let client: ApiClient;
let controllerClient: ApiClient | undefined;
let running: InProcessController | undefined;

const crPath = (name = '') => `/apis/${GROUP}/v1/namespaces/${NS}/sites${name ? `/${name}` : ''}`;
const cmPath = (name = '') => `/api/v1/namespaces/${NS}/configmaps${name ? `/${name}` : ''}`;
const secretPath = (name: string) => `/api/v1/namespaces/${NS}/secrets/${name}`;
const configMap = (name: string) => getOrUndefined<KubeObject>(client, cmPath(name));

function startController() {
  controllerClient = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  running = startInProcessController(controllerClient);
}

async function stopController() {
  await running?.stop();
  controllerClient?.close();
  running = undefined;
}

async function boxRunning() {
  await eventually(
    'the sweep box Running',
    async () => {
      const k = await getOrUndefined<KubeObject>(client, KATALOG_PATH);
      const status = k?.status as
        | { observedGeneration?: number; boxes?: Record<string, { phase: string }> }
        | undefined;
      return status?.boxes?.[BOX]?.phase === 'Running' && status.observedGeneration === k?.metadata.generation;
    },
    60_000,
  );
}

async function createSite(name: string): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'POST',
    path: crPath(),
    body: { apiVersion: `${GROUP}/v1`, kind: KIND, metadata: { name, namespace: NS }, spec: { value: name } },
  });
}

/** Both children of the site, once they exist and name `uid` as their owner. */
async function childrenOf(name: string, uid: string | undefined): Promise<KubeObject[]> {
  return eventually(
    `the children of Site ${name} (owner ${uid})`,
    async () => {
      const children = await Promise.all([
        configMap(`${name}-config`),
        getOrUndefined<KubeObject>(client, secretPath(`${name}-secret`)),
      ]);
      const owned = children.filter((c): c is KubeObject => c?.metadata.labels?.[OWNER_UID_LABEL] === uid);
      return owned.length === 2 ? owned : undefined;
    },
    30_000,
  );
}

async function gone(name: string) {
  await eventually(
    `the children of Site ${name} removed`,
    async () =>
      (await configMap(`${name}-config`)) === undefined &&
      (await getOrUndefined(client, secretPath(`${name}-secret`))) === undefined,
    30_000,
  );
}

/** A ConfigMap labelled as this box's child of `owner`; with `reference`, it carries the owner reference too. */
function strayChild(name: string, owner: KubeObject, reference: boolean): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: NS,
      labels: {
        [MANAGED_BY_LABEL]: MANAGED_BY,
        [KATALOG_LABEL]: KATALOG,
        [BOX_LABEL]: BOX,
        [OWNER_UID_LABEL]: owner.metadata.uid ?? '',
      },
      ...(reference
        ? {
            ownerReferences: [
              {
                apiVersion: `${GROUP}/v1`,
                kind: KIND,
                name: owner.metadata.name,
                uid: owner.metadata.uid ?? '',
                controller: true,
              },
            ],
          }
        : {}),
    },
    data: { stray: 'true' },
  };
}

before(async () => {
  // No kube-controller-manager: nothing but Orkestra deletes children here.
  cp = await startControlPlane({ controllerManager: false });
  client = createApiClient(loadKubeConfig(cp.kubeconfigPath));
  await installOrkestraCrds(cp.kubeconfigPath);
  await createCrd(client, testCrd(GROUP, KIND), 60_000);
  await serverSideApply(client, KATALOG_PATH, {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name: KATALOG },
    spec: {
      crds: {
        [BOX]: {
          apiTypes: { group: GROUP, version: 'v1', kind: KIND, plural: 'sites' },
          operatorBox: {
            reconcile: {
              onReconcile: {
                configMaps: [{ name: '{{ .metadata.name }}-config', data: { value: '{{ .spec.value }}' } }],
                secrets: [{ name: '{{ .metadata.name }}-secret', stringData: { token: '{{ .spec.value }}' } }],
              },
            },
          },
        },
      },
    },
  });
  startController();
  await boxRunning();
});

after(async () => {
  // The control plane goes whatever failed before: its processes would keep the suite alive.
  try {
    await stopController();
  } finally {
    client?.close();
    await cp?.stop();
  }
});

describe('children of a gone custom resource, with no garbage collector', () => {
  test('a custom resource deleted while the controller runs: Orkestra removes its children, and only its', async () => {
    const [kept, deleted] = await Promise.all([createSite('kept'), createSite('deleted')]);
    const keptChildren = await childrenOf('kept', kept.metadata.uid);
    await childrenOf('deleted', deleted.metadata.uid);

    await client.request({ method: 'DELETE', path: crPath('deleted') });
    await gone('deleted');

    const after = await childrenOf('kept', kept.metadata.uid);
    assert.deepEqual(
      after.map((c) => c.metadata.uid),
      keptChildren.map((c) => c.metadata.uid),
      "the live Site's children are the same objects",
    );
  });

  test('a child created after its owner was deleted (a reconcile racing the deletion) is removed', async () => {
    const owner = await createSite('raced');
    await childrenOf('raced', owner.metadata.uid);
    await client.request({ method: 'DELETE', path: crPath('raced') });
    await gone('raced');

    // Created in this order on one resource, so the sweep that removes the second has seen the first.
    const unreferenced = await client.request<KubeObject>({
      method: 'POST',
      path: cmPath(),
      body: strayChild('raced-unreferenced', owner, false),
    });
    await client.request({ method: 'POST', path: cmPath(), body: strayChild('raced-late', owner, true) });
    await eventually(
      'the late child of the deleted Site removed',
      async () => (await configMap('raced-late')) === undefined,
      30_000,
    );

    const left = await configMap('raced-unreferenced');
    assert.equal(
      left?.metadata.uid,
      unreferenced.metadata.uid,
      'a child without an owner reference is kept (--cascade=orphan)',
    );
    await client.request({ method: 'DELETE', path: cmPath('raced-unreferenced') });
  });

  test('custom resources deleted, or deleted and re-created, while no controller ran: swept at start-up', async () => {
    const [offline, renamed] = await Promise.all([createSite('offline'), createSite('renewed')]);
    await childrenOf('offline', offline.metadata.uid);
    const oldChildren = await childrenOf('renewed', renamed.metadata.uid);

    await stopController();
    try {
      await client.request({ method: 'DELETE', path: crPath('offline') });
      await client.request({ method: 'DELETE', path: crPath('renewed') });
      await eventually(
        'Site renewed deleted',
        async () => (await getOrUndefined(client, crPath('renewed'))) === undefined,
      );
      const renewed = await createSite('renewed');
      // Nothing runs that could remove them: they are orphans now.
      assert.ok(await configMap('offline-config'), "the deleted Site's ConfigMap outlives it while no controller runs");
      assert.ok(await configMap('renewed-config'));

      startController();
      await gone('offline');
      // The re-created Site has both children again, owned by its own UID (re-owned or re-created).
      const children = await childrenOf('renewed', renewed.metadata.uid);
      assert.equal(children.length, 2);
      assert.notEqual(renewed.metadata.uid, renamed.metadata.uid);
      assert.ok(
        children.every((c) => c.metadata.ownerReferences?.every((r) => r.uid === renewed.metadata.uid)),
        `the children name only the new Site as owner (old children: ${oldChildren.map((c) => c.metadata.uid).join(', ')})`,
      );
    } finally {
      if (!running) startController();
    }
  });

  test('every custom resource deleted while no controller ran: swept at start-up with none left to reconcile', async () => {
    const last = await createSite('last');
    await childrenOf('last', last.metadata.uid);

    await stopController();
    try {
      const sites = await client.request<KubeList<KubeObject>>({ method: 'GET', path: crPath() });
      for (const site of sites.items) await client.request({ method: 'DELETE', path: crPath(site.metadata.name) });
      await eventually(
        'no Site left',
        async () => (await client.request<KubeList<KubeObject>>({ method: 'GET', path: crPath() })).items.length === 0,
      );
      assert.ok(await configMap('last-config'), "the deleted Site's ConfigMap outlives it while no controller runs");
      startController();
      await eventually(
        "no child of the box's left",
        async () => {
          const left = await client.request<KubeList<KubeObject>>({
            method: 'GET',
            path: cmPath(),
            query: { labelSelector: `${BOX_LABEL}=${BOX}` },
          });
          return left.items.length === 0 || undefined;
        },
        30_000,
      );
      await gone('last');
    } finally {
      if (!running) startController();
    }
  });
});
