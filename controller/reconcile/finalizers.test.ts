import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient, ApiRequest } from '../kube/api-client.ts';
import type { KubeObject } from '../kube/object.ts';
import { ensureFinalizers, missingFinalizers } from './finalizers.ts';
import { FINALIZER } from './ownership.ts';

test("Orkestra's own finalizer only when deletion has work; the others always", () => {
  const wanted = [FINALIZER, 'example.com/cleanup'];
  assert.deepEqual(missingFinalizers([], wanted, false), ['example.com/cleanup']);
  assert.deepEqual(missingFinalizers([], wanted, true), wanted);
  assert.deepEqual(missingFinalizers(['example.com/cleanup', FINALIZER], wanted, true), []);
});

test('missing finalizers are added with a compare-and-swap patch; none missing, no request', async () => {
  const requests: ApiRequest[] = [];
  const client = {
    request: async (req: ApiRequest) => {
      requests.push(req);
      return { patched: true };
    },
  } as unknown as ApiClient;
  const resource = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs', namespaced: true };
  const cr: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Web',
    metadata: { name: 'shop', namespace: 'ns', resourceVersion: '9', finalizers: ['x'] },
  };
  assert.equal(await ensureFinalizers(client, cr, resource, ['x'], true), cr);
  assert.equal(requests.length, 0);
  await ensureFinalizers(client, cr, resource, [FINALIZER, 'x'], true);
  assert.equal(requests[0]?.contentType, 'application/merge-patch+json');
  assert.deepEqual(requests[0]?.body, { metadata: { resourceVersion: '9', finalizers: ['x', FINALIZER] } });
});
