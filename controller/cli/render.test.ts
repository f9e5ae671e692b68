import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Katalog } from '../../api-types/katalog.ts';
import type { KubeObject } from '../kube/object.ts';
import { readDocuments } from './documents.ts';
import { crdLookup } from './kinds.ts';
import { renderOffline } from './render.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const katalogs = readDocuments([`${root}examples/katalogs/web-platform.yaml`]).map((d) => d.value) as Katalog[];
const lookup = crdLookup(readDocuments([`${root}examples/crds`]).map((d) => d.value));

function website(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'demo.orkestra.io/v1alpha1',
    kind: 'Website',
    metadata: { name: 'shop', namespace: 'team-a', uid: 'u-1' },
    spec: { image: 'nginx:1.27', ...spec },
  };
}

describe('orkestra render (offline)', () => {
  test('children in apply order, with the labels and owner reference the controller sets', () => {
    const r = renderOffline({ katalogs, cr: website({ expose: true, monitoring: true }), lookup });
    assert.equal(r.box.name, 'website');
    assert.deepEqual(
      r.children.map((c) => `${c.object.kind}/${c.object.metadata.name}`),
      ['Deployment/shop', 'Service/shop', 'ServiceMonitor/shop', 'ConfigMap/shop-content'],
    );
    const deployment = r.children[0]?.object;
    assert.deepEqual(deployment?.metadata.labels, {
      'app.kubernetes.io/managed-by': 'orkestra',
      'orkestra.orkspace.io/katalog': 'web-platform',
      'orkestra.orkspace.io/box': 'website',
      'orkestra.orkspace.io/owner-uid': 'u-1',
    });
    assert.deepEqual(deployment?.metadata.ownerReferences, [
      {
        apiVersion: 'demo.orkestra.io/v1alpha1',
        kind: 'Website',
        name: 'shop',
        uid: 'u-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    // The ServiceMonitor's resource comes from its CRD among the inputs.
    assert.equal(r.children[2]?.resource.plural, 'servicemonitors');
  });

  test('admission mutation runs first: the defaulted port reaches the Deployment', () => {
    const r = renderOffline({ katalogs, cr: website({}), lookup });
    const spec = r.children[0]?.object.spec as { template: { spec: { containers: { ports: unknown[] }[] } } };
    const containers = spec.template.spec.containers;
    assert.deepEqual(containers[0]?.ports, [{ containerPort: 8080 }]);
    assert.deepEqual(r.warnings, []);
  });

  test('status fields, and warnings of warn rules', () => {
    const r = renderOffline({ katalogs, cr: website({ image: 'nginx' }), lookup });
    assert.deepEqual(r.status, { url: 'http://shop.team-a.svc' });
    assert.deepEqual(r.warnings, ['pin an image tag']);
  });

  test('a resource its box denies is an error naming the rule', () => {
    assert.throws(
      () => renderOffline({ katalogs, cr: website({ replicas: 11 }), lookup }),
      /denied by box website: at most 10 replicas/,
    );
  });

  test('a kind no box operates asks for --box', () => {
    const cr = { ...website({}), kind: 'Blog' };
    assert.throws(() => renderOffline({ katalogs, cr, lookup }), /no box operates Blog.demo.orkestra.io.*--box/);
  });

  test('templates and gates see observed children keyed as the controller keys them', () => {
    const box = {
      apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website' },
      operatorBox: {
        reconcile: {
          onReconcile: {
            deployments: [{ name: 'web', image: 'nginx:1' }],
            configMaps: [
              {
                name: 'count',
                data: { deployments: '{{ len .children.deployments }}' },
                when: [{ cel: 'children.deployments.size() >= 0' }],
              },
            ],
          },
        },
      },
    };
    const k = { ...katalogs[0], spec: { crds: { website: box } } } as Katalog;
    const count = (observed: KubeObject[]) =>
      renderOffline({ katalogs: [k], cr: website({}), lookup, observed }).children[1]?.object.data;
    assert.deepEqual(count([]), { deployments: '0' });
    const live = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team-a' } };
    assert.deepEqual(count([live]), { deployments: '1' });
  });
});
