import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { Komposer } from '../../api-types/komposer.ts';
import { compose, type ResolvedImport } from './komposition.ts';

const box = (kind: string, workers = 2): Box =>
  ({
    apiTypes: { group: 'demo.example.io', version: 'v1', kind },
    operatorBox: { reconcile: { workers, resync: '10m' } },
  }) as Box;

const katalog = (name: string, crds: Record<string, Box>, finalizers?: string[]): Katalog => ({
  apiVersion: 'orkestra.orkspace.io/v1alpha1',
  kind: 'Katalog',
  metadata: { name },
  spec: { crds, finalizers },
});

const komposer = (crds?: Komposer['spec']['crds']): Komposer => ({
  apiVersion: 'orkestra.orkspace.io/v1alpha1',
  kind: 'Komposer',
  metadata: { name: 'platform', uid: 'u1', generation: 3 },
  spec: { imports: {}, crds },
});

const imp = (kind: ResolvedImport['kind'], name: string, doc?: Katalog): ResolvedImport => ({
  kind,
  name,
  document: doc,
});

test('imports compose in order and overrides merge field by field', () => {
  const c = compose(
    komposer({ website: { operatorBox: { reconcile: { workers: 8 } } }, database: { enabled: false } }),
    [
      imp('Katalog', 'web', katalog('web', { website: box('Website') }, ['a.example/f'])),
      imp('OCI', 'r.example/db:1', katalog('db', { database: box('Database') })),
    ],
  );
  assert.equal(c.katalog.metadata.name, 'platform');
  assert.deepEqual(c.katalog.spec.crds.website?.operatorBox?.reconcile, { workers: 8, resync: '10m' });
  assert.equal(c.katalog.spec.crds.database?.enabled, false);
  assert.deepEqual(Object.fromEntries(c.sources), { website: 'Katalog web', database: 'OCI r.example/db:1' });
  assert.deepEqual(c.katalog.spec.finalizers, ['a.example/f']);
  assert.deepEqual(c.composedKatalogs, ['web']);
  assert.equal(c.failures.size, 0);
});

test('the same box name from two imports fails that box, naming both sources; the others stay', () => {
  const c = compose(komposer(), [
    imp('Katalog', 'web', katalog('web', { website: box('Website'), cache: box('Cache') })),
    imp('ConfigMap', 'platform/extra/katalog.yaml', katalog('extra', { website: box('Site') })),
  ]);
  assert.match(
    c.failures.get('website') ?? '',
    /box website is declared by both Katalog web and ConfigMap platform\/extra\/katalog\.yaml/,
  );
  assert.equal(c.failures.has('cache'), false);
});

test('two boxes for one kind: the later one fails, naming both boxes and sources', () => {
  const c = compose(komposer(), [
    imp('Katalog', 'a', katalog('a', { site: box('Website') })),
    imp('Katalog', 'b', katalog('b', { web: box('Website') })),
  ]);
  assert.equal(c.failures.has('site'), false);
  assert.match(
    c.failures.get('web') ?? '',
    /box web \(Katalog b\) and box site \(Katalog a\) both operate Website\.demo\.example\.io/,
  );
});

test('an override for a box no import declares is a failure; a full box in overrides is added', () => {
  const c = compose(komposer({ ghost: { enabled: false }, extra: box('Extra') as never }), [
    imp('Katalog', 'a', katalog('a', { site: box('Website') })),
  ]);
  assert.match(c.failures.get('ghost') ?? '', /spec\.crds\.ghost: overrides a box no import declares/);
  assert.equal(c.sources.get('extra'), 'override');
});

test('an import without a document (not resolved, invalid) contributes nothing', () => {
  const c = compose(komposer(), [{ kind: 'OCI', name: 'r.example/x:1', document: undefined, error: 'down' }]);
  assert.deepEqual(c.katalog.spec.crds, {});
});
