// Typed (TypeScript) hooks against a real kube-apiserver: the example hook of examples/hooks
// computes a ConfigMap and a status field; a hook that loops forever is terminated at its
// timeout and reported while another box's custom resources converge; an edited hook file takes
// effect without a restart; finalize holds the deletion until it says finalized, reading its
// child through the read-only cache accessor. Names carry the process id.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { type InProcessController, startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds } from './support/crds.ts';
import { deleteAndWaitGone, settled } from './support/custom-resources.ts';
import { type Cr, condition, type HookBoxes, hookBoxes } from './support/hook-boxes.ts';
import { kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const EXAMPLE = fileURLToPath(new URL('../examples/hooks/modules/greeting.ts', import.meta.url));

let client: ApiClient;
let controllerClient: ApiClient;
let running: InProcessController | undefined;
let boxes: HookBoxes;
let hooksDir: string;

const ready = (o: Cr | undefined) => condition(o, 'Ready')?.status === 'True';

function writeModule(name: string, source: string) {
  writeFileSync(join(hooksDir, `${name}.ts`), `import { defineHook } from 'orkestra/hooks';\n${source}\n`);
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  boxes = hookBoxes(client, 'hookstyped');
  hooksDir = mkdtempSync(join(tmpdir(), 'orkestra-e2e-hooks-'));
  copyFileSync(EXAMPLE, join(hooksDir, 'greeting.ts'));
  writeModule('spin', 'export default defineHook({ sync() { for (;;) {} } });');
  writeModule(
    'holder',
    `export default defineHook<{ release?: boolean }>({
  sync: (ctx) => ({
    children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ctx.parent.metadata.name + '-held' }, data: { v: 'kept' } }],
  }),
  async finalize(ctx) {
    const cm = await ctx.cache.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ctx.parent.metadata.namespace, name: ctx.parent.metadata.name + '-held' });
    return { finalized: ctx.parent.spec.release === true, status: { cleanup: 'pending', seen: cm?.data?.v ?? 'nothing' } };
  },
});`,
  );
  await applyOrkestraCrds();
  await kubectlOk(['create', 'namespace', boxes.namespace]);
  for (const box of ['greeting', 'spinner', 'holder']) await boxes.crd(box);
  const backoff = { retryBackoff: { initial: '50ms', max: '1s' } };
  await boxes.applyKatalog('greeting', {
    reconcile: {
      workers: 2,
      queue: backoff,
      onReconcile: { services: [{ name: '{{ .metadata.name }}', port: 80, reconcile: true }] },
      managedResources: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      hooks: { module: 'greeting', args: { region: '{{ .metadata.namespace }}' }, timeout: '5s' },
    },
    emit: { status: { fields: [{ path: 'url', value: 'http://{{ .metadata.name }}.{{ .metadata.namespace }}.svc' }] } },
  });
  await boxes.applyKatalog('spinner', { reconcile: { queue: backoff, hooks: { module: 'spin', timeout: '1s' } } });
  await boxes.applyKatalog('holder', {
    reconcile: {
      queue: backoff,
      managedResources: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      hooks: { module: 'holder' },
    },
  });
  running = startInProcessController(controllerClient, { hooksDir });
  for (const box of ['greeting', 'spinner', 'holder']) await boxes.boxStatus(box, (s) => s.phase === 'Running');
});

after(async () => {
  try {
    await client
      .request({
        method: 'PATCH',
        path: boxes.crPath('holder', 'h'),
        contentType: 'application/merge-patch+json',
        body: { spec: { release: true } },
      })
      .catch(() => undefined);
    writeModule('spin', 'export default defineHook({ sync: () => ({}) });');
    await deleteAndWaitGone(client, boxes.created);
  } finally {
    await running?.stop();
    await kubectlOk(['delete', 'katalog', ...boxes.katalogNames(), '--ignore-not-found']);
    for (const crd of boxes.crdNames()) await kubectlOk(['delete', 'crd', crd, '--ignore-not-found', '--wait=false']);
    await kubectlOk(['delete', 'namespace', boxes.namespace, '--ignore-not-found', '--wait=false']);
    rmSync(hooksDir, { recursive: true, force: true });
    client?.close();
    controllerClient?.close();
  }
});

