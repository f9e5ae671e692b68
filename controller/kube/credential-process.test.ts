import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { loadClusterAccess, resolveInChildProcess } from './credential-process.ts';
import { createCredentialSource, type ResolvedAccess } from './credentials.ts';
import { KubeconfigError } from './kubeconfig.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orkestra-credential-process-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function kubeconfig(name: string, user: Record<string, unknown>, namespace?: string): Promise<string> {
  const path = join(dir, `${name}.kubeconfig`);
  await writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

const access = (over: Partial<ResolvedAccess>): ResolvedAccess => ({
  server: 'https://127.0.0.1:6443',
  headers: {},
  tls: {},
  files: {},
  plugin: false,
  ...over,
});

describe('credential source over resolved access', () => {
  test('a user whose credentials are files is resolved once; its token file is re-read', async () => {
    const token = join(dir, 'files-token');
    await writeFile(token, 'one\n');
    let resolved = 0;
    let t = 0;
    const source = createCredentialSource(
      async () => {
        resolved++;
        return access({ files: { token } });
      },
      { clock: { now: () => t } },
    );
    assert.equal((await source.current()).headers.Authorization, 'Bearer one');
    await writeFile(token, 'two\n');
    t += 60_000;
    assert.equal((await source.current()).headers.Authorization, 'Bearer two');
    assert.equal(resolved, 1, 'no second resolution for a file-backed user');
  });

  test('a plugin user is resolved again on refresh, given the previous auth-provider state', async () => {
    const seen: (ResolvedAccess | undefined)[] = [];
    const initial = access({ plugin: true, headers: { Authorization: 'Bearer 0' }, authProvider: { name: 'oidc' } });
    const source = createCredentialSource(
      async (previous) => {
        seen.push(previous);
        return access({ plugin: true, headers: { Authorization: `Bearer ${seen.length}` } });
      },
      { initial, clock: { now: () => 0 } },
    );
    const first = await source.current();
    assert.equal(first.headers.Authorization, 'Bearer 0', 'the initial resolution is used as it is');
    assert.equal(seen.length, 0);
    assert.equal((await source.rejected(first))?.headers.Authorization, 'Bearer 1');
    assert.deepEqual(seen, [initial]);
  });
});

describe('the credential helper process', () => {
  test('resolves an exec plugin in a child process, and runs it again after a rejection', async () => {
    const tokenSource = join(dir, 'exec-token');
    await writeFile(tokenSource, 'first');
    // An exec credential plugin as kubectl runs them: it prints an ExecCredential on stdout.
    const plugin = join(dir, 'plugin.mjs');
    await writeFile(
      plugin,
      `import { readFileSync } from 'node:fs';
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { token: readFileSync(${JSON.stringify(tokenSource)}, 'utf8') } }));`,
    );
    const path = await kubeconfig(
      'exec',
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin] } },
      'team-a',
    );
    const cluster = await loadClusterAccess({ kubeconfig: path });
    assert.equal(cluster.server, 'https://127.0.0.1:6443');
    assert.equal(cluster.namespace, 'team-a');
    const old = await cluster.credentials.current();
    assert.equal(old.headers.Authorization, 'Bearer first');
    await writeFile(tokenSource, 'second');
    assert.equal((await cluster.credentials.rejected(old))?.headers.Authorization, 'Bearer second');
  });

  test('kubeconfig problems come back as KubeconfigErrors', async () => {
    await assert.rejects(
      resolveInChildProcess({ kubeconfig: join(dir, 'missing') }),
      (err: unknown) => err instanceof KubeconfigError && err.problem === 'unreadable' && /ENOENT/.test(err.message),
    );
    await assert.rejects(
      resolveInChildProcess({ kubeconfig: await kubeconfig('ctx', { token: 't' }), context: 'staging' }),
      (err: unknown) => err instanceof KubeconfigError && err.problem === 'unknown-context',
    );
  });

  test('the controller never loads client-node itself', async () => {
    const path = await kubeconfig('static', { token: 'static-token' });
    // Every module the controller's `run` imports, then its cluster access, with each resolved
    // module recorded: client-node may be loaded only in the helper process.
    const script = `
      import { registerHooks } from 'node:module';
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
      await import(${JSON.stringify(new URL('../cli/run.ts', import.meta.url).href)});
      const { clusterAccessFor } = await import(${JSON.stringify(new URL('../cli/cluster.ts', import.meta.url).href)});
      const cluster = await clusterAccessFor({ kubeconfig: ${JSON.stringify(path)} });
      const creds = await cluster.credentials.current();
      console.log(JSON.stringify({ authorization: creds.headers.Authorization, loaded }));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout) as { authorization: string; loaded: string[] };
    assert.equal(out.authorization, 'Bearer static-token');
    assert.ok(out.loaded.length > 100, 'the hook saw the controller load');
    assert.deepEqual(
      out.loaded.filter((url) => url.includes('@kubernetes/client-node')),
      [],
    );
  });
});
