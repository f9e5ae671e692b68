import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileBox } from '../box/compiled-box.ts';
import { convertObject } from './conversion.ts';
import { missingConversionPairs } from './conversion-route.ts';

const box = compileBox('widget', {
  apiTypes: { group: 'demo.io', version: 'v1', kind: 'Widget' },
  admission: {
    conversion: {
      storageVersion: 'v1',
      paths: [
        { from: 'v1alpha1', to: 'v1', spec: { replicas: '{{ .spec.size }}', image: '{{ .spec.image }}' } },
        { from: 'v1', to: 'v1alpha1', spec: { size: '{{ .spec.replicas }}', image: '{{ .spec.image }}' } },
        {
          from: 'v1',
          to: 'v2',
          spec: { scale: { replicas: '{{ .spec.replicas }}' }, image: '{{ .spec.image }}' },
          status: { readyReplicas: '{{ .status.ready }}' },
        },
        {
          from: 'v2',
          to: 'v1',
          spec: { replicas: '{{ .spec.scale.replicas }}', image: '{{ .spec.image }}' },
          status: { ready: '{{ .status.readyReplicas }}' },
        },
      ],
    },
  },
});
const paths = box.conversion;
/** As the objects travel: JSON (fast-check may build null-prototype objects). */
const json = (v: unknown) => JSON.parse(JSON.stringify(v));

const metadata = fc.record(
  {
    name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    namespace: fc.constant('team-a'),
    labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.string({ maxLength: 8 })),
    resourceVersion: fc.nat().map(String),
    generation: fc.integer({ min: 1, max: 100 }),
  },
  { requiredKeys: ['name', 'namespace'] },
);
const alpha = fc.record(
  {
    apiVersion: fc.constant('demo.io/v1alpha1'),
    kind: fc.constant('Widget'),
    metadata,
    spec: fc.record(
      { size: fc.integer({ min: 0, max: 1000 }), image: fc.string({ maxLength: 30 }) },
      { requiredKeys: [] },
    ),
    status: fc.record({ ready: fc.integer({ min: 0, max: 1000 }) }),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

describe('declarative conversion', () => {
  test('v1alpha1 → v1 → v1alpha1 returns the object (metadata untouched, status carried)', () => {
    fc.assert(
      fc.property(alpha, (a) => {
        const b = convertObject(paths, a, 'v1');
        assert.equal(b.apiVersion, 'demo.io/v1');
        assert.deepEqual(json(b.metadata), json(a.metadata));
        assert.equal((b.spec as { replicas?: number }).replicas, a.spec.size);
        assert.deepEqual(json(convertObject(paths, b, 'v1alpha1')), json(a));
      }),
    );
  });

  test('a chain of paths converts v1alpha1 → v2 and back, status by its own templates', () => {
    fc.assert(
      fc.property(alpha, (a) => {
        const c = convertObject(paths, a, 'v2');
        assert.equal(c.apiVersion, 'demo.io/v2');
        assert.equal((c.spec as { scale: { replicas?: number } }).scale.replicas, a.spec.size);
        if (a.status) assert.deepEqual(json(c.status), { readyReplicas: a.status.ready });
        assert.deepEqual(json(convertObject(paths, c, 'v1alpha1')), json(a));
      }),
    );
  });

  test('the same version is returned unchanged; an unreachable one is an error naming the versions', () => {
    const obj = { apiVersion: 'demo.io/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { replicas: 2 } };
    assert.deepEqual(convertObject(paths, obj, 'v1'), obj);
    assert.throws(() => convertObject(paths, obj, 'v3'), /no conversion path from v1 to v3/);
  });

  test('a template error other than a missing field fails the conversion with the path', () => {
    const bad = compileBox('w', {
      apiTypes: { group: 'demo.io', version: 'v1', kind: 'Widget' },
      admission: {
        conversion: {
          storageVersion: 'v1',
          paths: [{ from: 'v1', to: 'v2', spec: { n: '{{ .spec.name | upper }}' } }],
        },
      },
    }).conversion;
    assert.throws(
      () => convertObject(bad, { apiVersion: 'demo.io/v1', kind: 'Widget', spec: { name: 3 } }, 'v2'),
      /spec\.crds\.w\.admission\.conversion\.paths\[0\]\.spec\.n/,
    );
  });

  test('missing pairs among served versions are named, chains count', () => {
    const edges = [
      { from: 'v1alpha1', to: 'v1' },
      { from: 'v1', to: 'v1alpha1' },
      { from: 'v1', to: 'v2' },
    ];
    assert.deepEqual(missingConversionPairs(edges, ['v1alpha1', 'v1']), []);
    assert.deepEqual(missingConversionPairs(edges, ['v1alpha1', 'v1', 'v2']), [
      ['v2', 'v1alpha1'],
      ['v2', 'v1'],
    ]);
  });
});