describe('typed hooks', () => {
  test('the example hook adds a ConfigMap and a status field next to the template child', async () => {
    await boxes.applyCr('greeting', 'hello', { who: 'Orkestra' });
    const cr = await settled(
      () => boxes.cr('greeting', 'hello'),
      'greeting from the hook, url from the Katalog, Ready',
      (o) => o.status?.greeting === 'Hello, Orkestra!' && typeof o.status.url === 'string' && ready(o),
    );
    assert.equal(cr.status?.url, `http://hello.${boxes.namespace}.svc`);
    const cm = await boxes.configMap('hello-greeting');
    assert.deepEqual(cm?.data, { greeting: 'Hello, Orkestra!', region: boxes.namespace });
    assert.equal(condition(cr, 'Ready')?.message, '2 children ready');
  });

  test("a hook that loops forever is killed at its timeout and reported; another box's resources converge meanwhile", async () => {
    await boxes.applyCr('spinner', 's', {});
    const spinning = await settled(
      () => boxes.cr('spinner', 's'),
      'the spinner reports its timeout',
      (o) => condition(o, 'Ready')?.status === 'False',
      15_000,
    );
    assert.equal(condition(spinning, 'Ready')?.reason, 'HookFailed');
    assert.match(
      condition(spinning, 'Ready')?.message ?? '',
      /^hook module spin: sync ran longer than its timeout of 1000 ms; its worker was terminated; retrying$/,
    );
    // The spinner keeps retrying (a worker busy for 1 s at a time); the greeting box is not held up.
    const names = ['a', 'b', 'c', 'd', 'e'];
    const started = Date.now();
    for (const n of names) await boxes.applyCr('greeting', n, { who: n, language: 'fr' });
    for (const n of names) {
      await settled(
        () => boxes.cr('greeting', n),
        `greeting ${n} converged`,
        (o) => o.status?.greeting === `Bonjour, ${n}!` && ready(o),
        5_000,
      );
    }
    const tookMs = Date.now() - started;
    const still = await boxes.cr('spinner', 's');
    assert.equal(condition(still, 'Ready')?.reason, 'HookFailed', 'the spinner was failing all along');
    assert.ok(tookMs < 5_000, `five greetings converged in ${tookMs} ms`);
  });

  test('an edited hook file takes effect without a restart', async () => {
    const source = readFileSync(EXAMPLE, 'utf8').replace("en: 'Hello'", "en: 'Hi there'");
    assert.notEqual(source, readFileSync(EXAMPLE, 'utf8'));
    writeFileSync(join(hooksDir, 'greeting.ts'), source);
    await boxes.applyCr('greeting', 'hello', { who: 'again' });
    await settled(
      () => boxes.cr('greeting', 'hello'),
      'the edited hook answers',
      (o) => o.status?.greeting === 'Hi there, again!',
    );
    assert.equal((await boxes.configMap('hello-greeting'))?.data?.greeting, 'Hi there, again!');
  });

  test('finalize: finalized: false holds the deletion (reading its child from the cache); true releases it', async () => {
    await boxes.applyCr('holder', 'h', {});
    await settled(
      () => boxes.cr('holder', 'h'),
      'holder ready',
      (o) => ready(o),
    );
    await client.request({ method: 'DELETE', path: boxes.crPath('holder', 'h') });
    const held = await eventually('deletion held by the hook', async () => {
      const o = await boxes.cr('holder', 'h');
      return o?.status?.cleanup === 'pending' ? o : undefined;
    });
    assert.equal(held.status?.seen, 'kept', 'ctx.cache served the child');
    assert.equal(condition(held, 'Ready')?.reason, 'Deleting');
    assert.match(condition(held, 'Ready')?.message ?? '', /hook module holder has not finalized yet/);
    await client.request({
      method: 'PATCH',
      path: boxes.crPath('holder', 'h'),
      contentType: 'application/merge-patch+json',
      body: { spec: { release: true } },
    });
    await eventually('custom resource gone once finalized', async () => (await boxes.cr('holder', 'h')) === undefined);
  });
});
