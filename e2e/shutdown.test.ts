// SIGTERM to `orkestra run --leader-elect` while 20 boxes are busy: every box has a reconcile in
// flight that is stuck in a slow API write (a validating admission webhook, served by this test
// over TLS, holds ConfigMap writes in the suite's namespace for up to 30 s). The process must stop
// the boxes in parallel within its grace period, release the Lease and exit 0 in under 10 s.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { applyOrkestraCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const PID = process.pid;
const GROUP = `halt${PID}.e2e.orkestra.io`;
const NS = `halt-${PID}`;
const KATALOG = `halt-${PID}`;
const LEASE = `orkestra-halt-${PID}`;
const WEBHOOK = `halt-${PID}.e2e.orkestra.io`;
const BOXES = 20;
const kinds = Array.from({ length: BOXES }, (_, i) => `Busy${i}`);

let client: ApiClient;
let server: Server | undefined;
let certDir: string | undefined;
/** Webhook requests being held, released when the suite ends. */
const held = new Set<() => void>();
let heldTotal = 0;

/** A self-signed certificate for 127.0.0.1, which the API server is told to trust. */
function selfSignedCert(): { key: string; cert: string } {
  certDir = mkdtempSync(join(tmpdir(), 'orkestra-webhook-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(join(certDir, 'cert.pem'), 'utf8') };
}

/** An admission webhook that never answers in time: the API server waits out its timeout. */
async function startSlowWebhook(): Promise<{ port: number; ca: string }> {
  const { key, cert } = selfSignedCert();
  const s = createServer({ key, cert }, (req, res) => {
    heldTotal++;
    const release = () => {
      held.delete(release);
      res.destroy();
    };
    held.add(release);
    req.resume();
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  if (!address || typeof address === 'string') throw new Error('webhook server has no port');
  return { port: address.port, ca: Buffer.from(cert).toString('base64') };
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  for (const kind of kinds) await createCrd(client, testCrd(GROUP, kind));
  await kubectlOk(['create', 'namespace', NS]);
});

after(async () => {
  for (const release of [...held]) release();
  server?.close();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
  await kubectlOk(['delete', 'validatingwebhookconfiguration', WEBHOOK, '--ignore-not-found']);
  await kubectlOk(['delete', 'katalog', KATALOG, '--ignore-not-found']);
  for (const kind of kinds) {
    await kubectlOk(['delete', 'crd', `${kind.toLowerCase()}s.${GROUP}`, '--ignore-not-found', '--wait=false']);
  }
  await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  await client
    .request({ method: 'DELETE', path: `/apis/coordination.k8s.io/v1/namespaces/default/leases/${LEASE}` })
    .catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  client.close();
});

describe('shutdown', () => {
  test('SIGTERM with 20 busy boxes exits in under 10 s and releases the Lease', async () => {
    const webhook = await startSlowWebhook();
    await client.request({
      method: 'POST',
      path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      body: {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: WEBHOOK },
        webhooks: [
          {
            name: WEBHOOK,
            clientConfig: { url: `https://127.0.0.1:${webhook.port}/validate`, caBundle: webhook.ca },
            rules: [
              { operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] },
            ],
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
            failurePolicy: 'Ignore',
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
            timeoutSeconds: 30,
          },
        ],
      },
    });
    const crds: Record<string, unknown> = {};
    for (const kind of kinds) {
      crds[kind.toLowerCase()] = {
        apiTypes: { group: GROUP, version: 'v1', kind, plural: `${kind.toLowerCase()}s` },
        operatorBox: {
          reconcile: { onReconcile: { configMaps: [{ name: '{{ .metadata.name }}', data: { kind } }] } },
        },
      };
    }
    await kubectlOk(
      ['apply', '--server-side', '-f', '-'],
      stringify({
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Katalog',
        metadata: { name: KATALOG },
        spec: { crds },
      }),
    );
    for (const kind of kinds) {
      await client.request({
        method: 'POST',
        path: `/apis/${GROUP}/v1/namespaces/${NS}/${kind.toLowerCase()}s`,
        body: {
          apiVersion: `${GROUP}/v1`,
          kind,
          metadata: { name: `${kind.toLowerCase()}-x`, namespace: NS },
          spec: {},
        },
      });
    }

    // Its own webhook port: the default 9443 may be taken by another process on this machine.
    const { child, lines } = startOrkestra([
      '--leader-elect',
      '--lease-name',
      LEASE,
      '--identity',
      'halt-replica',
      '--listen',
      '127.0.0.1:0',
      '--webhook-listen',
      '127.0.0.1:0',
    ]);
    let exit: number | null | undefined;
    child.on('exit', (code) => {
      exit = code;
    });
    try {
      // Busy: every box's reconcile is stuck in the ConfigMap write the webhook holds.
      await eventually(
        `all ${BOXES} boxes with a write held by the webhook`,
        () => heldTotal >= BOXES && lines.filter((l) => l.msg === 'box started').length === BOXES,
        30_000,
      );
      const lease = await client.request<KubeObject & { spec: { holderIdentity?: string } }>({
        method: 'GET',
        path: `/apis/coordination.k8s.io/v1/namespaces/default/leases/${LEASE}`,
      });
      assert.equal(lease.spec.holderIdentity, 'halt-replica');

      const termAt = performance.now();
      child.kill('SIGTERM');
      await eventually('the process exited', () => exit !== undefined, 20_000, 20);
      const tookMs = Math.round(performance.now() - termAt);
      console.log(`# SIGTERM with ${BOXES} busy boxes: exited ${exit} after ${tookMs} ms`);
      assert.equal(exit, 0, `exit code; last lines: ${JSON.stringify(lines.slice(-5))}`);
      assert.ok(tookMs < 10_000, `exit took ${tookMs} ms`);
      assert.equal(lines.filter((l) => l.msg === 'box stopped' && l.box).length, BOXES, 'every box stopped');
      const released = await client.request<KubeObject & { spec: { holderIdentity?: string } }>({
        method: 'GET',
        path: `/apis/coordination.k8s.io/v1/namespaces/default/leases/${LEASE}`,
      });
      assert.ok(!released.spec.holderIdentity, `lease released, holder: ${released.spec.holderIdentity}`);
    } finally {
      if (exit === undefined) child.kill('SIGKILL');
    }
  });
});
