import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPLIED_HASH_ANNOTATION, carriesAll, upToDate, withAppliedHash } from './apply.ts';
import type { KubeObject } from './object.ts';

test('a live object with server defaults and extra fields carries the desired fields', () => {
  const desired = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } } };
  const live = {
    metadata: { resourceVersion: '5' },
    spec: {
      replicas: 2,
      strategy: { type: 'RollingUpdate' },
      template: { spec: { containers: [{ name: 'web', image: 'nginx:1', imagePullPolicy: 'IfNotPresent' }] } },
    },
    status: { replicas: 2 },
  };
  assert.equal(carriesAll(desired, live), true);
});

test('a changed value, a missing field or a different list length is drift', () => {
  const desired = { spec: { replicas: 2, ports: [{ port: 80 }] } };
  assert.equal(carriesAll(desired, { spec: { replicas: 3, ports: [{ port: 80 }] } }), false);
  assert.equal(carriesAll(desired, { spec: { ports: [{ port: 80 }] } }), false);
  assert.equal(carriesAll(desired, { spec: { replicas: 2, ports: [{ port: 80 }, { port: 81 }] } }), false);
  assert.equal(carriesAll({ a: '1' }, { a: 1 }), false, 'types matter');
  assert.equal(carriesAll({ a: null }, { a: null }), true);
  assert.equal(carriesAll({ a: { b: 1 } }, { a: [1] }), false);
});

const manifest = (data: Record<string, string>, labels: Record<string, string> = { app: 'web' }): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'ns', labels },
  data,
});
const hashOf = (o: KubeObject) => o.metadata.annotations?.[APPLIED_HASH_ANNOTATION];

test('the applied hash ignores key order and an earlier hash, and changes when a field goes', () => {
  const a = withAppliedHash(manifest({ a: '1', b: '2' }));
  const reordered = withAppliedHash({
    data: { b: '2', a: '1' },
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: a.metadata,
  });
  assert.match(hashOf(a) ?? '', /^[A-Za-z0-9_-]{27}$/);
  assert.equal(hashOf(reordered), hashOf(a), 'same content, same hash (an earlier hash is not hashed)');
  assert.notEqual(hashOf(withAppliedHash(manifest({ a: '1' }))), hashOf(a), 'a removed data key changes the hash');
  assert.notEqual(hashOf(withAppliedHash(manifest({ a: '1', b: '2' }, {}))), hashOf(a), 'a removed label too');
  assert.deepEqual(withAppliedHash(manifest({ a: '1' })).metadata.labels, { app: 'web' }, 'the rest is untouched');
});

test('a live child is up to date only with the same applied hash and every desired field', () => {
  const desired = withAppliedHash(manifest({ a: '1' }));
  const live = (o: KubeObject, extra: Record<string, string> = {}) =>
    ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: '7' },
      data: { ...(o.data as object), ...extra },
    }) as KubeObject;
  assert.equal(upToDate(desired, live(desired, { foreign: 'x' })), true, "other managers' fields do not count");
  // The live child still carries every desired field, but was applied from a manifest with more.
  const before = withAppliedHash(manifest({ a: '1', b: '2' }));
  assert.equal(carriesAll(manifest({ a: '1' }), live(before)), true);
  assert.equal(upToDate(desired, live(before)), false, 'a shrunk manifest must be applied');
  assert.equal(upToDate(desired, { ...live(desired), data: { a: 'edited' } }), false, 'a hand edit is drift');
});

test('the applied hash of a manifest is the one earlier releases recorded, so upgrading re-applies nothing', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n', labels: { b: '2', a: '1' }, annotations: { 'x/y': 'z' } },
    spec: {
      ports: [{ port: 80, targetPort: 8080, name: undefined }, { port: 1.5 }],
      selector: { k: 'v' },
      flag: true,
      none: null,
      list: [],
    },
  } as KubeObject;
  assert.equal(hashOf(withAppliedHash(obj)), 'LUJhekiHbcXP70SdvG6rAlXD3Bs');
});
