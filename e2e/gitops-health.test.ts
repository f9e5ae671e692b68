// What Flux and Argo CD see of Orkestra's objects, computed by the code those tools run: Flux's
// kstatus (sigs.k8s.io/cli-utils) and the Argo CD health script of deploy/argocd/ run by
// gopher-lua, both against live objects the in-process controller reconciles on the real API
// server. Katalogs, Komposers and custom resources cover every state: reconciling (a box waiting
// for its CRD, imports still resolving, a child not ready), converged, stalled (a bad template, a
// validation rule, an import that cannot be resolved, an override for no box), a registry outage
// (Komposer Degraded), and generation lag.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { Katalog } from '../api-types/katalog.ts';
import type { Komposer } from '../api-types/komposer.ts';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { type LocalRegistry, startRegistry } from './registry/registry.ts';
import { getOrUndefined, type InProcessController, startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds, createCrd, testCrd } from './support/crds.ts';
import { deleteAndWaitGone, serverSideApply } from './support/custom-resources.ts';
import { argoHealth, gitopsToolsDir, kstatus } from './support/gitops-tools.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { orkestra } from './support/run-command.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PID = process.pid;
const GROUP = `gitops${PID}.e2e.orkestra.io`;
const NS = `gitops-${PID}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';
const KOMPOSERS = '/apis/orkestra.orkspace.io/v1alpha1/komposers';
const GOOD = `gitops-${PID}`;
const BROKEN = `gitops-${PID}-broken`;
const LATE = `gitops-${PID}-late`;
/** Komposers: converged from a ConfigMap, importing from a registry that never answers, overriding no box, pulling from a registry that goes away. */
const COMPOSED = `gitops-${PID}-composed`;
const SILENT = `gitops-${PID}-silent`;
const ORPHAN = `gitops-${PID}-orphan`;
const PULLED = `gitops-${PID}-pulled`;
/** The field manager Argo CD's server-side sync uses. */
const ARGO_MANAGER = 'argocd-controller';

const KINDS = {
  web: 'Web',
  slow: 'Slow',
  guard: 'Guard',
  badtpl: 'BadTpl',
  late: 'Late',
  komp: 'Komp',
  pulled: 'Pulled',
} as const;
type Box = keyof typeof KINDS;
const api = (box: Box) => ({ group: GROUP, version: 'v1', kind: KINDS[box], plural: `${KINDS[box].toLowerCase()}s` });
const crPath = (box: Box, name: string) => `/apis/${GROUP}/v1/namespaces/${NS}/${api(box).plural}/${name}`;

function katalog(name: string, crds: Katalog['spec']['crds']): Katalog {
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } };
}
const configMapChild = { configMaps: [{ name: '{{ .metadata.name }}', data: { size: '{{ .spec.size }}' } }] };
const GOOD_KATALOG = katalog(GOOD, {
  web: { apiTypes: api('web'), operatorBox: { reconcile: { onReconcile: configMapChild } } },
  // No scheduler or kubelet runs here: a Deployment child never becomes available.
  slow: {
    apiTypes: api('slow'),
    operatorBox: {
      reconcile: { onReconcile: { deployments: [{ name: '{{ .metadata.name }}', image: 'nginx:1.27' }] } },
    },
  },
  guard: {
    apiTypes: api('guard'),
    operatorBox: { reconcile: { onReconcile: configMapChild } },
    admission: { validation: { rules: [{ field: 'spec.size', lte: 5, message: 'size must be at most 5' }] } },
  },
});
const BROKEN_KATALOG = katalog(BROKEN, {
  badtpl: {
    apiTypes: api('badtpl'),
    operatorBox: {
      reconcile: { onReconcile: { configMaps: [{ name: '{{ .metadata.name }}', data: { size: '{{ .spec.size ' } }] } },
    },
  },
});
const LATE_KATALOG = katalog(LATE, { late: { apiTypes: api('late') } });
/** The Katalog a Komposer imports from a ConfigMap in the test namespace. */
const IMPORTED_KATALOG = katalog('imported', {
  komp: { apiTypes: api('komp'), operatorBox: { reconcile: { onReconcile: configMapChild } } },
});
const IMPORT_CONFIGMAP = 'gitops-imported-katalog';

function komposer(name: string, spec: Komposer['spec']): Komposer {
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Komposer', metadata: { name }, spec };
}
const COMPOSED_KOMPOSER = komposer(COMPOSED, {
  imports: { configMaps: [{ namespace: NS, name: IMPORT_CONFIGMAP, key: 'katalog.yaml' }] },
  crds: { komp: { operatorBox: { reconcile: { workers: 2 } } } },
});

let client: ApiClient;
let controllerClient: ApiClient;
let controller: InProcessController | undefined;
let work: string;
let healthScript: string;
let registry: LocalRegistry | undefined;
let silent: Server | undefined;
const silentSockets = new Set<Socket>();
const created: string[] = [];

/** A TCP server that accepts connections and never answers: a registry that hangs. */
function startSilentRegistry(): Promise<{ server: Server; host: string }> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve({ server, host: `127.0.0.1:${address.port}` });
      else reject(new Error('no port'));
    });
  });
}

async function applyCr(box: Box, name: string, spec: Record<string, unknown>) {
  const path = crPath(box, name);
  if (!created.includes(path)) created.push(path);
  const body = { apiVersion: `${GROUP}/v1`, kind: KINDS[box], metadata: { name, namespace: NS }, spec };
  await serverSideApply(client, path, body);
}

interface Verdicts {
  readonly flux: string;
  readonly argo: string;
  readonly message: string;
  readonly object: KubeObject;
}

/** What Flux (kstatus) and Argo CD (the shipped Lua) say about the live object at `path`. */
async function verdicts(path: string): Promise<Verdicts> {
  const object = await getOrUndefined<KubeObject>(client, path);
  if (!object) throw new Error(`${path} not found`);
  const [flux, argo] = await Promise.all([kstatus(object), argoHealth(healthScript, object)]);
  return { flux: flux.status, argo: argo.status, message: argo.message, object };
}

/** Waits until Flux and Argo CD agree on the expected verdicts for the object at `path`. */
function expectVerdicts(path: string, flux: string, argo: string, timeoutMs = 20_000): Promise<Verdicts> {
  return eventually(
    `${path}: kstatus ${flux}, Argo CD ${argo}`,
    async () => {
      const v = await verdicts(path);
      if (v.flux !== flux || v.argo !== argo) {
        throw new Error(
          `kstatus ${v.flux}, Argo CD ${v.argo} (${v.message}); status ${JSON.stringify(v.object.status)}`,
        );
      }
      return v;
    },
    timeoutMs,
    200,
  );
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  work = await mkdtemp(`${tmpdir()}/orkestra-gitops-`);
  healthScript = `${root}deploy/argocd/health.lua`;
  await gitopsToolsDir();
  await applyOrkestraCrds();
  for (const box of ['web', 'slow', 'guard', 'badtpl', 'komp', 'pulled'] as const)
    await createCrd(client, testCrd(GROUP, KINDS[box]));
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(
    ['apply', '-f', '-'],
    stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: IMPORT_CONFIGMAP, namespace: NS },
      data: { 'katalog.yaml': stringify(IMPORTED_KATALOG) },
    }),
  );
  controller = startInProcessController(controllerClient);
});

after(async () => {
  try {
    await deleteAndWaitGone(client, created);
  } finally {
    await controller?.stop();
    await kubectlOk(['delete', 'katalog', GOOD, BROKEN, LATE, '--ignore-not-found']);
    await kubectlOk(['delete', 'komposer', COMPOSED, SILENT, ORPHAN, PULLED, '--ignore-not-found']);
    for (const socket of silentSockets) socket.destroy();
    silent?.close();
    await registry?.close();
    for (const kind of Object.values(KINDS)) {
      await kubectlOk(['delete', 'crd', `${kind.toLowerCase()}s.${GROUP}`, '--ignore-not-found', '--wait=false']);
    }
    await kubectlOk(['delete', 'clusterroles', '-l', `orkestra.orkspace.io/katalog=${GOOD}`, '--ignore-not-found']);
    await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
    await rm(work, { recursive: true, force: true });
    client?.close();
    controllerClient?.close();
  }
});

describe('Flux (kstatus) and Argo CD (Lua health) on live Orkestra objects', () => {
  test('argocd-cm.yaml carries deploy/argocd/health.lua under every health key', async () => {
    const cm = parse(await readFile(`${root}deploy/argocd/argocd-cm.yaml`, 'utf8')) as { data: Record<string, string> };
    const lua = await readFile(healthScript, 'utf8');
    const health = Object.entries(cm.data).filter(([k]) => k.startsWith('resource.customizations.health.'));
    assert.deepEqual(
      health.map(([k]) => k),
      [
        'resource.customizations.health.orkestra.orkspace.io_Katalog',
        'resource.customizations.health.orkestra.orkspace.io_Komposer',
        'resource.customizations.health.demo.orkestra.io_*',
      ],
    );
    for (const [key, script] of health) assert.equal(script, lua, key);
  });

  test('a Katalog is InProgress / Progressing while a box waits for its CRD, then Current / Healthy', async () => {
    await serverSideApply(client, `${KATALOGS}/${LATE}`, LATE_KATALOG as unknown as KubeObject);
    const waiting = await expectVerdicts(`${KATALOGS}/${LATE}`, 'InProgress', 'Progressing');
    assert.match(waiting.message, /late: WaitingForCRD/);
    await createCrd(client, testCrd(GROUP, KINDS.late));
    const running = await expectVerdicts(`${KATALOGS}/${LATE}`, 'Current', 'Healthy');
    assert.equal(running.message, '1 boxes running');
  });

  test('a Katalog with a template that does not parse is Failed / Degraded, and so are its custom resources', async () => {
    // The custom resource exists when the box fails: Orkestra marks the ones it finds then.
    await applyCr('badtpl', 'b1', { size: 1 });
    await serverSideApply(client, `${KATALOGS}/${BROKEN}`, BROKEN_KATALOG as unknown as KubeObject);
    const v = await expectVerdicts(`${KATALOGS}/${BROKEN}`, 'Failed', 'Degraded');
    assert.match(
      v.message,
      /^badtpl: Failed \(spec\.crds\.badtpl\.operatorBox\.reconcile\.onReconcile\.configMaps\[0\]/,
    );
    const cr = await expectVerdicts(crPath('badtpl', 'b1'), 'Failed', 'Degraded');
    assert.match(cr.message, new RegExp(`^box badtpl of Katalog ${BROKEN} is Failed, .*: spec\\.crds\\.badtpl\\.`));
  });

  test('an applied Katalog converges and shows no server-side diff against its Git source', async () => {
    const file = `${work}/katalog.yaml`;
    await writeFile(file, stringify(GOOD_KATALOG));
    await kubectlOk(['apply', '--server-side', `--field-manager=${ARGO_MANAGER}`, '-f', file]);
    const v = await expectVerdicts(`${KATALOGS}/${GOOD}`, 'Current', 'Healthy');
    assert.equal(v.message, '3 boxes running');
    const diff = await kubectl(['diff', '--server-side', `--field-manager=${ARGO_MANAGER}`, '-f', file]);
    assert.equal(diff.code, 0, `no diff expected:\n${diff.stdout}${diff.stderr}`);
    assert.equal(diff.stdout, '');
  });

  test('a custom resource is Current / Healthy once its children are ready', async () => {
    await applyCr('web', 'w1', { size: 1 });
    const v = await expectVerdicts(crPath('web', 'w1'), 'Current', 'Healthy');
    assert.equal(v.message, '1 children ready');
  });

  test('a custom resource whose child is not ready is InProgress / Progressing, naming the child', async () => {
    await applyCr('slow', 's1', { size: 1 });
    const v = await expectVerdicts(crPath('slow', 's1'), 'InProgress', 'Progressing');
    assert.match(v.message, /^Deployment s1: /);
  });

  test('a custom resource denied by a validation rule is Failed / Degraded, with the rule message', async () => {
    await applyCr('guard', 'g1', { size: 9 });
    const v = await expectVerdicts(crPath('guard', 'g1'), 'Failed', 'Degraded');
    assert.match(v.message, /size must be at most 5/);
    await applyCr('guard', 'g1', { size: 2 });
    await expectVerdicts(crPath('guard', 'g1'), 'Current', 'Healthy');
  });

  test('a Komposer is InProgress / Progressing while its imports resolve, then Failed / Degraded when an import cannot be resolved', async () => {
    const hung = await startSilentRegistry();
    silent = hung.server;
    const ref = `${hung.host}/patterns/never:1`;
    await serverSideApply(
      client,
      `${KOMPOSERS}/${SILENT}`,
      komposer(SILENT, { imports: { oci: [{ ref, plainHTTP: true }] } }) as unknown as KubeObject,
    );
    const resolving = await expectVerdicts(`${KOMPOSERS}/${SILENT}`, 'InProgress', 'Progressing');
    assert.equal(resolving.message, 'resolving ConfigMap and OCI imports');
    // The registry client gives up after 10 s without an answer.
    const failed = await expectVerdicts(`${KOMPOSERS}/${SILENT}`, 'Failed', 'Degraded', 30_000);
    assert.equal(failed.message, `OCI ${ref}: registry ${hung.host} did not answer within the timeout`);
  });

  test('a Komposer whose override names no imported box is Failed / Degraded, naming the box', async () => {
    await serverSideApply(
      client,
      `${KOMPOSERS}/${ORPHAN}`,
      komposer(ORPHAN, {
        imports: { configMaps: [{ namespace: NS, name: IMPORT_CONFIGMAP, key: 'katalog.yaml' }] },
        crds: { nothere: { operatorBox: { reconcile: { workers: 3 } } } },
      }) as unknown as KubeObject,
    );
    const v = await expectVerdicts(`${KOMPOSERS}/${ORPHAN}`, 'Failed', 'Degraded');
    assert.equal(v.message, 'spec.crds.nothere: overrides a box no import declares (imports give: komp)');
  });

  test('a Komposer is Current / Healthy once its imported boxes run, and its custom resources converge', async () => {
    // Runs the same box (kind Komp) as the orphan Komposer above, which must go first.
    await kubectlOk(['delete', 'komposer', ORPHAN, '--wait']);
    await serverSideApply(client, `${KOMPOSERS}/${COMPOSED}`, COMPOSED_KOMPOSER as unknown as KubeObject);
    const v = await expectVerdicts(`${KOMPOSERS}/${COMPOSED}`, 'Current', 'Healthy');
    assert.equal(v.message, '1 boxes running');
    await applyCr('komp', 'k1', { size: 1 });
    await expectVerdicts(crPath('komp', 'k1'), 'Current', 'Healthy');
  });

  test('a Komposer whose registry goes away keeps its boxes: kstatus InProgress, Argo CD Degraded with the reason', async () => {
    registry = await startRegistry();
    const ref = `${registry.host}/patterns/pulled:1`;
    const file = `${work}/pulled.yaml`;
    await writeFile(
      file,
      stringify(
        katalog('pulled', {
          pulled: { apiTypes: api('pulled'), operatorBox: { reconcile: { onReconcile: configMapChild } } },
        }),
      ),
    );
    const pushed = await orkestra(['push', file, ref, '--plain-http']);
    assert.equal(pushed.code, 0, pushed.stderr);
    await serverSideApply(
      client,
      `${KOMPOSERS}/${PULLED}`,
      komposer(PULLED, {
        imports: { oci: [{ ref, plainHTTP: true }] },
        refreshInterval: '1s',
      }) as unknown as KubeObject,
    );
    await expectVerdicts(`${KOMPOSERS}/${PULLED}`, 'Current', 'Healthy');
    await registry.stop();
    // Ready=False (ImportsDegraded) keeps kstatus at InProgress: Flux waits for the registry to
    // come back. The Degraded condition makes Argo CD show the Komposer no longer follows its source.
    const v = await expectVerdicts(`${KOMPOSERS}/${PULLED}`, 'InProgress', 'Degraded');
    assert.match(
      v.message,
      new RegExp(`^running the last resolved content; OCI ${ref.replaceAll('.', '\\.')}: cannot reach the registry`),
    );
    await registry.start();
    await expectVerdicts(`${KOMPOSERS}/${PULLED}`, 'Current', 'Healthy');
  });

  test('neither tool reports Current / Healthy while observedGeneration lags generation', async () => {
    await expectVerdicts(crPath('web', 'w1'), 'Current', 'Healthy');
    await expectVerdicts(`${KATALOGS}/${GOOD}`, 'Current', 'Healthy');
    await expectVerdicts(`${KOMPOSERS}/${COMPOSED}`, 'Current', 'Healthy');
    // With the controller stopped nothing observes the new generations.
    await controller?.stop();
    controller = undefined;
    await applyCr('web', 'w1', { size: 2 });
    await serverSideApply(client, `${KATALOGS}/${GOOD}`, {
      ...GOOD_KATALOG,
      spec: { ...GOOD_KATALOG.spec, description: 'changed in Git' },
    } as unknown as KubeObject);
    await serverSideApply(client, `${KOMPOSERS}/${COMPOSED}`, {
      ...COMPOSED_KOMPOSER,
      spec: { ...COMPOSED_KOMPOSER.spec, description: 'changed in Git' },
    } as unknown as KubeObject);
    for (const path of [crPath('web', 'w1'), `${KATALOGS}/${GOOD}`, `${KOMPOSERS}/${COMPOSED}`]) {
      const v = await verdicts(path);
      const generation = v.object.metadata.generation;
      assert.equal(v.flux, 'InProgress', path);
      assert.equal(v.argo, 'Progressing', path);
      assert.equal(v.message, `Waiting for Orkestra to observe generation ${generation}`);
    }
    controller = startInProcessController(controllerClient);
    await expectVerdicts(crPath('web', 'w1'), 'Current', 'Healthy');
    await expectVerdicts(`${KATALOGS}/${GOOD}`, 'Current', 'Healthy');
    await expectVerdicts(`${KOMPOSERS}/${COMPOSED}`, 'Current', 'Healthy');
  });
});
