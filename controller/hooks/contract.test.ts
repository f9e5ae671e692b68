import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkResponse, observedChildren, requeueAfterMs } from './contract.ts';

const cm = (name: string, namespace?: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});

describe('hook contract', () => {
  test("observed children are keyed Kind.apiVersion then name, every declared kind present (Metacontroller's shape)", () => {
    const declared = [
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
    ];
    assert.deepEqual(observedChildren('ns', declared, [cm('a', 'ns'), cm('b', 'other')]), {
      'ConfigMap.v1': { a: cm('a', 'ns'), 'other/b': cm('b', 'other') },
      'Deployment.apps/v1': {},
    });
  });

  test('a response may omit everything, or send nulls as Metacontroller hooks do', () => {
    assert.deepEqual(checkResponse({}), { response: {} });
    assert.deepEqual(checkResponse({ children: null, status: null }), { response: { children: null, status: null } });
  });

  test('a response breaking the schema names the path', () => {
    assert.deepEqual(checkResponse({ finalized: 'yes' }), { invalid: 'response.finalized must be boolean' });
    assert.deepEqual(checkResponse({ children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }] }), {
      invalid: "response.children.0.metadata must have required property 'name'",
    });
    assert.deepEqual(checkResponse([]), { invalid: 'response must be object' });
  });

  test("requeueAfterSeconds, or Metacontroller's resyncAfterSeconds, in milliseconds", () => {
    assert.equal(requeueAfterMs({ requeueAfterSeconds: 1.5 }), 1500);
    assert.equal(requeueAfterMs({ resyncAfterSeconds: 2 }), 2000);
    assert.equal(requeueAfterMs({ resyncAfterSeconds: 0 }), undefined);
    assert.equal(requeueAfterMs({}), undefined);
  });
});
