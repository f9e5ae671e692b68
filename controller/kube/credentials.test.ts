import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { Clock } from './clock.ts';
import { CREDENTIAL_REFRESH_MS, createCredentialSource, kubeConfigResolver } from './credentials.ts';
import { kubeconfigTokenFiles, loadKubeConfig } from './kubeconfig.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orkestra-credentials-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function manualClock(): Clock & { advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

async function kubeconfigWith(name: string, user: Record<string, string>): Promise<string> {
  const path = join(dir, `${name}.kubeconfig`);
  await writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

describe('credential source', () => {
  test('a kubeconfig token-file is re-read once the refresh period has passed', async () => {
    const tokenFile = join(dir, 'periodic-token');
    await writeFile(tokenFile, 'first\n');
    const clock = manualClock();
    const source = createCredentialSource(
      kubeConfigResolver(loadKubeConfig(await kubeconfigWith('periodic', { 'token-file': tokenFile }))),
      { clock },
    );
    const first = await source.current();
    assert.equal(first.headers.Authorization, 'Bearer first');
    await writeFile(tokenFile, 'second\n');
    clock.advance(CREDENTIAL_REFRESH_MS - 1);
    assert.equal(await source.current(), first, 'within the period the credentials are reused');
    clock.advance(1);
    assert.equal((await source.current()).headers.Authorization, 'Bearer second');
  });

  test('a rejection re-reads at once, and says when nothing rotated', async () => {
    const tokenFile = join(dir, 'rejected-token');
    await writeFile(tokenFile, 'old');
    const source = createCredentialSource(
      kubeConfigResolver(loadKubeConfig(await kubeconfigWith('rejected', { 'token-file': tokenFile }))),
      { clock: manualClock() },
    );
    const old = await source.current();
    assert.equal(await source.rejected(old), undefined, 'no retry with the same rejected token');
    await writeFile(tokenFile, 'new');
    const fresh = await source.rejected(old);
    assert.equal(fresh?.headers.Authorization, 'Bearer new');
    assert.equal(await source.rejected(old), fresh, 'a second rejection of the old token reuses the re-read');
  });

  test('rotated client certificate and key files change the TLS material', async () => {
    const certFile = join(dir, 'client.crt');
    const keyFile = join(dir, 'client.key');
    await writeFile(certFile, 'CERT ONE');
    await writeFile(keyFile, 'KEY ONE');
    const source = createCredentialSource(
      kubeConfigResolver(
        loadKubeConfig(await kubeconfigWith('certs', { 'client-certificate': certFile, 'client-key': keyFile })),
      ),
      { clock: manualClock() },
    );
    const old = await source.current();
    assert.equal(old.tls.cert?.toString(), 'CERT ONE');
    await writeFile(certFile, 'CERT TWO');
    await writeFile(keyFile, 'KEY TWO');
    const fresh = await source.rejected(old);
    assert.equal(fresh?.tls.cert?.toString(), 'CERT TWO');
    assert.equal(fresh?.tls.key?.toString(), 'KEY TWO');
  });

  test('the in-cluster projected service-account token is re-read after a rejection', async () => {
    const root = join(dir, 'in-cluster');
    const saDir = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    await mkdir(saDir, { recursive: true });
    await writeFile(join(saDir, 'token'), 'projected-1');
    await writeFile(join(saDir, 'ca.crt'), 'CA');
    const kc = new KubeConfig();
    kc.loadFromCluster(root);
    const source = createCredentialSource(kubeConfigResolver(kc), { clock: manualClock() });
    const old = await source.current();
    assert.equal(old.headers.Authorization, 'Bearer projected-1');
    // The kubelet refreshes a projected token well before it expires, by rewriting the file.
    await writeFile(join(saDir, 'token'), 'projected-2');
    assert.equal((await source.rejected(old))?.headers.Authorization, 'Bearer projected-2');
  });
});

describe('kubeconfig token files', () => {
  test('relative paths resolve against the kubeconfig; an inline token wins', async () => {
    const path = join(dir, 'two-users.kubeconfig');
    await writeFile(
      path,
      stringify({
        users: [
          { name: 'file', user: { 'token-file': 'tokens/file' } },
          { name: 'inline', user: { token: 'abc', 'token-file': '/elsewhere' } },
        ],
      }),
    );
    assert.deepEqual([...kubeconfigTokenFiles([path])], [['file', join(dir, 'tokens/file')]]);
  });

  test('loading keeps the token file as a file, not a token read once', async () => {
    const tokenFile = join(dir, 'loaded-token');
    await writeFile(tokenFile, 't');
    const kc = loadKubeConfig(await kubeconfigWith('loaded', { 'token-file': tokenFile }));
    const user = kc.getCurrentUser();
    assert.equal(user?.token, undefined);
    assert.equal(user?.authProvider?.config?.tokenFile, tokenFile);
  });
});
