// No lost work: the controller runs as a ServiceAccount that may read ConfigMaps but not write
// them, so every reconcile of a box whose children are ConfigMaps fails with 403. With a short
// retry backoff each custom resource fails far more than 15 times (client-go's old give-up
// point) in a few seconds; once the permission is granted every resource converges, with no
// controller restart and no change to the resources. Names carry the process id.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
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
const GROUP = `retry${PID}.e2e.orkestra.io`;
const NS = `retry-${PID}`;
const KATALOG = `retry-${PID}`;
const BASE_ROLE = `retry-${PID}-base`;
const WRITE_ROLE = `retry-${PID}-configmap-writer`;
const NAMES = ['a', 'b', 'c'];
const OLD_GIVE_UP = 15;

type Condition = { type: string; status: string; reason: string };
type Cr = KubeObject & { status?: { conditions?: Condition[] } };

let admin: ApiClient;
let controllerClient: ApiClient | undefined;
let controller: InProcessController | undefined;
/** Refused ConfigMap applies, by ConfigMap name. */
const refused = new Map<string, number>();

before(async () => {
  admin = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  await createCrd(admin, testCrd(GROUP, 'Retrier'));
  await kubectlOk(['create', 'namespace', NS]);
  const sa = await ensureServiceAccount(admin, NS, 'controller');
  // Everything the controller needs, except writing ConfigMaps.
  await grantClusterRole(admin, sa, BASE_ROLE, [
    { apiGroups: ['orkestra.orkspace.io'], resources: ['katalogs', 'katalogs/status'], verbs: ['*'] },
    { apiGroups: ['orkestra.orkspace.io'], resources: ['komposers'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [GROUP], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch', 'update'] },
  ]);
  controllerClient = await serviceAccountClient(admin, sa);
  controllerClient.observe((method, path, status) => {
    const m = new RegExp(`^/api/v1/namespaces/${NS}/configmaps/([^/?]+)`).exec(path);
    if (method === 'PATCH' && status === 403 && m?.[1]) refused.set(m[1], (refused.get(m[1]) ?? 0) + 1);
  });
});

after(async () => {
  for (const name of NAMES) {
    await admin
      .request({ method: 'DELETE', path: `/apis/${GROUP}/v1/namespaces/${NS}/retriers/${name}` })
      .catch(() => undefined);
  }
  await eventually(
    'the custom resources gone',
    async () => {
      for (const name of NAMES) {
        if (await getOrUndefined(admin, `/apis/${GROUP}/v1/namespaces/${NS}/retriers/${name}`)) return false;
      }
      return true;
    },
    20_000,
  ).catch(() => undefined);
  await controller?.stop();
  controllerClient?.close();
  await revokeClusterRole(admin, BASE_ROLE);
  await revokeClusterRole(admin, WRITE_ROLE);
  await kubectlOk(['delete', 'katalog', KATALOG, '--ignore-not-found']);
  await kubectlOk(['delete', 'crd', `retriers.${GROUP}`, '--ignore-not-found', '--wait=false']);
  await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  admin.close();
});

describe('no lost work', () => {
  test('resources refused far more than 15 times converge once the permission is granted, with no restart', async () => {
    await admin.request({
      method: 'PATCH',
      path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
      query: { fieldManager: 'e2e', force: true },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Katalog',
        metadata: { name: KATALOG },
        spec: {
          crds: {
            retrier: {
              apiTypes: { group: GROUP, version: 'v1', kind: 'Retrier', plural: 'retriers' },
              operatorBox: {
                reconcile: {
                  queue: { retryBackoff: { initial: '5ms', max: '100ms' }, qps: 1000, burst: 1000 },
                  onReconcile: { configMaps: [{ name: '{{ .metadata.name }}', data: { from: 'retrier' } }] },
                },
              },
            },
          },
        },
      },
    });
    for (const name of NAMES) {
      await admin.request({
        method: 'POST',
        path: `/apis/${GROUP}/v1/namespaces/${NS}/retriers`,
        body: { apiVersion: `${GROUP}/v1`, kind: 'Retrier', metadata: { name, namespace: NS }, spec: {} },
      });
    }
    controller = startInProcessController(controllerClient as ApiClient);

    const started = performance.now();
    await eventually(
      `every resource refused more than ${OLD_GIVE_UP + 10} times`,
      () => {
        if (NAMES.every((n) => (refused.get(n) ?? 0) > OLD_GIVE_UP + 10)) return true;
        throw new Error(`refused so far: ${NAMES.map((n) => `${n}=${refused.get(n) ?? 0}`).join(', ')}`);
      },
      15_000,
    );
    console.log(
      `# refused applies after ${Math.round(performance.now() - started)} ms: ${NAMES.map((n) => `${n}=${refused.get(n)}`).join(', ')}`,
    );
    const box = await eventually('the box Degraded', async () => {
      const k = await getOrUndefined<KubeObject & { status?: { boxes?: Record<string, { phase: string }> } }>(
        admin,
        `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
      );
      return k?.status?.boxes?.retrier?.phase === 'Degraded' ? k.status.boxes.retrier : undefined;
    });
    assert.equal(box.phase, 'Degraded');

    const sa = { namespace: NS, name: 'controller', username: `system:serviceaccount:${NS}:controller` };
    await grantClusterRole(admin, sa, WRITE_ROLE, [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'patch', 'update', 'delete'] },
    ]);
    const granted = performance.now();
    for (const name of NAMES) {
      await eventually(
        `${name} converged`,
        async () => {
          const cm = await getOrUndefined<KubeObject & { data?: Record<string, string> }>(
            admin,
            `/api/v1/namespaces/${NS}/configmaps/${name}`,
          );
          const cr = await getOrUndefined<Cr>(admin, `/apis/${GROUP}/v1/namespaces/${NS}/retriers/${name}`);
          const ready = cr?.status?.conditions?.find((c) => c.type === 'Ready');
          return cm?.data?.from === 'retrier' && ready?.status === 'True';
        },
        10_000,
      );
    }
    console.log(`# every resource converged ${Math.round(performance.now() - granted)} ms after the grant`);
    await eventually('the box Running again', async () => {
      const k = await getOrUndefined<KubeObject & { status?: { boxes?: Record<string, { phase: string }> } }>(
        admin,
        `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`,
      );
      return k?.status?.boxes?.retrier?.phase === 'Running';
    });
  });
});
