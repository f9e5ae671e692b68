// `orkestra dev` as a user runs it: a local control plane of its own (in a temporary state
// directory), the CRDs and examples applied, the controller in the foreground converging the
// example; SIGTERM stops the controller and `cli.ts down` the control plane.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from './support/kubectl.ts';
import { ORKESTRA_BIN } from './support/orkestra-cli.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'orkestra-dev-'));
const kubeconfig = join(stateDir, 'kubeconfig');
let dev: ChildProcess | undefined;
let stderr = '';

after(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((r) => dev?.once('exit', r));
    dev.kill('SIGTERM');
    await exited;
  }
  await runCommand(process.execPath, [`${root}e2e/control-plane/cli.ts`, 'down', '--state-dir', stateDir]);
  rmSync(stateDir, { recursive: true, force: true });
});

test('orkestra dev brings up a cluster with the examples and converges them', async () => {
  // Port 0: the controller's health server must not collide with anything on this machine.
  dev = spawn(ORKESTRA_BIN, ['dev', '--state-dir', stateDir, '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  dev.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  await eventually('the controller to start', () => stderr.includes('Local cluster is up'), 300_000, 500);
  await eventually(
    'the example Website served by its running box',
    async () => {
      const r = await runCommand('kubectl', [
        '--kubeconfig',
        kubeconfig,
        'get',
        'website',
        'shop',
        '-n',
        'team-a',
        '-o',
        'jsonpath={.status.url}',
      ]);
      return r.stdout === 'http://shop.team-a.svc';
    },
    120_000,
    500,
  );
  const boxes = await runCommand('kubectl', [
    '--kubeconfig',
    kubeconfig,
    'get',
    'katalog',
    'web-platform',
    '-o',
    'jsonpath={.status.boxes.database.phase} {.status.boxes.website.phase}',
  ]);
  assert.equal(boxes.stdout, 'Running Running', stderr);
});
