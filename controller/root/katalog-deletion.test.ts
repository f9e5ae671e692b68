import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Katalog } from '../../api-types/katalog.ts';
import { finalizerChange, KATALOG_FINALIZER } from './katalog-deletion.ts';

function katalog(onDelete: 'Orphan' | 'Delete' | undefined, held: boolean, deleting: boolean): Katalog {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: {
      name: 'k',
      finalizers: held ? ['other.example.com/keep', KATALOG_FINALIZER] : ['other.example.com/keep'],
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { crds: {}, ...(onDelete ? { onDelete } : {}) },
  };
}

test('onDelete: Delete holds the finalizer until the resources are drained', () => {
  assert.equal(finalizerChange(katalog('Delete', false, false), false), 'add');
  assert.equal(finalizerChange(katalog('Delete', true, false), false), undefined);
  assert.equal(finalizerChange(katalog('Delete', true, true), false), undefined, 'still draining');
  assert.equal(finalizerChange(katalog('Delete', true, true), true), 'remove');
  assert.equal(finalizerChange(katalog('Delete', false, true), true), undefined, 'nothing left to remove');
});

test('Orphan (explicit or default) holds no finalizer, and gives back one left from an earlier Delete', () => {
  for (const policy of ['Orphan', undefined] as const) {
    assert.equal(finalizerChange(katalog(policy, false, false), false), undefined);
    assert.equal(finalizerChange(katalog(policy, true, false), false), 'remove');
    assert.equal(finalizerChange(katalog(policy, true, true), false), 'remove');
  }
});
