import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import { compileBox } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, type ApiRequest } from '../kube/api-client.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { formatFieldPath } from '../render/path/index.ts';
import { Halt } from './halt.ts';
import {
  applyProblem,
  keptStatusFields,
  type StatusKeyMemory,
  statusFields,
  statusWriteNeeded,
  writeStatus,
} from './status.ts';

const API = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs' };
const WEBS: ResourceRef = { group: 'example.com', version: 'v1', kind: 'Web', plural: 'webs', namespaced: true };
const compile = (fields: Record<string, unknown>[]) =>
  compileBox('web', { apiTypes: API, operatorBox: { emit: { status: { fields } } } } as Box);
const cr = (status: Record<string, unknown> = {}, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Web',
  metadata: { name: 'shop', namespace: 'ns', labels },
  status,
});

test('status fields whose gate holds are rendered; a gate that fails to evaluate halts', () => {
  const box = compile([
    { path: 'phase', value: 'Serving', when: [{ field: 'metadata.labels.serve', equals: 'yes' }] },
    { path: 'endpoint.host', value: '{{ .metadata.name }}.svc' },
    { path: 'count', value: '{{ len .children.configMaps }}', when: [{ cel: 'size(children.configMaps) > 0' }] },
  ]);
  const o = cr({}, { serve: 'yes' });
  const data = { metadata: o.metadata, spec: {}, status: {}, children: { configMaps: [o] } };
  const shown = (fields: ReturnType<typeof statusFields>) =>
    fields.map((f) => ({ path: formatFieldPath(f.path), value: f.value }));
  assert.deepEqual(shown(statusFields(box, o, data)), [
    { path: 'phase', value: 'Serving' },
    { path: 'endpoint.host', value: 'shop.svc' },
    { path: 'count', value: 1 },
  ]);
  assert.deepEqual(
    shown(statusFields(box, cr(), { ...data, children: { configMaps: [] } })).map((f) => f.path),
    ['endpoint.host'],
  );
  const failing = compile([{ path: 'p', value: 'x', when: [{ cel: 'self.spec.a.b == 1' }] }]);
  assert.throws(
    () => statusFields(failing, cr(), data),
    (err: unknown) =>
      err instanceof Halt &&
      err.problem.reason === 'EvaluationError' &&
      err.problem.message.includes('spec.crds.web.operatorBox.emit.status.fields[0].when[0]') &&
      err.problem.message.includes('self.spec.a.b == 1'),
  );
});

test('a status write is needed for a changed field, or a field Orkestra sent before and sends no more', () => {
  const sent = { observedGeneration: 1, note: 'hi' };
  assert.equal(statusWriteNeeded(sent, { ...sent }, new Set(['observedGeneration', 'note'])), false);
  assert.equal(statusWriteNeeded(sent, { ...sent, note: 'old' }, undefined), true, 'a changed value');
  const live = { ...sent, phase: 'Serving', external: 'theirs' };
  assert.equal(statusWriteNeeded(sent, live, new Set(['observedGeneration', 'note', 'phase'])), true, 'phase is stale');
  assert.equal(
    statusWriteNeeded(sent, { ...sent, external: 'theirs' }, new Set(Object.keys(sent))),
    false,
    "others' keys",
  );
  assert.equal(statusWriteNeeded(sent, live, undefined), true, 'unknown ownership: one apply settles it');
});

test('a halted reconcile keeps the live declarative fields it owns', () => {
  const box = compile([{ path: 'endpoint.host', value: 'x' }]);
  const live = { observedGeneration: 1, conditions: [], endpoint: { host: 'h' }, phase: 'Serving', external: 'e' };
  assert.deepEqual(keptStatusFields(live, undefined, box), { endpoint: { host: 'h' } });
  assert.deepEqual(keptStatusFields(live, new Set(['observedGeneration', 'phase', 'endpoint']), box), {
    phase: 'Serving',
    endpoint: { host: 'h' },
  });
  assert.deepEqual(keptStatusFields(undefined, undefined, box), {});
});

test('writeStatus applies the status subresource only when needed and remembers the keys it sent', async () => {
  const requests: ApiRequest[] = [];
  const client = {
    request: async (req: ApiRequest) => {
      requests.push(req);
      return {};
    },
  } as unknown as ApiClient;
  const keys: StatusKeyMemory = new Map();
  const memory = { keys, key: 'k/web/ns/shop' };
  await writeStatus(client, true, cr({ observedGeneration: 1 }), WEBS, { observedGeneration: 1 }, memory);
  assert.equal(requests.length, 0, 'nothing changed');
  assert.deepEqual([...(keys.get(memory.key) ?? [])], ['observedGeneration']);

  await writeStatus(client, true, cr({ observedGeneration: 1 }), WEBS, { observedGeneration: 1, phase: 'Up' }, memory);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]?.path, '/apis/example.com/v1/namespaces/ns/webs/shop/status');
  assert.equal(requests[0]?.contentType, 'application/apply-patch+yaml');
  assert.deepEqual((requests[0]?.body as { status?: unknown } | undefined)?.status, {
    observedGeneration: 1,
    phase: 'Up',
  });

  const live = cr({ observedGeneration: 1, phase: 'Up' });
  await writeStatus(client, true, live, WEBS, { observedGeneration: 1 }, memory);
  assert.equal(requests.length, 2, 'phase was sent before and is not any more: the apply removes it');
  await writeStatus(client, false, live, WEBS, { observedGeneration: 2 }, memory);
  assert.equal(requests.length, 2, 'no status subresource, no status write');
});

test('conflicts and invalid manifests stall; other apply failures retry', () => {
  assert.equal(applyProblem(new ApiError('PATCH', '/x', 409, undefined, 'conflict')).stalled, true);
  assert.equal(applyProblem(new ApiError('PATCH', '/x', 422, undefined, 'invalid')).reason, 'ApplyFailed');
  assert.equal(applyProblem(new ApiError('PATCH', '/x', 422, undefined, 'invalid')).stalled, true);
  assert.equal(applyProblem(new ApiError('PATCH', '/x', 503, undefined, 'unavailable')).stalled, false);
});
