import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readDocuments } from './documents.ts';
import { crdLookup } from './kinds.ts';
import { generateRules, type PolicyRule, rbacObjects } from './rbac.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = readDocuments([`${root}examples/katalogs/web-platform.yaml`]).map((d) => d.value);
const lookup = crdLookup(readDocuments([`${root}examples/crds`]).map((d) => d.value));

/** `group/resource` → verbs, over all rules. */
function grants(rules: readonly PolicyRule[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rules) {
    for (const g of r.apiGroups) {
      for (const res of r.resources) {
        const key = `${g}/${res}`;
        out.set(key, new Set([...(out.get(key) ?? []), ...r.verbs]));
      }
    }
  }
  return out;
}
const verbs = (m: Map<string, Set<string>>, key: string) => [...(m.get(key) ?? [])].sort();

function katalog(box: Record<string, unknown>) {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name: 'k' },
    spec: { crds: { web: { apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website' }, ...box } } },
  };
}

describe('orkestra rbac', () => {
  test('the example Katalog: its custom resources, its child kinds, nothing else', () => {
    const g = grants(generateRules(example, lookup).clusterRules);
    assert.deepEqual(verbs(g, 'demo.orkestra.io/websites'), ['get', 'list', 'patch', 'watch']);
    assert.deepEqual(verbs(g, 'demo.orkestra.io/websites/status'), ['patch']);
    assert.deepEqual(verbs(g, 'demo.orkestra.io/databases/finalizers'), ['update']);
    for (const child of [
      'apps/deployments',
      'apps/statefulsets',
      '/services',
      '/configmaps',
      '/persistentvolumeclaims',
    ]) {
      assert.deepEqual(verbs(g, child), ['create', 'delete', 'get', 'list', 'patch', 'watch'], child);
    }
    // The ServiceMonitor's resource name comes from its CRD.
    assert.deepEqual(verbs(g, 'monitoring.coreos.com/servicemonitors'), [
      'create',
      'delete',
      'get',
      'list',
      'patch',
      'watch',
    ]);
    assert.deepEqual(verbs(g, '/events'), ['create', 'patch']);
    assert.equal(g.has('/secrets'), false);
    assert.equal(g.has('batch/jobs'), false);
    // The website box has admission rules.
    assert.deepEqual(verbs(g, 'admissionregistration.k8s.io/validatingwebhookconfigurations').includes('create'), true);
  });

  test('no admission rules, no webhook configurations; disabled boxes grant nothing', () => {
    const g = grants(generateRules([katalog({})], lookup).clusterRules);
    assert.equal(g.has('admissionregistration.k8s.io/validatingwebhookconfigurations'), false);
    const off = grants(generateRules([katalog({ enabled: false })], lookup).clusterRules);
    assert.equal(off.has('demo.orkestra.io/websites'), false);
  });

  test('allowedNamespaces: reads cluster-wide, writes through a Role per namespace', () => {
    const doc = katalog({
      operatorBox: {
        runtime: { allowedNamespaces: ['team-a', 'team-b'] },
        reconcile: { onCreate: { configMaps: [{ name: 'x', data: {} }] } },
      },
    });
    const generated = generateRules([doc], lookup);
    const cluster = grants(generated.clusterRules);
    assert.deepEqual(verbs(cluster, '/configmaps'), ['get', 'list', 'watch']);
    assert.deepEqual(verbs(cluster, 'demo.orkestra.io/websites'), ['get', 'list', 'watch']);
    assert.deepEqual(Object.keys(generated.namespaceRules), ['team-a', 'team-b']);
    const teamA = grants(generated.namespaceRules['team-a'] ?? []);
    assert.deepEqual(verbs(teamA, '/configmaps'), ['create', 'delete', 'patch']);
    assert.deepEqual(verbs(teamA, 'demo.orkestra.io/websites/status'), ['patch']);

    const objects = rbacObjects(generated, {
      name: 'ork',
      serviceAccount: { namespace: 'ork-system', name: 'ork' },
      leaseNamespace: 'ork-system',
    });
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}`),
      [
        'ClusterRole/',
        'ClusterRoleBinding/',
        'Role/team-a',
        'RoleBinding/team-a',
        'Role/team-b',
        'RoleBinding/team-b',
        'Role/ork-system',
        'RoleBinding/ork-system',
      ],
    );
    assert.deepEqual(objects[1]?.subjects, [{ kind: 'ServiceAccount', namespace: 'ork-system', name: 'ork' }]);
  });

  test('a Komposer grants its imported Katalogs with its overrides', () => {
    const komposer = {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Komposer',
      metadata: { name: 'p' },
      spec: { imports: { katalogs: ['web-platform'] }, crds: { database: { enabled: false } } },
    };
    const g = grants(generateRules([...example, komposer], lookup).clusterRules);
    assert.equal(g.has('demo.orkestra.io/websites'), true);
    assert.equal(g.has('demo.orkestra.io/databases'), false);
    assert.equal(g.has('apps/statefulsets'), false);
  });
});
