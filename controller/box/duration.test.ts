import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.ts';

test('parses Go durations to milliseconds', () => {
  assert.equal(parseDuration('5ms'), 5);
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1_500);
  assert.equal(parseDuration('1000s'), 1_000_000);
});

test('rejects what is not a duration', () => {
  for (const bad of ['', '10', 'ten minutes', '5 m', '1h-3m'])
    assert.throws(() => parseDuration(bad), /invalid duration/);
});
