import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Katalog } from '../../api-types/katalog.ts';
import { readDocuments } from '../cli/documents.ts';
import { crdLookup } from '../cli/kinds.ts';
import { renderOffline } from '../cli/render.ts';
import { createCache, labelIndex } from '../kube/cache.ts';
import { OWNER_INDEX, OWNER_UID_LABEL } from '../kube/child-watches.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { type ChildCache, differingFields, redactSecret, renderedChildren } from './rendered-children.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const katalogs = readDocuments([`${root}examples/katalogs/web-platform.yaml`]).map((d) => d.value) as Katalog[];
const lookup = crdLookup(readDocuments([`${root}examples/crds`]).map((d) => d.value));
const website = katalogs[0]?.spec.crds.website;
assert.ok(website, 'the example Katalog has the website box');
const config = { katalog: 'web-platform', name: 'website', box: website };

function cr(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'demo.orkestra.io/v1alpha1',
    kind: 'Website',
    metadata: { name: 'shop', namespace: 'team-a', uid: 'u-1' },
    spec: { image: 'nginx:1.27', ...spec },
  };
}

const RESOURCES: readonly ResourceRef[] = [
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
    namespaced: true,
  },
];

/** Child caches as the controller's shared child watches index them, holding `live`. */
function caches(live: readonly KubeObject[], kinds = RESOURCES): ChildCache[] {
  return kinds.map((resource) => {
    const cache = createCache({ [OWNER_INDEX]: labelIndex(OWNER_UID_LABEL) });
    for (const o of live) if (o.kind === resource.kind) cache.upsert(o);
    return { resource, cache };
  });
}

/** A live copy of a rendered child, as the API server returns it: defaults and status added. */
function asLive(obj: KubeObject, change: (o: KubeObject & Record<string, unknown>) => void = () => {}): KubeObject {
  const live = structuredClone(obj) as KubeObject & Record<string, unknown>;
  live.metadata = { ...live.metadata, uid: `live-${obj.metadata.name}`, resourceVersion: '7' };
  live.status = { observedGeneration: 1 };
  change(live);
  return live;
}

describe('rendered children on the custom resource page', () => {
  test('the same children and manifests as orkestra render, each compared with its live child', () => {
    const resource = cr({ expose: true, monitoring: true, replicas: 2 });
    const offline = renderOffline({ katalogs, cr: resource, lookup });
    const [deployment, service] = offline.children.map((c) => c.object);
    assert.ok(deployment && service);
    const live = [
      asLive(deployment, (o) => {
        (o.spec as { replicas: number }).replicas = 5;
        (o.spec as Record<string, unknown>).progressDeadlineSeconds = 600;
      }),
      asLive(service, (o) => {
        (o.spec as Record<string, unknown>).clusterIP = '10.0.0.7';
      }),
      // Another owner's child in the same cache is not this resource's.
      asLive(service, (o) => {
        o.metadata = { ...o.metadata, name: 'other', labels: { ...o.metadata.labels, [OWNER_UID_LABEL]: 'u-2' } };
      }),
    ];
    const cli = renderOffline({ katalogs, cr: resource, lookup, observed: live.slice(0, 2) });
    const view = renderedChildren(config, resource, caches(live));
    assert.equal(view.problem, '');
    assert.deepEqual(
      view.children.map((c) => `${c.kind}/${c.name}`),
      cli.children.map((c) => `${c.object.kind}/${c.object.metadata.name}`),
    );
    assert.deepEqual(
      view.children.map((c) => c.manifest),
      cli.children.map((c) => stringify(c.object)),
      'each manifest is what orkestra render prints for it',
    );
    assert.deepEqual(
      view.children.map((c) => [c.name, c.sync, c.differs]),
      [
        ['shop', 'differs', ['spec.replicas']],
        ['shop', 'in sync', []],
        ['shop', 'not created yet', []],
        ['shop-content', 'not created yet', []],
      ],
    );
  });

  test('a child kind without a cache halts as the reconciler does, with its reason', () => {
    const view = renderedChildren(config, cr({ monitoring: true }), caches([], RESOURCES.slice(0, 3)));
    assert.deepEqual(view.children, []);
    assert.match(view.problem, /does not serve monitoring\.coreos\.com\/v1 ServiceMonitor/);
  });

  test('a resource its box denies shows the rule instead of children', () => {
    const view = renderedChildren(config, cr({ replicas: 11 }), caches([]));
    assert.deepEqual(view, { children: [], problem: 'denied: at most 10 replicas' });
  });

  test('differing fields: only what the manifest sets, by path', () => {
    assert.deepEqual(
      differingFields({ a: { b: 1, c: [1, { d: 'x' }] } }, { a: { b: 1, c: [1, { d: 'x', e: 2 }] }, f: 3 }),
      [],
    );
    assert.deepEqual(differingFields({ a: { b: 1, c: [1, { d: 'x' }] } }, { a: { b: 2, c: [1, { d: 'y' }] } }), [
      'a.b',
      'a.c[1].d',
    ]);
    assert.deepEqual(differingFields({ m: { 'x.io/hash': 'a' }, l: [1, 2] }, { m: { 'x.io/hash': 'b' }, l: [1] }), [
      'm["x.io/hash"]',
      'l',
    ]);
  });
});

test('a Secret child shows its keys, never its values', () => {
  const box = {
    apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website', plural: 'websites' },
    operatorBox: {
      reconcile: {
        onReconcile: {
          secrets: [{ name: '{{ .metadata.name }}', stringData: { password: '{{ .spec.password }}' } }],
        },
      },
    },
  };
  const secrets: ResourceRef = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
  const view = renderedChildren(
    { katalog: 'k', name: 'website', box: box as never },
    cr({ password: 'hunter2-s3cr3t' }),
    caches([], [secrets]),
  );
  assert.equal(view.problem, '');
  const manifest = view.children[0]?.manifest ?? '';
  assert.match(manifest, /password: \(redacted\)/);
  assert.doesNotMatch(manifest, /hunter2/);
  assert.deepEqual(
    redactSecret({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } } as never),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'b' },
    },
  );
});
