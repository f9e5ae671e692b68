import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedForm } from './stored-form.ts';

test('a Secret with stringData is compared and applied as base64 data', () => {
  const s = storedForm({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'eA==' },
    stringData: { token: 'héllo' },
  });
  assert.deepEqual(s, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    data: { a: 'eA==', token: 'aMOpbGxv' },
  });
});

test('other objects pass through unchanged', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
  assert.equal(storedForm(cm), cm);
});
