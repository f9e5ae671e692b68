// The ServiceAccount client the RBAC suites run the controller with: its requests are judged by
// RBAC as that account, and a grant takes effect without a new token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ApiClient, ApiError, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { testKubeconfig } from './support/kubectl.ts';
import {
  ensureServiceAccount,
  grantClusterRole,
  revokeClusterRole,
  serviceAccountClient,
} from './support/service-account.ts';
import { eventually } from './support/wait.ts';

let admin: ApiClient;
before(() => {
  admin = createApiClient(loadKubeConfig(testKubeconfig()));
});
after(async () => {
  await revokeClusterRole(admin, 'e2e-sa-client');
  admin.close();
});

test('a ServiceAccount client is refused until granted, then allowed', async () => {
  const sa = await ensureServiceAccount(admin, 'e2e-sa', 'reader');
  const client = await serviceAccountClient(admin, sa);
  try {
    const refused = await client.request({ method: 'GET', path: '/api/v1/namespaces' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(refused instanceof ApiError, 'expected an API error');
    assert.equal(refused.status, 403);
    assert.match(refused.message, /system:serviceaccount:e2e-sa:reader/);

    await grantClusterRole(admin, sa, 'e2e-sa-client', [
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list'] },
    ]);
    const list = await eventually('the granted list to succeed', () =>
      client.request<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/namespaces' }),
    );
    assert.ok(list.items.length > 0);
  } finally {
    client.close();
  }
});
