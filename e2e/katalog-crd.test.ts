// The Katalog and Komposer CRDs against a real API server: they install, the examples apply,
// kubectl shows columns and docs, and invalid Katalogs are rejected naming the field.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
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

/** A valid one-box Katalog, changed by each case below. */
function katalog(name: string, box: Record<string, unknown>, extraBoxes: Record<string, unknown> = {}) {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name },
    spec: {
      crds: {
        web: {
          apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website', plural: 'websites' },
          ...box,
        },
        ...extraBoxes,
      },
    },
  };
}
const apiTypes = (over: Record<string, unknown>) => ({
  apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website', plural: 'websites', ...over },
});
const reconcile = (r: Record<string, unknown>) => ({ operatorBox: { reconcile: r } });

/** The API server writes map keys as `.web.` in schema errors and `[web].` in CEL errors. */
function fieldPattern(field: string): RegExp {
  const escaped = field.replace(/[.[\]]/g, (ch) => `\\${ch}`).replace('crds\\.web', 'crds(\\.web|\\[web\\])');
  return new RegExp(escaped);
}

interface InvalidCase {
  readonly name: string;
  readonly doc: unknown;
  /** The field the error must name, dotted; map keys may also appear as `crds[web]`. */
  readonly field: string;
  readonly reason: RegExp;
}

const invalid: InvalidCase[] = [
  {
    name: 'workers is a string',
    doc: katalog('bad-workers-type', reconcile({ workers: 'two' })),
    field: 'spec.crds.web.operatorBox.reconcile.workers',
    reason: /expected numeric|must be of type integer/,
  },
  {
    name: 'workers above 50',
    doc: katalog('bad-workers-range', reconcile({ workers: 51 })),
    field: 'spec.crds.web.operatorBox.reconcile.workers',
    reason: /less than or equal to 50/,
  },
  {
    name: 'unknown shorthand kind',
    doc: katalog('bad-kind', reconcile({ onCreate: { daemonSets: [{ name: 'x', image: 'y' }] } })),
    field: 'spec.crds.web.operatorBox.reconcile.onCreate.daemonSets',
    reason: /field not declared in schema/,
  },
  {
    name: 'bad version string',
    doc: katalog('bad-version', apiTypes({ version: 'version1' })),
    field: 'spec.crds.web.apiTypes.version',
    reason: /should match/,
  },
  {
    name: 'dependsOn a missing box',
    doc: katalog('bad-depends', { dependsOn: ['database'] }),
    field: 'spec.crds',
    reason: /every dependsOn entry must name a box of this Katalog/,
  },
  {
    name: 'a box depending on itself',
    doc: katalog('bad-self-depends', { dependsOn: ['web'] }),
    field: 'spec.crds',
    reason: /a box cannot depend on itself/,
  },
  {
    name: 'box name not an RFC 1123 label',
    doc: { ...katalog('bad-box-name', {}), spec: { crds: { Web_Site: apiTypes({}) } } },
    field: 'spec.crds',
    reason: /box names must be lowercase RFC 1123 labels/,
  },
  {
    name: 'plural that is not the plural of kind',
    doc: katalog('bad-plural', apiTypes({ plural: 'databases' })),
    field: 'spec.crds.web.apiTypes.plural',
    reason: /does not look like the plural of kind Website/,
  },
  {
    name: 'resync that is not a duration',
    doc: katalog('bad-resync', reconcile({ resync: 'ten minutes' })),
    field: 'spec.crds.web.operatorBox.reconcile.resync',
    reason: /should match/,
  },
  {
    name: 'unknown condition operator',
    doc: katalog(
      'bad-operator',
      reconcile({
        onCreate: { services: [{ name: 's', port: 80, when: [{ field: 'spec.x', operator: 'bigger', value: 1 }] }] },
      }),
    ),
    field: 'spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0].operator',
    reason: /Unsupported value: "bigger"/,
  },
  {
    name: 'condition with both cel and field',
    doc: katalog(
      'bad-condition',
      reconcile({
        onCreate: { services: [{ name: 's', port: 80, when: [{ field: 'spec.x', cel: 'true', exists: true }] }] },
      }),
    ),
    field: 'spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0]',
    reason: /exactly one of cel or field/,
  },
  {
    name: 'allowed and restricted namespaces together',
    doc: katalog('bad-namespaces', {
      operatorBox: { runtime: { allowedNamespaces: ['a'], restrictedNamespaces: ['b'] } },
    }),
    field: 'spec.crds.web.operatorBox.runtime',
    reason: /not both/,
  },
  {
    name: 'two boxes for one kind',
    doc: katalog('bad-duplicate-kind', {}, { web2: apiTypes({}) }),
    field: 'spec.crds',
    reason: /two boxes of one Katalog operate the same group and kind/,
  },
  {
    name: 'conversion path to itself',
    doc: katalog('bad-conversion', {
      admission: { conversion: { storageVersion: 'v1', paths: [{ from: 'v1', to: 'v1', spec: {} }] } },
    }),
    field: 'spec.crds.web.admission.conversion.paths[0]',
    reason: /two different versions/,
  },
  {
    name: 'webhook failure policy outside the enum',
    doc: katalog('bad-failure-policy', { admission: { webhooks: { failurePolicy: 'Sometimes' } } }),
    field: 'spec.crds.web.admission.webhooks.failurePolicy',
    reason: /Unsupported value: "Sometimes"/,
  },
  {
    name: 'missing apiTypes',
    doc: { ...katalog('bad-missing-api', {}), spec: { crds: { web: { enabled: true } } } },
    field: 'spec.crds.web.apiTypes',
    reason: /Required value/,
  },
];

// A reserved segment in each field path the CRD checks, in each form. (Condition fields are
// refused by the loader instead: see fieldPath in api-types/schema.ts.)
const RESERVED_REASON = /a field path cannot use __proto__, constructor or prototype as a segment/;
for (const word of ['__proto__', 'constructor', 'prototype']) {
  const slug = word.replaceAll('_', '');
  invalid.push(
    {
      name: `mutation field ${word}.polluted`,
      doc: katalog(`bad-mutation-${slug}`, {
        admission: { mutation: { rules: [{ field: `${word}.polluted`, value: 'yes' }] } },
      }),
      field: 'spec.crds.web.admission.mutation.rules[0].field',
      reason: RESERVED_REASON,
    },
    {
      name: `validation field spec.${word}`,
      doc: katalog(`bad-validation-${slug}`, {
        admission: { validation: { rules: [{ field: `spec.${word}`, exists: true, message: 'm' }] } },
      }),
      field: 'spec.crds.web.admission.validation.rules[0].field',
      reason: RESERVED_REASON,
    },
    {
      name: `status field path endpoint.${word}`,
      doc: katalog(`bad-status-${slug}`, {
        operatorBox: { emit: { status: { fields: [{ path: `endpoint.${word}`, value: 'v' }] } } },
      }),
      field: 'spec.crds.web.operatorBox.emit.status.fields[0].path',
      // The status path pattern (letters and digits) already refuses __proto__.
      reason: word === '__proto__' ? /should match/ : RESERVED_REASON,
    },
    {
      name: `forEach field spec["${word}"]`,
      doc: katalog(
        `bad-foreach-${slug}`,
        reconcile({
          onReconcile: { configMaps: [{ name: '{{ .item }}', forEach: { field: `spec["${word}"]` }, data: {} }] },
        }),
      ),
      field: 'spec.crds.web.operatorBox.reconcile.onReconcile.configMaps[0].forEach.field',
      reason: RESERVED_REASON,
    },
  );
}

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
