// Remote (HTTP) hooks against a real kube-apiserver, with hook servers on loopback: a hook adds a
// child and a status field, its changed answer is followed, a hook that is down leaves the
// children alone and says so in Ready, and the box converges once it is back. A hook written to
// Metacontroller's documented sync-hook contract (examples/hooks/hook_server.py) works unchanged.
// The deletion path waits for `finalized: true`. Names carry the process id.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { HookRequest } from '../controller/hooks/contract.ts';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { createMetrics, type OrkestraMetrics } from '../controller/observe/metrics.ts';
import { type InProcessController, startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds } from './support/crds.ts';
import { deleteAndWaitGone, serverSideApply, settled } from './support/custom-resources.ts';
import { condition, type HookBoxes, hookBoxes } from './support/hook-boxes.ts';
import { kubectl, kubectlOk } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

type Answer = { status: number; body: unknown };

let client: ApiClient;
let controllerClient: ApiClient;
let running: InProcessController | undefined;
let metrics: OrkestraMetrics;
let boxes: HookBoxes;
let python: ChildProcessWithoutNullStreams | undefined;

// The Node hook server: the test decides its answer and sees every request.
let answer: (req: HookRequest) => Answer = () => ({ status: 200, body: {} });
const seen: { path: string; body: HookRequest; token?: string }[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookRequest;
    const token = req.headers['x-token'] as string | undefined;
    seen.push({ path: req.url ?? '', body, token });
    // The `secured` box's calls are answered here, whatever the test in progress expects.
    const a: Answer = req.url?.startsWith('/secured/')
      ? { status: 200, body: body.finalizing ? {} : { status: { auth: token ?? 'none' } } }
      : answer(body);
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  });
});
let port = 0;
const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
const down = () =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

const gadgetHook = (color: string, extra: Record<string, unknown> = {}) => ({
  children: [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${String(extra.name ?? 'g')}-hook` }, data: { color } },
  ],
  status: { hooked: color },
});

const ready = (o: { status?: unknown } | undefined) =>
  condition(o as Parameters<typeof condition>[0], 'Ready')?.status === 'True';

function writeToken(token: string) {
  return serverSideApply(client, `/api/v1/namespaces/${boxes.namespace}/secrets/hook-token`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'hook-token', namespace: boxes.namespace },
    data: { token: Buffer.from(token).toString('base64') },
  });
}

async function hookCount(code: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`orkestra_hook_requests_total{box=`) && l.includes(`code="${code}"`) && l.includes('gadget'),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  controllerClient = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  boxes = hookBoxes(client, 'hooksremote');
  await listen();
  port = (server.address() as AddressInfo).port;
  python = spawn('python3', [fileURLToPath(new URL('../examples/hooks/hook_server.py', import.meta.url)), '0']);
  const pythonPort = await new Promise<number>((resolve, reject) => {
    python?.stdout.once('data', (d: Buffer) => resolve(Number(d.toString('utf8').trim())));
    python?.once('error', reject);
  });
  await applyOrkestraCrds();
  await kubectlOk(['create', 'namespace', boxes.namespace]);
  for (const box of ['gadget', 'metac', 'both', 'secured']) await boxes.crd(box);
  await writeToken('first');
  await boxes.applyKatalog('secured', {
    reconcile: {
      onReconcile: { configMaps: [{ name: '{{ .metadata.name }}-first', data: { auth: '{{ .status.auth }}' } }] },
      remote: {
        endpoint: `http://127.0.0.1:${port}/secured/{{ .metadata.name }}`,
        runHooksFirst: true,
        auth: { secretRef: { namespace: boxes.namespace, name: 'hook-token', key: 'token' }, header: 'X-Token' },
      },
    },
  });
  await boxes.applyKatalog('gadget', {
    reconcile: {
      queue: { retryBackoff: { initial: '50ms', max: '1s' } },
      onReconcile: { configMaps: [{ name: '{{ .metadata.name }}-tpl', data: { from: 'template' } }] },
      remote: {
        endpoint: `http://127.0.0.1:${port}/sync/{{ .metadata.name }}`,
        timeout: '2s',
        args: { color: '{{ .spec.color }}' },
      },
    },
    emit: { status: { fields: [{ path: 'declared', value: 'yes' }] } },
  });
  await boxes.applyKatalog('metac', {
    reconcile: {
      managedResources: [{ apiVersion: 'v1', kind: 'ConfigMap' }],
      remote: { endpoint: `http://127.0.0.1:${pythonPort}/sync` },
    },
  });
  await boxes.applyKatalog('both', {
    reconcile: { hooks: { module: 'x' }, remote: { endpoint: `http://127.0.0.1:${port}/both` } },
  });
  metrics = createMetrics(undefined, { defaultMetrics: false });
  running = startInProcessController(controllerClient, {
    observeHook: (box, code, seconds) => metrics.observeHook(box, code, seconds),
  });
  await boxes.boxStatus('gadget', (s) => s.phase === 'Running');
  await boxes.boxStatus('metac', (s) => s.phase === 'Running');
  await boxes.boxStatus('secured', (s) => s.phase === 'Running');
});

