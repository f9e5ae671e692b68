// The local control plane itself: reachable with kubectl, controllers that tests rely on are
// running, and `cli.ts up/down` leaves no process or directory behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { alive } from './control-plane/component.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('./control-plane/cli.ts', import.meta.url));

describe('local control plane', () => {
  test('kubectl reaches /readyz and reports the pinned server version', async () => {
    assert.equal(await kubectlOk(['get', '--raw', '/readyz']), 'ok');
    const version = JSON.parse(await kubectlOk(['get', '--raw', '/version']));
    assert.match(version.gitVersion, /^v1\.34\.\d+$/);
  });

  test('the garbage collector deletes children of a deleted owner', async () => {
    const ns = `gc-${process.pid}`;
    await kubectlOk(['create', 'namespace', ns]);
    const owner = JSON.parse(
      await kubectlOk(['-n', ns, 'create', 'configmap', 'owner', '--from-literal=a=b', '-o', 'json']),
    );
    const child = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'child',
        namespace: ns,
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }],
      },
    };
    await kubectlOk(['apply', '-f', '-'], stringify(child));
    await kubectlOk(['-n', ns, 'delete', 'configmap', 'owner']);
    await eventually(
      'child to be garbage-collected',
      async () => {
        const r = await kubectl(['-n', ns, 'get', 'configmap', 'child']);
        return r.code !== 0 && /NotFound/.test(r.stderr);
      },
      30_000,
    );
    await kubectlOk(['delete', 'namespace', ns, '--wait=false']);
  });

  test('the deployment controller creates a ReplicaSet', async () => {
    const ns = `deploy-${process.pid}`;
    await kubectlOk(['create', 'namespace', ns]);
    await kubectlOk(['-n', ns, 'create', 'deployment', 'web', '--image=nginx:1.27']);
    const rs = await eventually('a ReplicaSet owned by the Deployment', async () => {
      const list = JSON.parse(await kubectlOk(['-n', ns, 'get', 'replicasets', '-o', 'json']));
      return list.items.find((r: { metadata: { ownerReferences?: { kind: string; name: string }[] } }) =>
        r.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === 'web'),
      );
    });
    assert.ok(rs);
    await kubectlOk(['delete', 'namespace', ns]);
    // The namespace controller finishes the deletion (finalizer `kubernetes`).
    await eventually('namespace to be gone', async () => (await kubectl(['get', 'namespace', ns])).code !== 0, 60_000);
  });

  test('cli up starts a background cluster and down leaves no process behind', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'orkestra-state-'));
    try {
      await run(process.execPath, [cli, 'up', '--state-dir', stateDir, '--no-controller-manager']);
      const state = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
      const pids: number[] = [state.pid, ...Object.values(state.components as Record<string, number>)];
      assert.ok(pids.length >= 3 && pids.every(alive), 'supervisor, etcd and kube-apiserver run');
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        join(stateDir, 'kubeconfig'),
        'get',
        '--raw',
        '/readyz',
      ]);
      assert.equal(stdout, 'ok');
      const dataDir = await readFile(`/proc/${state.components['kube-apiserver']}/cmdline`, 'utf8').then(
        (c) => /--cert-dir=([^\0]*)\/pki/.exec(c)?.[1],
      );
      await run(process.execPath, [cli, 'down', '--state-dir', stateDir]);
      assert.deepEqual(pids.filter(alive), [], 'every process is gone');
      assert.ok(dataDir && !existsSync(dataDir), `temporary directory ${dataDir} removed`);
      assert.ok(!existsSync(join(stateDir, 'kubeconfig')));
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  test('cli restart brings kube-apiserver and etcd back on the same port with the same data', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'orkestra-state-'));
    const kubeconfig = join(stateDir, 'kubeconfig');
    try {
      await run(process.execPath, [cli, 'up', '--state-dir', stateDir, '--no-controller-manager']);
      const before = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
      await run('kubectl', ['--kubeconfig', kubeconfig, 'create', 'configmap', 'survivor', '--from-literal=k=v']);
      for (const [component, name] of [
        ['apiserver', 'kube-apiserver'],
        ['etcd', 'etcd'],
      ] as const) {
        await run(process.execPath, [cli, 'restart', component, '--state-dir', stateDir]);
        const after = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8'));
        assert.notEqual(after.components[name], before.components[name], `${name} is a new process`);
        assert.ok(!alive(before.components[name]), `the old ${name} is gone`);
        assert.equal(after.server, before.server);
        const got = await eventually(`the ConfigMap readable after the ${component} restart`, async () => {
          const { stdout } = await run('kubectl', [
            '--kubeconfig',
            kubeconfig,
            'get',
            'configmap',
            'survivor',
            '-o',
            'jsonpath={.data.k}',
          ]);
          return stdout;
        });
        assert.equal(got, 'v');
      }
      await run(process.execPath, [cli, 'down', '--state-dir', stateDir]);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
