// The Katalog and Komposer CRDs against a real API server: they install, the examples apply,
// kubectl shows columns and docs, and invalid Katalogs are rejected naming the field.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { fieldPattern, invalidKatalogs as invalid, katalog } from './fixtures/invalid-katalogs.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

before(async () => {
  await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
  await kubectlOk(['wait', '--for=condition=Established', '--timeout=30s', '-f', `${root}crds/`]);
});

describe('Katalog and Komposer CRDs', () => {
  test('are Established with short names and the orkestra category', async () => {
    for (const name of ['katalogs.orkestra.orkspace.io', 'komposers.orkestra.orkspace.io']) {
      const crd = JSON.parse(await kubectlOk(['get', 'crd', name, '-o', 'json']));
      const established = crd.status.conditions.find((c: { type: string }) => c.type === 'Established');
      assert.equal(established?.status, 'True', `${name} Established`);
      assert.equal(crd.spec.scope, 'Cluster');
      assert.deepEqual(crd.spec.names.categories, ['orkestra']);
      assert.ok(crd.spec.names.shortNames.length > 0);
      assert.deepEqual(crd.spec.versions[0].subresources, { status: {} });
    }
    const resources = await kubectlOk(['api-resources', '--categories=orkestra', '-o', 'name']);
    assert.match(resources, /katalogs\.orkestra\.orkspace\.io/);
    assert.match(resources, /komposers\.orkestra\.orkspace\.io/);
  });

  test('the example Katalog applies and kubectl get prints BOXES, READY, AGE', async () => {
    await kubectlOk(['apply', '--server-side', '-f', `${root}examples/katalogs/web-platform.yaml`]);
    const table = await kubectlOk(['get', 'katalogs', 'web-platform']);
    assert.match(table.split('\n')[0] ?? '', /^NAME\s+BOXES\s+READY\s+AGE$/);
    assert.match(table, /^web-platform\s/m);
    const wide = await kubectlOk(['get', 'kat', 'web-platform', '-o', 'wide']);
    assert.match(wide.split('\n')[0] ?? '', /^NAME\s+BOXES\s+RUNNING\s+READY\s+REASON\s+AGE$/);
    // Later suites run controllers against this cluster; leave no Katalog claiming example kinds.
    await kubectlOk(['delete', 'katalog', 'web-platform']);
  });

  test('kubectl explain documents spec.crds', async () => {
    const out = await kubectlOk(['explain', 'katalog.spec.crds']);
    assert.match(out, /Operator boxes by name/);
    assert.match(out, /apiTypes\s+<Object> -required-/);
    const deep = await kubectlOk(['explain', 'katalog.spec.crds.operatorBox.reconcile.workers']);
    assert.match(deep, /Concurrent reconciles for this CRD/);
  });

  test('a Komposer with imports and overrides applies', async () => {
    const komposer = {
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Komposer',
      metadata: { name: 'platform-prod' },
      spec: {
        imports: {
          katalogs: ['web-platform'],
          configMaps: [{ namespace: 'platform', name: 'extra', key: 'katalog.yaml' }],
          oci: [{ ref: 'registry.example/patterns/postgres:1.2.0' }],
        },
        crds: { website: { operatorBox: { reconcile: { workers: 8, resync: '30s' } } }, database: { enabled: false } },
      },
    };
    await kubectlOk(['apply', '--server-side', '-f', '-'], stringify(komposer));
    await kubectlOk(['delete', 'komposer', 'platform-prod']);
  });
});

describe('field paths', () => {
  test('quoted keys, and reserved words that are only part of a key, are accepted', async () => {
    const doc = katalog('good-paths', {
      admission: {
        mutation: {
          rules: [
            { field: 'metadata.annotations["a.b/c"]', value: 'x' },
            { field: "metadata.labels['example.prototype.io/tier']", default: 'gold' },
            { field: 'spec.constructorRef', default: 'r' },
          ],
        },
        validation: { rules: [{ field: 'metadata.annotations["a.b/c"]', exists: true, message: 'm' }] },
      },
      operatorBox: {
        reconcile: {
          onReconcile: {
            configMaps: [{ name: '{{ .item }}', forEach: { field: 'spec.items[0]["x.constructor.y"]' }, data: {} }],
          },
        },
        emit: { status: { fields: [{ path: 'endpoint.prototypes', value: 'v' }] } },
      },
    });
    await kubectlOk(['apply', '--server-side', '-f', '-'], stringify(doc));
    await kubectlOk(['delete', 'katalog', 'good-paths']);
  });
});

describe('invalid Katalogs are rejected by the API server, naming the field', () => {
  for (const c of invalid) {
    test(c.name, async () => {
      const r = await kubectl(['apply', '--server-side', '-f', '-'], stringify(c.doc));
      assert.notEqual(r.code, 0, `expected rejection, got: ${r.stdout}`);
      assert.match(r.stderr, fieldPattern(c.field));
      assert.match(r.stderr, c.reason);
      const name = (c.doc as { metadata: { name: string } }).metadata.name;
      const get = await kubectl(['get', 'katalog', name]);
      assert.notEqual(get.code, 0, 'nothing was stored');
    });
  }
});

describe('third-party CRDs', () => {
  test('the Prometheus Operator CRD set (~1 MB) applies server-side and becomes Established', async () => {
    const dir = fileURLToPath(new URL('./fixtures/third-party-crds/', import.meta.url));
    await kubectlOk(['apply', '--server-side', '-f', dir]);
    await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', dir]);
    const names = await kubectlOk(['get', 'crd', '-o', 'name']);
    assert.match(names, /prometheuses\.monitoring\.coreos\.com/);
    assert.match(names, /servicemonitors\.monitoring\.coreos\.com/);
  });
});
