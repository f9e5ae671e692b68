import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, type ApiRequest } from '../kube/api-client.ts';
import type { Discovery } from '../kube/discovery.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { type DeletionArgs, deleteCustomResource } from './deletion.ts';
import { FINALIZER } from './ownership.ts';

const API = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' };
const WEBS: ResourceRef = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs', namespaced: true };
const CONFIGMAPS: ResourceRef = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true };
const discovery = { resolve: async () => CONFIGMAPS } as unknown as Discovery;

/** Records requests; GETs of `present` paths succeed, other GETs and DELETEs of absent objects 404. */
function recordingClient(present: Set<string>) {
  const requests: ApiRequest[] = [];
  const client = {
    request: async (req: ApiRequest) => {
      requests.push(req);
      if ((req.method === 'GET' || req.method === 'DELETE') && !present.has(req.path)) {
        throw new ApiError(req.method, req.path, 404, undefined, 'not found');
      }
      return {};
    },
  } as unknown as ApiClient;
  return { client, requests };
}

function args(client: ApiClient, finalizers: string[], children: KubeObject[] = []) {
  const compiled = compileBox('web', {
    apiTypes: API,
    operatorBox: {
      reconcile: {
        onDelete: {
          ordered: true,
          timeout: '1m',
          groups: [{ name: 'data', configMaps: [{ name: '{{ .metadata.name }}-db' }] }],
        },
      },
    },
  } as unknown as Box);
  const object: KubeObject = {
    apiVersion: 'example.com/v1',
    kind: 'Web',
    metadata: { name: 'shop', namespace: 'ns', uid: 'u1', finalizers, deletionTimestamp: 'now' },
  };
  const events: string[] = [];
  const statuses: Record<string, unknown>[] = [];
  const a: DeletionArgs = {
    client,
    discovery,
    compiled,
    owner: { katalog: 'k', box: 'web', object },
    children,
    resource: WEBS,
    emit: (type, reason, message) => events.push(`${type} ${reason}: ${message}`),
    writeStatus: async (s) => void statuses.push(s),
    progress: new Map(),
  };
  return { a, events, statuses };
}

test('without Orkestra finalizer there is nothing to do', async () => {
  const { client, requests } = recordingClient(new Set());
  assert.equal(await deleteCustomResource(args(client, ['other']).a), undefined);
  assert.equal(requests.length, 0);
});

test('an ordered group waits for its objects to be gone, reporting Deleting in status', async () => {
  const db = '/api/v1/namespaces/ns/configmaps/shop-db';
  const { client, requests } = recordingClient(new Set([db]));
  const { a, events, statuses } = args(client, [FINALIZER]);
  assert.deepEqual(await deleteCustomResource(a), { requeueAfterMs: 500 });
  assert.deepEqual(
    requests.map((r) => `${r.method} ${r.path}`),
    [`DELETE ${db}`, `GET ${db}`],
  );
  assert.deepEqual(events, ['Normal ChildDeleted: onDelete group data: deleted ConfigMap shop-db']);
  const ready = (statuses[0]?.conditions as { type: string; reason: string }[] | undefined)?.find(
    (c) => c.type === 'Ready',
  );
  assert.equal(ready?.reason, 'Deleting');
});

test('once groups are done, children the garbage collector cannot reach go, then the finalizer', async () => {
  const remote = '/api/v1/namespaces/other/configmaps/shop-remote';
  const { client, requests } = recordingClient(new Set([remote]));
  const children: KubeObject[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-remote', namespace: 'other' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shop-local', namespace: 'ns', ownerReferences: [{ uid: 'u1' } as never] },
    },
  ];
  const { a, events } = args(client, ['x', FINALIZER], children);
  assert.equal(await deleteCustomResource(a), undefined);
  const calls = requests.map((r) => `${r.method} ${r.path}`);
  assert.ok(calls.includes(`DELETE ${remote}`), 'the child in another namespace is deleted explicitly');
  assert.ok(!calls.some((c) => c.includes('shop-local')), 'the owner-referenced child is left to the GC');
  const release = requests.at(-1);
  assert.equal(release?.contentType, 'application/json-patch+json');
  assert.deepEqual(release?.body, [
    { op: 'test', path: '/metadata/finalizers/1', value: FINALIZER },
    { op: 'remove', path: '/metadata/finalizers/1' },
  ]);
  assert.ok(events.includes('Normal DeleteGroupDone: onDelete group data done'));
  assert.equal(a.progress.size, 0, 'progress is forgotten');
});
