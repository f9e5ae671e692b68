// A box with runtime.allowedNamespaces lists and watches only those namespaces. The controller
// runs as a ServiceAccount that may read the custom resources only in those two namespaces (a
// RoleBinding in each), so any cluster-wide LIST or WATCH would be refused and the box would
// never sync; the request paths it sends are also counted. Names carry the process id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import {
  ensureServiceAccount,
  grantClusterRole,
  revokeClusterRole,
  serviceAccountClient,
} from './support/service-account.ts';
import { eventually } from './support/wait.ts';

const PID = process.pid;
const GROUP = `scoped${PID}.e2e.orkestra.io`;
const ALLOWED = [`scoped-${PID}-a`, `scoped-${PID}-b`];
const OUTSIDE = `scoped-${PID}-c`;
const KATALOG = `scoped-${PID}`;
const CLUSTER_ROLE = `scoped-${PID}-cluster`;
const NS_ROLE = `scoped-${PID}-gadgets`;

type Cr = KubeObject & { status?: { seenBy?: string } };

let admin: ApiClient;
let controllerClient: ApiClient | undefined;
let controller: InProcessController | undefined;
/** method + path (without query) of every request the controller sent for the custom resources. */
const requests: string[] = [];

const crPath = (ns: string, name = '') => `/apis/${GROUP}/v1/namespaces/${ns}/gadgets${name ? `/${name}` : ''}`;

async function applyObject(path: string, body: Record<string, unknown>) {
  await admin.request({
    method: 'PATCH',
    path,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
}

before(async () => {
  admin = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  await createCrd(admin, testCrd(GROUP, 'Gadget'));
  for (const ns of [...ALLOWED, OUTSIDE]) await kubectlOk(['create', 'namespace', ns]);
  const sa = await ensureServiceAccount(admin, ALLOWED[0] as string, 'controller');
  // Cluster-wide: what the root controller needs. The custom resources: only in ALLOWED.
  await grantClusterRole(admin, sa, CLUSTER_ROLE, [
    { apiGroups: ['orkestra.orkspace.io'], resources: ['katalogs', 'katalogs/status'], verbs: ['*'] },
    { apiGroups: ['orkestra.orkspace.io'], resources: ['komposers'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  ]);
  await applyObject(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${NS_ROLE}`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: NS_ROLE },
    rules: [{ apiGroups: [GROUP], resources: ['gadgets', 'gadgets/status'], verbs: ['*'] }],
  });
  for (const ns of ALLOWED) {
    await applyObject(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/${NS_ROLE}`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: NS_ROLE, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NS_ROLE },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }],
    });
  }
  controllerClient = await serviceAccountClient(admin, sa);
  controllerClient.observe((method, path) => {
    if (path.includes(`/apis/${GROUP}/`)) requests.push(`${method} ${path.split('?')[0]}`);
  });
});

after(async () => {
  await controller?.stop();
  controllerClient?.close();
  await revokeClusterRole(admin, CLUSTER_ROLE);
  await admin
    .request({ method: 'DELETE', path: `/apis/rbac.authorization.k8s.io/v1/clusterroles/${NS_ROLE}` })
    .catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  await kubectlOk(['delete', 'katalog', KATALOG, '--ignore-not-found']);
  await kubectlOk(['delete', 'crd', `gadgets.${GROUP}`, '--ignore-not-found', '--wait=false']);
  await kubectlOk(['delete', 'namespace', ...ALLOWED, OUTSIDE, '--ignore-not-found', '--wait=false']);
  admin.close();
});

describe('allowedNamespaces', () => {
  test('the box lists and watches only its allowed namespaces and reconciles only there', async () => {
    await applyObject(`/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`, {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Katalog',
      metadata: { name: KATALOG },
      spec: {
        crds: {
          gadget: {
            apiTypes: { group: GROUP, version: 'v1', kind: 'Gadget', plural: 'gadgets' },
            operatorBox: {
              runtime: { allowedNamespaces: ALLOWED },
              emit: { status: { fields: [{ path: 'seenBy', value: 'gadget box' }] } },
            },
          },
        },
      },
    });
    for (const ns of [...ALLOWED, OUTSIDE]) {
      await admin.request({
        method: 'POST',
        path: crPath(ns),
        body: { apiVersion: `${GROUP}/v1`, kind: 'Gadget', metadata: { name: 'g1', namespace: ns }, spec: {} },
      });
    }
    controller = startInProcessController(controllerClient as ApiClient);

    for (const ns of ALLOWED) {
      await eventually(
        `g1 in ${ns} reconciled`,
        async () => (await getOrUndefined<Cr>(admin, crPath(ns, 'g1')))?.status?.seenBy === 'gadget box',
        15_000,
      );
    }
    // A resource created after the first list arrives through the namespaced watch.
    await admin.request({
      method: 'POST',
      path: crPath(ALLOWED[1] as string),
      body: {
        apiVersion: `${GROUP}/v1`,
        kind: 'Gadget',
        metadata: { name: 'g2', namespace: ALLOWED[1] },
        spec: {},
      },
    });
    await eventually(
      'g2 reconciled through the watch',
      async () =>
        (await getOrUndefined<Cr>(admin, crPath(ALLOWED[1] as string, 'g2')))?.status?.seenBy === 'gadget box',
      10_000,
    );
    const box = controller.root.boxes().get(`${KATALOG}/gadget`);
    assert.equal(box?.status().managed, 3, 'the cache holds the resources of both allowed namespaces');
    assert.equal((await getOrUndefined<Cr>(admin, crPath(OUTSIDE, 'g1')))?.status?.seenBy, undefined);

    const reads = requests.filter((r) => r.startsWith('GET ') || r.startsWith('WATCH '));
    console.log(`# custom resource reads: ${[...new Set(reads)].join(', ')}`);
    for (const ns of ALLOWED) {
      assert.ok(reads.includes(`GET /apis/${GROUP}/v1/namespaces/${ns}/gadgets`), `a LIST in ${ns}`);
      assert.ok(reads.includes(`WATCH /apis/${GROUP}/v1/namespaces/${ns}/gadgets`), `a WATCH in ${ns}`);
    }
    assert.deepEqual(
      reads.filter((r) => r.endsWith(`/apis/${GROUP}/v1/gadgets`)),
      [],
      'no cluster-wide LIST or WATCH',
    );
    assert.ok(!requests.some((r) => r.includes(`/namespaces/${OUTSIDE}/`)), 'nothing sent to the other namespace');
  });
});
