import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../object.ts';
import { eventName, eventNamespace, kubeTime, objectReference, truncateMessage } from './core-event.ts';

const configMap = (name = 'cm', uid = 'u-1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid, resourceVersion: '42' },
});

const namespaceObject: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', uid: 'u-ns' } };

// Lets queued microtasks and promise continuations run; never waits for time to pass.

describe('event helpers', () => {
  test('cluster-scoped objects report into default', () => {
    assert.equal(eventNamespace({ namespace: 'ns' }), 'ns');
    assert.equal(eventNamespace({}), 'default');
    assert.equal(eventNamespace({ namespace: '' }), 'default');
  });

  test('names are <object>.<hex unix nanos> and stay within 253 characters', () => {
    assert.equal(eventName('cm', 0x17979cfe362a0000n), 'cm.17979cfe362a0000');
    assert.equal(eventName('cm', 255n), 'cm.ff');
    const long = eventName('x'.repeat(253), 255n);
    assert.equal(long.length, 253);
    assert.ok(long.endsWith('.ff'));
  });

  test('messages are cut to 1024 UTF-8 bytes without splitting a character', () => {
    assert.equal(truncateMessage('short'), 'short');
    assert.equal(truncateMessage('a'.repeat(2000)).length, 1024);
    const emoji = truncateMessage('😀'.repeat(300)); // 4 bytes each
    assert.equal(Buffer.byteLength(emoji), 1024);
    assert.equal(emoji, '😀'.repeat(256));
    const mixed = truncateMessage(`a${'é'.repeat(600)}`); // 1 + 2n bytes
    assert.equal(Buffer.byteLength(mixed), 1023);
    assert.ok(!mixed.includes('\uFFFD'));
  });

  test('timestamps are RFC 3339 with whole seconds', () => {
    assert.equal(kubeTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05Z');
  });

  test('the object reference carries identity and resourceVersion, no empty namespace', () => {
    assert.deepEqual(objectReference(configMap()), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'cm',
      namespace: 'ns',
      uid: 'u-1',
      resourceVersion: '42',
    });
    assert.deepEqual(objectReference(namespaceObject), {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: 'team-a',
      uid: 'u-ns',
    });
  });
});
