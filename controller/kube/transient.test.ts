import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ApiError, createApiClient } from './api-client.ts';
import { isUnreachable, serverRetryAfterMs } from './transient.ts';

const noCredentials = {
  current: async () => ({ headers: {}, tls: {} }),
  rejected: async () => undefined,
};

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

test('a refused connection, a reset one and a timeout are no answer; an HTTP error is an answer', async () => {
  // A port that was free a moment ago: nothing listens on it.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await failure(
    createApiClient({ server: `http://127.0.0.1:${port}`, credentials: noCredentials }).request({
      method: 'GET',
      path: '/api',
    }),
  );
  assert.equal(isUnreachable(refused), true, String(refused));

  // Accepts and hangs up (reset), and one that accepts and never answers (timeout).
  const sockets = new Set<import('node:net').Socket>();
  const hangUp = createServer((s) => s.destroy());
  const silent = createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => hangUp.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const at = (s: typeof hangUp) => `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    const reset = await failure(
      createApiClient({ server: at(hangUp), credentials: noCredentials }).request({ method: 'GET', path: '/api' }),
    );
    assert.equal(isUnreachable(reset), true, String(reset));
    const timedOut = await failure(
      createApiClient({ server: at(silent), credentials: noCredentials }).request({
        method: 'GET',
        path: '/api',
        timeoutMs: 100,
      }),
    );
    assert.match(String(timedOut), /timed out after 100 ms/);
    assert.equal(isUnreachable(timedOut), true);
  } finally {
    for (const s of sockets) s.destroy();
    hangUp.close();
    silent.close();
  }

  // Wrapped as the cause of a reconcile's own error, it is still recognised.
  assert.equal(isUnreachable(new Error('apply failed', { cause: refused })), true);
  assert.equal(isUnreachable(new ApiError('GET', '/api', 503, undefined, 'unavailable')), false);
  assert.equal(isUnreachable(new Error('template failed')), false);
  assert.equal(isUnreachable('ECONNREFUSED'), false);
});

test('a wait the server names: a 429 (1 s unless told), a 503 only when it names one; capped; found through causes', () => {
  const answer = (status: number, retryAfterSeconds?: number) =>
    new ApiError('PATCH', '/x', status, retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds } }, '');
  assert.equal(serverRetryAfterMs(answer(429), 30_000), 1_000);
  assert.equal(serverRetryAfterMs(answer(429, 3), 30_000), 3_000);
  assert.equal(serverRetryAfterMs(answer(503, 5), 30_000), 5_000);
  assert.equal(serverRetryAfterMs(answer(503, 120), 4_000), 4_000);
  assert.equal(serverRetryAfterMs(answer(503), 30_000), undefined);
  assert.equal(serverRetryAfterMs(answer(500, 5), 30_000), undefined);
  assert.equal(serverRetryAfterMs(new Error('apply failed', { cause: answer(503, 5) }), 30_000), 5_000);
  assert.equal(serverRetryAfterMs(new Error('template failed'), 30_000), undefined);
});
