// A running client follows a token that rotates on disk: a kubeconfig whose user has a
// `token-file` starts with a token the API server rejects, then the file is rewritten with a
// valid one, and the same client (requests and a reflector's watch) works without a restart.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { type ApiClient, ApiError, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { type Reflector, startReflector } from '../controller/kube/reflector.ts';
import { testKubeconfig } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

let dir: string;
let tokenPath: string;
let adminToken: string;
let client: ApiClient | undefined;
let reflector: Reflector | undefined;

before(async () => {
  const admin = loadKubeConfig(testKubeconfig());
  const cluster = admin.getCurrentCluster();
  const token = admin.getCurrentUser()?.token;
  assert.ok(cluster && token, 'the test kubeconfig has a cluster and a static token');
  adminToken = token;
  dir = await mkdtemp(join(tmpdir(), 'orkestra-rotation-'));
  tokenPath = join(dir, 'token');
  await writeFile(tokenPath, 'not-a-valid-token', { mode: 0o600 });
  await writeFile(
    join(dir, 'kubeconfig'),
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
      users: [{ name: 'rotating', user: { 'token-file': tokenPath } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'rotating' } }],
      'current-context': 'local',
    }),
    { mode: 0o600 },
  );
});

after(async () => {
  await reflector?.stop().catch(() => {});
  client?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('credential rotation', () => {
  test('a token-file rewritten with a valid token is used by the running client', async () => {
    client = createApiClient(loadKubeConfig(join(dir, 'kubeconfig')));
    const c = client;
    await assert.rejects(
      c.request({ method: 'GET', path: '/api/v1/namespaces/default' }),
      (err: unknown) => err instanceof ApiError && err.status === 401,
    );
    const failures: string[] = [];
    reflector = startReflector({
      client: c,
      resource: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
      backoffInitialMs: 100,
      backoffMaxMs: 500,
      logger: { info() {}, error: (_msg, meta) => failures.push(String(meta?.err)) },
    });
    const r = reflector;
    await eventually('the reflector to be refused', () => failures.some((f) => f.includes('401')));
    assert.equal(r.hasSynced(), false);

    await writeFile(tokenPath, `${adminToken}\n`);

    // Well inside the one-minute periodic re-read: the 401 itself makes the client re-read.
    await eventually('the reflector to sync with the new token', () => r.hasSynced(), 10_000);
    assert.ok(r.cache.get('default'), 'the namespace cache holds default');
    const ns = await c.request<{ metadata: { name: string } }>({ method: 'GET', path: '/api/v1/namespaces/default' });
    assert.equal(ns.metadata.name, 'default');
  });
});
