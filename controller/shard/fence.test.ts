import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient, ApiRequest } from '../kube/api-client.ts';
import { FencedError, fencedClient, runFenced } from './fence.ts';

test('writes inside a closed fence are refused, reads and unfenced writes pass, across awaits and timers', async () => {
  const sent: string[] = [];
  const inner = {
    server: 'https://test',
    request: async (r: ApiRequest) => {
      sent.push(`${r.method} ${r.path}`);
      return {};
    },
  } as unknown as ApiClient;
  const client = fencedClient(inner);
  let open = true;
  const fence = () => {
    if (!open) throw new FencedError('lease lost');
  };
  await runFenced(fence, async () => {
    await client.request({ method: 'PATCH', path: '/a' });
    open = false;
    await new Promise((resolve) => setTimeout(resolve, 1));
    await assert.rejects(client.request({ method: 'PATCH', path: '/b' }), FencedError);
    await client.request({ method: 'GET', path: '/c' });
  });
  await client.request({ method: 'POST', path: '/d' });
  assert.deepEqual(sent, ['PATCH /a', 'GET /c', 'POST /d']);
});
