// What the caches hold, against the real API server: objects written by kubectl apply (which
// carry managedFields and the last-applied annotation) are cached without either, on list and on
// watch; the root controller's CRD cache holds no schemas.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { LAST_APPLIED_ANNOTATION } from '../controller/kube/cache-transform.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { type Reflector, startReflector } from '../controller/kube/reflector.ts';
import { crdForIndex, crdInfo } from '../controller/root/crd-index.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectlOk, testKubeconfig } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const suffix = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const ns = `lean-cache-${suffix}`;
const group = `lean-${suffix}.e2e.orkestra.io`;
let client: ApiClient;
const reflectors: Reflector[] = [];

function configMapYaml(value: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: ns, annotations: { 'team.example.io/owner': 'web' } },
    data: { value },
  });
}

function assertLean(obj: KubeObject | undefined) {
  assert.ok(obj, 'the object is cached');
  assert.equal(obj.metadata.managedFields, undefined, 'no managedFields in the cache');
  assert.equal(obj.metadata.annotations?.[LAST_APPLIED_ANNOTATION], undefined, 'no last-applied in the cache');
  assert.equal(obj.metadata.annotations?.['team.example.io/owner'], 'web', 'other annotations stay');
}

before(async () => {
  client = createApiClient(loadKubeConfig(testKubeconfig()));
  await kubectlOk(['create', 'namespace', ns]);
});

after(async () => {
  await Promise.all(reflectors.map((r) => r.stop()));
  await kubectlOk(['delete', 'namespace', ns, '--wait=false']);
  await kubectlOk(['delete', 'crd', `leanprobes.${group}`, '--ignore-not-found', '--wait=false']);
  client.close();
});

describe('lean caches', () => {
  test('objects applied with kubectl are cached without managedFields and last-applied', async () => {
    await kubectlOk(['apply', '-f', '-'], configMapYaml('one'));
    const live = await client.request<KubeObject>({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/configmaps/settings`,
    });
    assert.ok(live.metadata.managedFields?.length, 'the API server holds managedFields');
    assert.ok(live.metadata.annotations?.[LAST_APPLIED_ANNOTATION], 'the API server holds last-applied');

    const r = startReflector({
      client,
      resource: { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
      namespace: ns,
    });
    reflectors.push(r);
    await r.waitForSync();
    assertLean(r.cache.get(`${ns}/settings`)); // from the list

    await kubectlOk(['apply', '-f', '-'], configMapYaml('two'));
    const updated = await eventually('the watch to deliver the update', () => {
      const cm = r.cache.get(`${ns}/settings`) as (KubeObject & { data?: { value?: string } }) | undefined;
      return cm?.data?.value === 'two' ? cm : undefined;
    });
    assertLean(updated); // from the watch
  });

  test('the CRD cache keeps what the root controller reads and no schema', async () => {
    const crd = testCrd(group, 'LeanProbe');
    await createCrd(client, crd);
    const r = startReflector({
      client,
      resource: {
        group: 'apiextensions.k8s.io',
        version: 'v1',
        kind: 'CustomResourceDefinition',
        plural: 'customresourcedefinitions',
        namespaced: false,
      },
      transform: crdForIndex,
    });
    reflectors.push(r);
    await r.waitForSync();
    const cached = r.cache.get(crd.metadata.name);
    assert.ok(cached);
    const info = crdInfo(cached);
    assert.deepEqual(
      { kind: info.kind, plural: info.plural, served: info.servedVersions, storage: info.storageVersion },
      { kind: 'LeanProbe', plural: 'leanprobes', served: ['v1'], storage: 'v1' },
    );
    assert.equal(info.established, true);
    assert.equal(info.hasStatusSubresource('v1'), true);
    for (const obj of r.cache.list()) {
      assert.ok(!JSON.stringify(obj).includes('openAPIV3Schema'), `${obj.metadata.name} is cached without its schema`);
      assert.equal(obj.metadata.managedFields, undefined);
    }
  });
});
