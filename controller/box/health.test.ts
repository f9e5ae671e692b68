import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHealth } from './health.ts';

test('degraded after the threshold of consecutive failures, recovered by one success', () => {
  const h = createHealth(3, () => new Date('2026-01-01T00:00:00Z'));
  h.failure('a');
  h.failure('b');
  assert.equal(h.snapshot().degraded, false);
  h.failure('c');
  assert.equal(h.snapshot().degraded, true);
  assert.equal(h.snapshot().lastError, 'c');
  h.success();
  assert.deepEqual(
    { degraded: h.snapshot().degraded, failures: h.snapshot().failures, successes: h.snapshot().successes },
    { degraded: false, failures: 3, successes: 1 },
  );
  assert.equal(h.snapshot().lastError, 'c', 'the last error stays visible after recovery');
});
