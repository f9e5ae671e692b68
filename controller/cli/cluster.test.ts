import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { connect } from './cluster.ts';
import { CliError } from './terminal.ts';

const dir = mkdtempSync(join(tmpdir(), 'orkestra-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Two clusters on unused loopback ports: connect() only reads the kubeconfig.
const kubeconfig = join(dir, 'config');
writeFileSync(
  kubeconfig,
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'dev', cluster: { server: 'https://127.0.0.1:1' } },
      { name: 'prod', cluster: { server: 'https://127.0.0.1:2' } },
    ],
    users: [{ name: 'me', user: { token: 't' } }],
    contexts: [
      { name: 'dev', context: { cluster: 'dev', user: 'me', namespace: 'team-a' } },
      { name: 'prod', context: { cluster: 'prod', user: 'me' } },
    ],
    'current-context': 'dev',
  }),
);

describe('--kubeconfig, --context and -n as kubectl has them', () => {
  test("the current context and its namespace by default; -n wins over the context's", () => {
    const dev = connect({ kubeconfig });
    assert.equal(dev.client.server, 'https://127.0.0.1:1');
    assert.equal(dev.namespace, 'team-a');
    dev.client.close();
    const other = connect({ kubeconfig, namespace: 'team-b' });
    assert.equal(other.namespace, 'team-b');
    other.client.close();
  });

  test('--context picks the cluster; a context without a namespace means default', () => {
    const prod = connect({ kubeconfig, context: 'prod' });
    assert.equal(prod.client.server, 'https://127.0.0.1:2');
    assert.equal(prod.namespace, 'default');
    prod.client.close();
  });

  test('an unknown context is a usage error', () => {
    assert.throws(
      () => connect({ kubeconfig, context: 'staging' }),
      (err: unknown) =>
        err instanceof CliError && err.code === 2 && /context "staging" does not exist/.test(err.message),
    );
  });
});
