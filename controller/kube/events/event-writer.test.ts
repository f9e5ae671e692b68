import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../api-client.ts';
import { isQuietRejection, isRetryable } from './event-writer.ts';

test('transport errors, 429 and 5xx are retried; other API errors are not', () => {
  assert.equal(isRetryable(new Error('ECONNREFUSED')), true);
  assert.equal(isRetryable(new ApiError('POST', '/', 429, undefined, '')), true);
  assert.equal(isRetryable(new ApiError('POST', '/', 503, undefined, '')), true);
  assert.equal(isRetryable(new ApiError('POST', '/', 422, undefined, '')), false);
  assert.equal(isRetryable(new ApiError('POST', '/', 404, undefined, '')), false);
});

test('a duplicate name and a terminating namespace are dropped without a warning', () => {
  assert.equal(isQuietRejection(new ApiError('POST', '/', 409, { reason: 'AlreadyExists' }, '')), true);
  const terminating = { reason: 'Forbidden', message: 'namespace team-a is being terminated' };
  assert.equal(isQuietRejection(new ApiError('POST', '/', 403, terminating, '')), true);
  assert.equal(isQuietRejection(new ApiError('POST', '/', 403, { reason: 'Forbidden', message: 'RBAC' }, '')), false);
  assert.equal(isQuietRejection(new Error('socket hang up')), false);
});
