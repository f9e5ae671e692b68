// Discovery against a scripted API client: a kind that is not served resolves to undefined, and a
// waiter hears when it becomes served after its group-version was invalidated (the root controller
// reports CRD changes), including when the discovery document lags behind the CRD for a moment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ApiClient, ApiError, type ApiRequest } from './api-client.ts';
import { createDiscovery } from './discovery.ts';

const GV = 'parts.example.io/v1';
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'parts.parts.example.io' },
  spec: { group: 'parts.example.io', versions: [{ name: 'v1' }] },
};

/** Serves the group-version once `served` is true and `lag` more fetches have passed. */
function client(state: { served: boolean; lag: number; fetches: number }): ApiClient {
  return {
    server: 'https://fake',
    async request<T>(req: ApiRequest): Promise<T> {
      assert.equal(req.path, `/apis/${GV}`);
      state.fetches++;
      if (!state.served || state.lag-- > 0) throw new ApiError('GET', req.path, 404, undefined, 'not found');
      return { resources: [{ name: 'parts', kind: 'Part', namespaced: true }] } as T;
    },
    async stream() {},
    observe() {},
    openStreams: () => [],
    close() {},
  };
}

test('a kind not served resolves to undefined; a waiter hears once its CRD makes it served', async () => {
  const state = { served: false, lag: 2, fetches: 0 };
  const discovery = createDiscovery(client(state), { recheckMs: 5 });
  assert.equal(await discovery.resolve(GV, 'Part'), undefined);
  let served = 0;
  discovery.whenServed(GV, 'Part', () => served++);

  discovery.crdChanged(crd); // created, not yet served: the waiter keeps waiting
  state.served = true; // now served, but the document still lags for two fetches
  discovery.crdChanged(crd);
  const deadline = Date.now() + 2_000;
  while (served === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(served, 1, 'the waiter was told exactly once');
  assert.deepEqual(await discovery.resolve(GV, 'Part'), {
    group: 'parts.example.io',
    version: 'v1',
    kind: 'Part',
    plural: 'parts',
    namespaced: true,
  });
  discovery.crdChanged(crd);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(served, 1, 'a served waiter is not told again');
});

test('a cancelled waiter is not told, and nothing is fetched for a group-version nobody waits on', async () => {
  const state = { served: true, lag: 0, fetches: 0 };
  const discovery = createDiscovery(client(state), { recheckMs: 5 });
  let served = 0;
  const cancel = discovery.whenServed(GV, 'Part', () => served++);
  cancel();
  discovery.crdChanged(crd);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(served, 0);
  assert.equal(state.fetches, 0);
});