after(async () => {
  try {
    answer = (req) => ({ status: 200, body: req.finalizing ? { finalized: true } : {} });
    if (!server.listening) await listen();
    await deleteAndWaitGone(client, boxes.created);
  } finally {
    await running?.stop();
    await kubectlOk(['delete', 'katalog', ...boxes.katalogNames(), '--ignore-not-found']);
    for (const crd of boxes.crdNames()) await kubectlOk(['delete', 'crd', crd, '--ignore-not-found', '--wait=false']);
    await kubectlOk(['delete', 'namespace', boxes.namespace, '--ignore-not-found', '--wait=false']);
    python?.kill();
    if (server.listening) await down();
    client?.close();
    controllerClient?.close();
  }
});

describe('remote hooks', () => {
  test('the hook adds a child and a status field; it sees the templates, the children and its args', async () => {
    answer = (req) => ({ status: 200, body: gadgetHook(String(req.args.color), { name: req.parent.metadata.name }) });
    await boxes.applyCr('gadget', 'g', { color: 'red' });
    const cr = await settled(
      () => boxes.cr('gadget', 'g'),
      'gadget g: hook status, declarative status, Ready',
      (o) => o.status?.hooked === 'red' && o.status.declared === 'yes' && ready(o),
    );
    assert.equal(condition(cr, 'Ready')?.message, '2 children ready');
    assert.equal((await boxes.configMap('g-hook'))?.data?.color, 'red');
    assert.equal((await boxes.configMap('g-tpl'))?.data?.from, 'template');
    const last = seen.findLast((s) => s.path === '/sync/g');
    assert.ok(last, 'the endpoint is templated with the name');
    assert.deepEqual(
      last.body.rendered.map((o) => o.metadata.name),
      ['g-tpl'],
    );
    assert.deepEqual(Object.keys(last.body.children), ['ConfigMap.v1']);
    assert.ok(last.body.children['ConfigMap.v1']?.['g-tpl'], 'observed children keyed by kind.apiVersion, then name');
    assert.equal(last.body.finalizing, false);
    assert.ok((await hookCount('200')) > 0, 'calls counted by code');
  });

  test('the hook changes its answer: the child follows, a child it drops is pruned', async () => {
    answer = () => ({
      status: 200,
      body: {
        children: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'g-other' }, data: { color: 'blue' } }],
        status: { hooked: 'blue' },
      },
    });
    await boxes.applyCr('gadget', 'g', { color: 'blue' });
    await eventually('g-other created and g-hook pruned', async () => {
      const other = await boxes.configMap('g-other');
      return other?.data?.color === 'blue' && (await boxes.configMap('g-hook')) === undefined;
    });
    await settled(
      () => boxes.cr('gadget', 'g'),
      'status follows',
      (o) => o.status?.hooked === 'blue',
    );
  });

  test('the hook is down: Ready=False names the endpoint, children stay; back up, the box converges', async () => {
    await down();
    const before = await hookCount('error');
    await boxes.applyCr('gadget', 'g', { color: 'green' });
    const cr = await settled(
      () => boxes.cr('gadget', 'g'),
      'Ready=False naming the endpoint',
      (o) => condition(o, 'Ready')?.status === 'False',
    );
    const readyCondition = condition(cr, 'Ready');
    assert.equal(readyCondition?.reason, 'HookFailed');
    assert.match(
      readyCondition?.message ?? '',
      new RegExp(`hook POST http://127\\.0\\.0\\.1:${port}/sync/g: .*ECONNREFUSED.*; retrying`),
    );
    assert.equal(condition(cr, 'Stalled')?.status, 'False', 'a hook that is down is retried, not stalled');
    assert.equal(cr.status?.hooked, 'blue', "the hook's last status stays");
    assert.equal((await boxes.configMap('g-other'))?.data?.color, 'blue', 'children untouched');
    assert.ok(await boxes.configMap('g-tpl'));
    await eventually('failed calls retried and counted', async () => (await hookCount('error')) > before + 1);

    answer = (req) => ({ status: 200, body: gadgetHook(String(req.args.color), { name: 'g' }) });
    await listen();
    await settled(
      () => boxes.cr('gadget', 'g'),
      'converged after the hook came back',
      (o) => o.status?.hooked === 'green' && ready(o),
      15_000,
    );
    assert.equal((await boxes.configMap('g-hook'))?.data?.color, 'green');
    assert.equal(await boxes.configMap('g-other'), undefined);
  });

  test('a 4xx answer is Stalled with its code and the start of its body; children untouched', async () => {
    answer = () => ({ status: 422, body: `{"error":"color ${'x'.repeat(300)}"}` });
    await boxes.applyCr('gadget', 'g', { color: 'bad' });
    const cr = await settled(
      () => boxes.cr('gadget', 'g'),
      'Stalled on a 422',
      (o) => condition(o, 'Stalled')?.status === 'True',
    );
    const message = condition(cr, 'Ready')?.message ?? '';
    assert.match(message, /answered 422 Unprocessable Entity: \{"error":"color x+…$/);
    assert.ok(message.length < 400, 'only the first 200 bytes of the body');
    assert.equal((await boxes.configMap('g-hook'))?.data?.color, 'green');
  });

  test('an answer that breaks the contract is refused naming the field', async () => {
    answer = () => ({ status: 200, body: { children: [{ apiVersion: 'v1', kind: 'ConfigMap' }] } });
    await boxes.applyCr('gadget', 'g', { color: 'worse' });
    const cr = await settled(
      () => boxes.cr('gadget', 'g'),
      'Stalled on a schema-invalid answer',
      (o) => condition(o, 'Stalled')?.status === 'True' && o.metadata.generation === o.status?.observedGeneration,
    );
    assert.match(condition(cr, 'Ready')?.message ?? '', /response\.children\.0 must have required property 'metadata'/);
    assert.ok(await boxes.configMap('g-hook'), 'children untouched');
  });

  test('finalized: false holds the deletion; true releases it', async () => {
    let release = false;
    answer = (req) => ({
      status: 200,
      body: req.finalizing ? { finalized: release, status: { cleanup: 'pending' } } : gadgetHook('x', { name: 'f' }),
    });
    await boxes.applyCr('gadget', 'f', { color: 'x' });
    await settled(
      () => boxes.cr('gadget', 'f'),
      'f ready',
      (o) => ready(o),
    );
    await client.request({ method: 'DELETE', path: boxes.crPath('gadget', 'f') });
    const held = await eventually('deletion held by the hook', async () => {
      const o = await boxes.cr('gadget', 'f');
      return o?.status?.cleanup === 'pending' ? o : undefined;
    });
    assert.equal(condition(held, 'Ready')?.reason, 'Deleting');
    assert.match(condition(held, 'Ready')?.message ?? '', /remote hook has not finalized yet/);
    assert.ok(
      seen.some((s) => s.path === '/sync/f' && s.body.finalizing),
      'finalizing: true sent',
    );
    release = true;
    await eventually('custom resource gone once finalized', async () => (await boxes.cr('gadget', 'f')) === undefined);
  });

  test("a hook written to Metacontroller's sync contract (the Python example) works unchanged", async () => {
    await boxes.applyCr('metac', 'm', { who: 'Metacontroller' });
    await eventually('ConfigMap from the Python hook', async () => {
      const cm = await boxes.configMap('m-from-python');
      return cm?.data?.greeting === 'Hello, Metacontroller!';
    });
    await settled(
      () => boxes.cr('metac', 'm'),
      'status from the Python hook, counting the child it observes',
      (o) => o.status?.greeting === 'Hello, Metacontroller!' && o.status.configMaps === 1 && ready(o),
    );
  });

  test('runHooksFirst: templates see the status of a hook that ran first; its auth header follows the Secret', async () => {
    await boxes.applyCr('secured', 's', { n: 1 });
    await eventually('template child rendered from the hook status', async () => {
      return (await boxes.configMap('s-first'))?.data?.auth === 'first';
    });
    const first = seen.findLast((r) => r.path === '/secured/s');
    assert.deepEqual(first?.body.rendered, [], 'a hook that runs first sees no rendered children');
    await writeToken('rotated');
    await boxes.applyCr('secured', 's', { n: 2 });
    await eventually(
      'the rotated token is sent',
      async () => (await boxes.configMap('s-first'))?.data?.auth === 'rotated',
    );
  });

  test('the API server accepts the example Katalogs and refuses an endpoint that is not http(s) (CEL)', async () => {
    const examples = fileURLToPath(new URL('../examples/hooks/', import.meta.url));
    const dryRun = ['apply', '--server-side', '--dry-run=server'];
    await kubectlOk([...dryRun, '-f', `${examples}katalog-typed.yaml`, '-f', `${examples}katalog-remote.yaml`]);
    const refused = await kubectl(
      dryRun.concat(['-f', '-']),
      JSON.stringify({
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Katalog',
        metadata: { name: `hooks-cel-${process.pid}` },
        spec: {
          crds: {
            x: {
              apiTypes: { group: 'x.example.io', version: 'v1', kind: 'X' },
              operatorBox: { reconcile: { remote: { endpoint: 'ftp://h/x' } } },
            },
          },
        },
      }),
    );
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /spec\.crds\[x\]\.operatorBox\.reconcile\.remote\.endpoint: Invalid value: .*endpoint must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  test('a box with both a typed and a remote hook is Failed, saying why', async () => {
    const s = await boxes.boxStatus('both', (b) => b.phase === 'Failed');
    assert.match(s.message ?? '', /spec\.crds\.both\.operatorBox\.reconcile: set hooks .* or remote .*, not both/);
  });
});
