// Operator mistakes at `orkestra run` end in one line that says what failed and what to do, and a
// non-zero exit, the way kubectl reports them: never a stack trace, never a silent retry loop.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse, stringify } from 'yaml';
import type { KubectlResult } from './support/kubectl.ts';
import { testKubeconfig } from './support/kubectl.ts';
import { orkestra } from './support/orkestra-cli.ts';

let dir: string;
let busy: Server;
let busyPort: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orkestra-run-errors-'));
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
after(async () => {
  busy.close();
  await rm(dir, { recursive: true, force: true });
});

/** One `error: …` line on stderr, nothing that looks like a stack trace, and a non-zero exit. */
function assertOneLine(r: KubectlResult, pattern: RegExp) {
  assert.notEqual(r.code, 0, `exit status (stderr: ${r.stderr})`);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, `one error line in: ${r.stderr}`);
  assert.match(errors[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at |node:internal|Node\.js v/, 'no stack trace');
}

const run = (...args: string[]) =>
  orkestra(['run', '--webhook-listen', '127.0.0.1:0', '--listen', '127.0.0.1:0', ...args]);

describe('orkestra run refuses clearly', () => {
  test('a busy --listen port names the address and the flag', async () => {
    const r = await run('--kubeconfig', testKubeconfig(), '--listen', `127.0.0.1:${busyPort}`);
    assertOneLine(
      r,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort}: the address is already in use.*--listen`),
    );
  });

  test('a busy --webhook-listen port names the webhook flag', async () => {
    const r = await run('--kubeconfig', testKubeconfig(), '--webhook-listen', `127.0.0.1:${busyPort}`);
    assertOneLine(r, /cannot listen on .*already in use.*--webhook-listen/);
  });

  test('a missing kubeconfig says how to give one', async () => {
    const r = await run('--kubeconfig', join(dir, 'missing'));
    assertOneLine(r, /cannot load kubeconfig: .*no such file.*--kubeconfig FILE or set KUBECONFIG/);
  });

  test('an API server nobody listens on says to check the cluster and the kubeconfig', async () => {
    const config = parse(await readFile(testKubeconfig(), 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    for (const c of config.clusters) c.cluster.server = `https://127.0.0.1:${busyPort + 1}`;
    const path = join(dir, 'unreachable');
    await writeFile(path, stringify(config));
    const r = await run('--kubeconfig', path);
    assertOneLine(r, /cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ .*cluster is up.*--kubeconfig/);
  });

  test('credentials the API server refuses are reported at once', async () => {
    const config = parse(await readFile(testKubeconfig(), 'utf8')) as { users: { user: Record<string, unknown> }[] };
    for (const u of config.users) u.user = { token: 'not-a-valid-token' };
    const path = join(dir, 'bad-token');
    await writeFile(path, stringify(config));
    const r = await run('--kubeconfig', path);
    assertOneLine(r, /refused the credentials \(401/);
  });

  test('an unknown flag is a usage error (exit 2)', async () => {
    const r = await orkestra(['run', '--no-such-flag']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown option '--no-such-flag'/m);
  });
});
