// Admission and conversion webhooks end to end: the real kube-apiserver calls Orkestra's HTTPS
// webhook server on loopback. Validation denies and warns at `kubectl apply`, mutation defaults
// appear in the create response, CEL rules see request.userInfo, DELETE can be guarded, a
// two-version CRD converts both ways (also after a storage-version change), the registration is
// restored when deleted or edited, and a stopped controller leaves each box's failurePolicy in
// force. Names carry the process id, so the suite never meets another one sharing the cluster.
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { after, before, describe, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { type Admission, startAdmission } from '../controller/admission/admission.ts';
import type { Registrar } from '../controller/admission/registrar.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../controller/admission/registration.ts';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import { createChildWatches } from '../controller/kube/child-watches.ts';
import { createDiscovery } from '../controller/kube/discovery.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { silentLogger } from '../controller/observe/log.ts';
import { declarativeBoxes } from '../controller/reconcile/declarative-reconciler.ts';
import { type RootController, startRootController } from '../controller/root/root-controller.ts';
import { getOrUndefined } from './support/controller.ts';
import { createCrd, testCrd } from './support/crds.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PID = process.pid;
const GROUP = `adm${PID}.e2e.orkestra.io`;
const NS = `adm-${PID}`;
const KATALOG = `adm-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';
const VWC = `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${WEBHOOK_CONFIGURATION_NAME}`;
const MWC = `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${WEBHOOK_CONFIGURATION_NAME}`;
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

const KINDS = { gadget: 'Gadget', widget: 'Widget', lenient: 'Lenient', strict: 'Strict', halfway: 'Halfway' } as const;
type BoxName = keyof typeof KINDS;
const plural = (box: BoxName) => `${KINDS[box].toLowerCase()}s`;
const crdName = (box: BoxName) => `${plural(box)}.${GROUP}`;
const webhook = (box: BoxName) => `${box}.${KATALOG}.orkestra.orkspace.io`;

type Webhook = {
  name: string;
  failurePolicy: string;
  clientConfig: { url?: string; caBundle?: string };
  rules: { apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: string[]; scope: string }[];
  sideEffects: string;
  matchPolicy: string;
  admissionReviewVersions: string[];
  timeoutSeconds: number;
  namespaceSelector?: unknown;
  reinvocationPolicy?: string;
};
type Configuration = KubeObject & { webhooks?: Webhook[] };
type Cr = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const denyRule = { field: 'spec.replicas', lte: 10, message: 'at most 10 replicas' };
const boxes = (lenientRules = true): Record<string, unknown> => ({
  gadget: {
    apiTypes: { group: GROUP, version: 'v1', kind: KINDS.gadget, plural: plural('gadget') },
    operatorBox: { runtime: { allowedNamespaces: [NS] } },
    admission: {
      validation: {
        rules: [
          denyRule,
          { cel: "self.spec.image.contains(':')", message: 'pin an image tag', action: 'warn' },
          { cel: "request.userInfo.username != 'mallory'", message: 'mallory may not write gadgets' },
          {
            cel: "request.operation != 'DELETE' || !has(self.metadata.labels) || !('protected' in self.metadata.labels)",
            message: 'remove the protected label before deleting',
          },
          {
            cel: 'oldSelf == null || self.spec.image == oldSelf.spec.image || self.spec.replicas > 0',
            message: 'scaled to zero: image is frozen',
          },
        ],
      },
      mutation: { rules: [{ field: 'spec.port', default: 8080 }] },
      webhooks: { operations: ['CREATE', 'UPDATE', 'DELETE'], timeoutSeconds: 5 },
    },
  },
  widget: {
    apiTypes: { group: GROUP, version: 'v1', kind: KINDS.widget, plural: plural('widget') },
    admission: {
      conversion: {
        storageVersion: 'v1alpha1',
        paths: [
          { from: 'v1alpha1', to: 'v1', spec: { replicas: '{{ .spec.size }}', image: '{{ .spec.image }}' } },
          { from: 'v1', to: 'v1alpha1', spec: { size: '{{ .spec.replicas }}', image: '{{ .spec.image }}' } },
        ],
      },
    },
  },
  lenient: {
    apiTypes: { group: GROUP, version: 'v1', kind: KINDS.lenient, plural: plural('lenient') },
    admission: {
      ...(lenientRules ? { validation: { rules: [denyRule] } } : {}),
      webhooks: { failurePolicy: 'Ignore' },
    },
  },
  strict: {
    apiTypes: { group: GROUP, version: 'v1', kind: KINDS.strict, plural: plural('strict') },
    admission: { validation: { rules: [denyRule] }, webhooks: { failurePolicy: 'Fail' } },
  },
  halfway: {
    apiTypes: { group: GROUP, version: 'v1', kind: KINDS.halfway, plural: plural('halfway') },
    admission: {
      conversion: {
        storageVersion: 'v1',
        paths: [
          { from: 'v1alpha1', to: 'v1', spec: { replicas: '{{ .spec.size }}' } },
          { from: 'v1', to: 'v1alpha1', spec: { size: '{{ .spec.replicas }}' } },
        ],
      },
    },
  },
});

let client: ApiClient;
let admission: Admission | undefined;
let registrar: Registrar | undefined;
let rootController: RootController | undefined;
let stopChildWatches: (() => Promise<void>) | undefined;
const registry = new Registry();

const get = <T = KubeObject>(path: string) => getOrUndefined<T>(client, path);
const crPath = (box: BoxName, name: string, version = 'v1') =>
  `/apis/${GROUP}/${version}/namespaces/${NS}/${plural(box)}/${name}`;

function manifest(box: BoxName, name: string, spec: Record<string, unknown>, version = 'v1', extra = {}) {
  return JSON.stringify({
    apiVersion: `${GROUP}/${version}`,
    kind: KINDS[box],
    metadata: { name, namespace: NS, ...extra },
    spec,
  });
}

async function applyKatalog(crds: Record<string, unknown>) {
  await client.request({
    method: 'PATCH',
    path: `${KATALOGS}/${KATALOG}`,
    query: { fieldManager: 'e2e-user', force: true },
    contentType: 'application/apply-patch+yaml',
    body: { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name: KATALOG }, spec: { crds } },
  });
}

async function startController() {
  admission = await startAdmission({
    client,
    logger: silentLogger,
    listen: '127.0.0.1:0',
    namespace: NS,
    inCluster: false,
    registry,
  });
  const reg = admission.startRegistrar();
  registrar = reg;
  const watches = createChildWatches(client);
  stopChildWatches = () => watches.stopAll();
  const declarative = declarativeBoxes({ client, discovery: createDiscovery(client), childWatches: watches });
  rootController = startRootController({
    client,
    logger: silentLogger,
    ...declarative,
    onBoxesChanged: (running) => reg.setBoxes(running),
  });
}

async function stopController() {
  await rootController?.stop();
  await registrar?.stop();
  await stopChildWatches?.();
  await admission?.stop();
  rootController = undefined;
  registrar = undefined;
  admission = undefined;
}

async function entries(path: string): Promise<Webhook[]> {
  return (await get<Configuration>(path))?.webhooks ?? [];
}

async function entry(path: string, box: BoxName): Promise<Webhook | undefined> {
  return (await entries(path)).find((w) => w.name === webhook(box));
}

function conversionStrategy(crd: KubeObject | undefined): string | undefined {
  return (crd?.spec as { conversion?: { strategy?: string } } | undefined)?.conversion?.strategy;
}

/** One AdmissionReview straight to a webhook server, trusting `ca`; returns the served certificate. */
function postReview(port: number, path: string, ca: string): Promise<{ status: number; fingerprint: string }> {
  const body = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', operation: 'CREATE', userInfo: {}, object: { spec: { replicas: 1, image: 'a:1' } } },
  });
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, method: 'POST', ca, agent: false }, (res) => {
      const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, fingerprint }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('admission and conversion webhooks', () => {
  before(async () => {
    client = createApiClient(loadKubeConfig());
    await kubectlOk(['apply', '--server-side', '-f', `${root}crds/`]);
    await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
    await client.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    });
    for (const box of Object.keys(KINDS) as BoxName[]) {
      const versions =
        box === 'widget' ? ['v1alpha1', 'v1'] : box === 'halfway' ? ['v1', 'v1alpha1', 'v1beta1'] : ['v1'];
      await createCrd(client, testCrd(GROUP, KINDS[box], versions));
    }
    await startController();
    await applyKatalog(boxes());
    await eventually(
      'gadget, lenient and strict validating entries registered',
      async () => {
        const names = (await entries(VWC)).map((w) => w.name);
        return ['gadget', 'lenient', 'strict'].every((b) => names.includes(webhook(b as BoxName)));
      },
      15_000,
    );
    await eventually('gadget mutating entry registered', async () => (await entry(MWC, 'gadget')) !== undefined);
    await eventually(
      'widget CRD converted by webhook',
      async () => conversionStrategy(await get(`${CRDS}/${crdName('widget')}`)) === 'Webhook',
      15_000,
    );
  });

  after(async () => {
    await stopController();
    const cleanup = [
      `${KATALOGS}/${KATALOG}`,
      VWC,
      MWC,
      ...(Object.keys(KINDS) as BoxName[]).map((b) => `${CRDS}/${crdName(b)}`),
      `/api/v1/namespaces/${NS}`,
    ];
    for (const path of cleanup) {
      try {
        await client.request({ method: 'DELETE', path });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    client.close();
  });

  test('registration: one entry per box with rules, for exactly its GVR, with the box settings', async () => {
    const gadget = await entry(VWC, 'gadget');
    assert.ok(gadget);
    assert.deepEqual(gadget.rules, [
      {
        apiGroups: [GROUP],
        apiVersions: ['v1'],
        resources: ['gadgets'],
        operations: ['CREATE', 'UPDATE', 'DELETE'],
        scope: 'Namespaced',
      },
    ]);
    assert.equal(gadget.failurePolicy, 'Fail');
    assert.equal(gadget.sideEffects, 'None');
    assert.equal(gadget.matchPolicy, 'Equivalent');
    assert.deepEqual(gadget.admissionReviewVersions, ['v1']);
    assert.equal(gadget.timeoutSeconds, 5);
    assert.deepEqual(gadget.namespaceSelector, {
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [NS] }],
    });
    assert.equal(gadget.clientConfig.url, `https://127.0.0.1:${admission?.port}/validate/${KATALOG}/gadget`);
    assert.equal(
      Buffer.from(gadget.clientConfig.caBundle ?? '', 'base64').toString(),
      admission?.certificates.current().caBundle,
    );
    assert.equal((await entry(VWC, 'lenient'))?.failurePolicy, 'Ignore');
    assert.equal(await entry(VWC, 'widget'), undefined, 'a box without validation rules has no entry');

    const mutating = await entry(MWC, 'gadget');
    assert.equal(mutating?.reinvocationPolicy, 'IfNeeded');
    assert.deepEqual(mutating?.rules[0]?.operations, ['CREATE', 'UPDATE'], 'mutation never runs on DELETE');

    const secret = await get<KubeObject & { data: Record<string, string> }>(
      `/api/v1/namespaces/${NS}/secrets/orkestra-webhook-certs`,
    );
    assert.ok(secret?.data['tls.crt'] && secret.data['ca.crt'], 'certificates are kept in a Secret');
  });

  test('a CR breaking a deny rule is rejected with the rule message and field; nothing is stored', async () => {
    const r = await kubectl(['apply', '-f', '-'], manifest('gadget', 'too-big', { replicas: 20, image: 'nginx:1' }));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      new RegExp(`admission webhook "${webhook('gadget')}" denied the request: spec.replicas: at most 10 replicas`),
    );
    assert.equal(await get(crPath('gadget', 'too-big')), undefined);
  });

  test('a warn rule: kubectl prints the warning and the CR is stored', async () => {
    const r = await kubectl(['apply', '-f', '-'], manifest('gadget', 'unpinned', { replicas: 1, image: 'nginx' }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: pin an image tag \(admission\.validation\.rules\[1\]\)/);
    assert.ok(await get(crPath('gadget', 'unpinned')));
  });

  test('a defaulted field is in the object the create call returns', async () => {
    const out = await kubectlOk(
      ['create', '-f', '-', '-o', 'json'],
      manifest('gadget', 'defaulted', { replicas: 2, image: 'nginx:1' }),
    );
    const created = JSON.parse(out) as Cr;
    assert.equal(created.spec?.port, 8080);
    assert.equal(created.metadata.generation, 1, 'the create response, before any reconcile wrote to it');
    // A given value is kept: defaults apply only where the field is absent.
    const own = JSON.parse(
      await kubectlOk(
        ['create', '-f', '-', '-o', 'json'],
        manifest('gadget', 'own-port', { replicas: 2, image: 'a:1', port: 9000 }),
      ),
    ) as Cr;
    assert.equal(own.spec?.port, 9000);
  });

  test('CEL sees request.userInfo and oldSelf', async () => {
    const asMallory = await kubectl(
      ['--as', 'mallory', '--as-group', 'system:masters', 'apply', '-f', '-'],
      manifest('gadget', 'by-mallory', { replicas: 1, image: 'nginx:1' }),
    );
    assert.notEqual(asMallory.code, 0);
    assert.match(asMallory.stderr, /mallory may not write gadgets/);
    assert.equal(await get(crPath('gadget', 'by-mallory')), undefined);

    await kubectlOk(['apply', '-f', '-'], manifest('gadget', 'frozen', { replicas: 0, image: 'nginx:1' }));
    const changed = await kubectl(
      ['apply', '-f', '-'],
      manifest('gadget', 'frozen', { replicas: 0, image: 'nginx:2' }),
    );
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /scaled to zero: image is frozen/);
  });

  test('DELETE is guarded when the box lists it', async () => {
    await kubectlOk(
      ['apply', '-f', '-'],
      manifest('gadget', 'guarded', { replicas: 1, image: 'nginx:1' }, 'v1', { labels: { protected: 'yes' } }),
    );
    const r = await kubectl(['delete', '-n', NS, `gadgets.${GROUP}`, 'guarded', '--wait=false']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /remove the protected label before deleting/);
    assert.ok(await get(crPath('gadget', 'guarded')));
    await kubectlOk(['label', '-n', NS, `gadgets.${GROUP}`, 'guarded', 'protected-']);
    await kubectlOk(['delete', '-n', NS, `gadgets.${GROUP}`, 'guarded', '--wait=false']);
  });

  test('two versions: created as v1alpha1, read as v1 and back; status carried over', async () => {
    await kubectlOk(['apply', '-f', '-'], manifest('widget', 'old', { size: 3, image: 'nginx:1' }, 'v1alpha1'));
    const asV1 = await get<Cr>(crPath('widget', 'old', 'v1'));
    assert.deepEqual(asV1?.spec, { replicas: 3, image: 'nginx:1' });
    assert.equal(asV1?.apiVersion, `${GROUP}/v1`);

    // The box watches v1: it reconciles the object created as v1alpha1, converted.
    await eventually(
      'the widget box reconciled the v1alpha1 object',
      async () => (await get<Cr>(crPath('widget', 'old', 'v1')))?.status?.observedGeneration === 1,
    );
    await kubectlOk(['apply', '-f', '-'], manifest('widget', 'new', { replicas: 5 }, 'v1'));
    const asAlpha = await get<Cr>(crPath('widget', 'new', 'v1alpha1'));
    assert.deepEqual(asAlpha?.spec, { size: 5 }, 'a field the source lacks (image) stays absent');

    await client.request({
      method: 'PATCH',
      path: `${crPath('widget', 'old', 'v1')}/status`,
      contentType: 'application/merge-patch+json',
      body: { status: { ready: true } },
    });
    const back = await get<Cr>(crPath('widget', 'old', 'v1alpha1'));
    assert.equal(back?.status?.ready, true);
    assert.deepEqual(back?.status, (await get<Cr>(crPath('widget', 'old', 'v1')))?.status);
    assert.deepEqual(back?.spec, { size: 3, image: 'nginx:1' });
    assert.deepEqual(back?.metadata.labels, asV1?.metadata.labels);
  });

  test('a storage-version change keeps old objects readable in both versions', async () => {
    await kubectlOk(['apply', '-f', '-'], manifest('widget', 'stored-old', { size: 2, image: 'a:1' }, 'v1alpha1'));
    const crd = await get<KubeObject & { spec: { versions: { name: string; storage: boolean }[] } }>(
      `${CRDS}/${crdName('widget')}`,
    );
    assert.ok(crd);
    await client.request({
      method: 'PATCH',
      path: `${CRDS}/${crdName('widget')}`,
      contentType: 'application/json-patch+json',
      body: crd.spec.versions.map((v, i) => ({
        op: 'replace',
        path: `/spec/versions/${i}/storage`,
        value: v.name === 'v1',
      })),
    });
    await kubectlOk(['apply', '-f', '-'], manifest('widget', 'stored-new', { replicas: 4 }, 'v1'));
    assert.deepEqual((await get<Cr>(crPath('widget', 'stored-old', 'v1')))?.spec, { replicas: 2, image: 'a:1' });
    assert.deepEqual((await get<Cr>(crPath('widget', 'stored-old', 'v1alpha1')))?.spec, { size: 2, image: 'a:1' });
    assert.deepEqual((await get<Cr>(crPath('widget', 'stored-new', 'v1alpha1')))?.spec, { size: 4 });
    const stored = await get<KubeObject & { status: { storedVersions: string[] } }>(`${CRDS}/${crdName('widget')}`);
    assert.deepEqual([...(stored?.status.storedVersions ?? [])].sort(), ['v1', 'v1alpha1']);
  });

  test('a missing conversion path between served versions fails the box and names the pair', async () => {
    const status = await eventually('halfway Failed', async () => {
      const k = await get<KubeObject & { status?: { boxes?: Record<string, { phase: string; message?: string }> } }>(
        `${KATALOGS}/${KATALOG}`,
      );
      const b = k?.status?.boxes?.halfway;
      return b?.phase === 'Failed' ? b : undefined;
    });
    assert.match(status.message ?? '', /admission\.conversion\.paths: no conversion path from v1 to v1beta1/);
    assert.match(status.message ?? '', /v1beta1 to v1alpha1/);
    assert.notEqual(conversionStrategy(await get(`${CRDS}/${crdName('halfway')}`)), 'Webhook');
  });

  test('a deleted configuration is restored within 5 s, a hand edit reverted', async () => {
    await client.request({ method: 'DELETE', path: VWC });
    await eventually(
      'validating configuration restored',
      async () => (await entry(VWC, 'gadget')) !== undefined,
      5_000,
    );

    const index = (await entries(MWC)).findIndex((w) => w.name === webhook('gadget'));
    await client.request({
      method: 'PATCH',
      path: MWC,
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: `/webhooks/${index}/failurePolicy`, value: 'Ignore' }],
    });
    await eventually('hand edit reverted', async () => (await entry(MWC, 'gadget'))?.failurePolicy === 'Fail', 5_000);
  });

  test('removing a box rules removes its entry', async () => {
    await applyKatalog(boxes(false));
    await eventually('lenient entry removed', async () => (await entry(VWC, 'lenient')) === undefined, 10_000);
    assert.ok(await entry(VWC, 'strict'));
    await applyKatalog(boxes(true));
    await eventually('lenient entry back', async () => (await entry(VWC, 'lenient')) !== undefined, 10_000);
  });

  test('webhook metrics count requests per path and code', async () => {
    const text = await registry.metrics();
    assert.match(
      text,
      new RegExp(
        `controller_runtime_webhook_requests_total\\{webhook="/validate/${KATALOG}/gadget",code="200"\\} [1-9]`,
      ),
    );
    assert.match(
      text,
      new RegExp(`controller_runtime_webhook_latency_seconds_count\\{webhook="/mutate/${KATALOG}/gadget"\\} [1-9]`),
    );
    assert.match(text, /controller_runtime_webhook_requests_in_flight\{webhook="\/validate\//);
  });

  test('self-managed certificates are renewed in the Secret and hot-swapped; no request fails', async () => {
    const secretPath = `/api/v1/namespaces/${NS}/secrets/rotating-certs`;
    const rotating = await startAdmission({
      client,
      logger: silentLogger,
      listen: '127.0.0.1:0',
      namespace: NS,
      secretName: 'rotating-certs',
      inCluster: false,
      // Short enough to rotate twice in the test, long enough that the renewal (a third of the
      // lifetime before expiry) lands before expiry on a loaded machine.
      validity: { caMs: 3_600_000, servingMs: 9_000 },
      certRefreshMs: 100,
    });
    try {
      const seen = new Set<string>();
      const started = Date.now();
      let requests = 0;
      while (seen.size < 3 && Date.now() - started < 40_000) {
        const secret = await get<KubeObject & { data: Record<string, string> }>(secretPath);
        const ca = Buffer.from(secret?.data['ca.crt'] ?? '', 'base64').toString();
        const { status, fingerprint } = await postReview(rotating.port, `/validate/${KATALOG}/gadget`, ca);
        assert.equal(status, 200);
        seen.add(fingerprint);
        requests++;
      }
      assert.equal(seen.size, 3, `served ${seen.size} certificate(s) over ${requests} requests`);
    } finally {
      await rotating.stop();
      await client.request({ method: 'DELETE', path: secretPath });
    }
  });

  test('controller stopped: failurePolicy Ignore admits, Fail denies with a clear message', async () => {
    const stopping = performance.now();
    await stopController();
    assert.ok(performance.now() - stopping < 5_000, 'the webhook server stops promptly');
    const lenient = await kubectl(['apply', '-f', '-'], manifest('lenient', 'while-down', { replicas: 50 }));
    assert.equal(lenient.code, 0, lenient.stderr);
    const strict = await kubectl(['apply', '-f', '-'], manifest('strict', 'while-down', { replicas: 1 }));
    assert.notEqual(strict.code, 0);
    assert.match(strict.stderr, new RegExp(`failed calling webhook "${webhook('strict')}"`));
    assert.match(strict.stderr, /connection refused/);
    assert.equal(await get(crPath('strict', 'while-down')), undefined);
  });
});
