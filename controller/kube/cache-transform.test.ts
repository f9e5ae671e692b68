import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropBookkeeping, LAST_APPLIED_ANNOTATION } from './cache-transform.ts';
import type { KubeObject } from './object.ts';

function configMap(annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'settings',
      namespace: 'team-a',
      uid: 'u1',
      resourceVersion: '7',
      labels: { app: 'web' },
      ...(annotations ? { annotations } : {}),
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {} } } }],
    },
    data: { a: '1' },
  };
}

test('drops managedFields and the last-applied annotation, keeps every other field', () => {
  const input = configMap({ [LAST_APPLIED_ANNOTATION]: '{"huge":true}', 'orkestra.io/x': 'y' });
  const expected = structuredClone(input);
  delete expected.metadata.managedFields;
  expected.metadata.annotations = { 'orkestra.io/x': 'y' };
  assert.deepEqual(dropBookkeeping(input), expected);
});

test('annotations left empty are removed; objects without either are unchanged', () => {
  assert.equal(dropBookkeeping(configMap({ [LAST_APPLIED_ANNOTATION]: '{}' })).metadata.annotations, undefined);
  const plain: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', annotations: { a: 'b' } } };
  assert.deepEqual(dropBookkeeping(structuredClone(plain)), plain);
});
