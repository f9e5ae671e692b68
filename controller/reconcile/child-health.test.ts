import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childHealth } from './child-health.ts';

const meta = { name: 'x', generation: 2 };

test('a Deployment is ready when Available with enough replicas and the latest generation observed', () => {
  const d = (status: object) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: { replicas: 2 },
    status,
  });
  assert.deepEqual(
    childHealth(
      d({ observedGeneration: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }] }),
    ),
    { ready: true },
  );
  const notYet = childHealth(
    d({
      observedGeneration: 2,
      availableReplicas: 0,
      conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'no pods' }],
    }),
  );
  assert.equal(notYet.ready, false);
  assert.match(notYet.reason ?? '', /0\/2 replicas available; Available=False \(MinimumReplicasUnavailable\): no pods/);
  assert.match(childHealth(d({ observedGeneration: 1 })).reason ?? '', /latest generation/);
});

test('kinds without status are ready once they exist; custom kinds follow a Ready condition', () => {
  assert.deepEqual(childHealth({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), { ready: true });
  const sm = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's' } };
  assert.deepEqual(
    childHealth({ ...sm, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Invalid' }] } }),
    {
      ready: false,
      reason: 'Ready=False (Invalid)',
    },
  );
  assert.equal(
    childHealth({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'p' },
      status: { phase: 'Bound' },
    }).ready,
    true,
  );
});
