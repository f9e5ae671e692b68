import assert from 'node:assert/strict';
import { test } from 'node:test';
import { carriesAll } from './apply.ts';

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
