// Komposer resolution against the real API server and a real CNCF Distribution registry: OCI
// imports by tag (swapped when the tag moves), overrides, conflicts, ConfigMap imports checked
// by ajv, pull Secrets for a TLS + basic-auth registry, and a registry that goes away mid-run.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Box } from '../api-types/box.ts';
import type { Katalog } from '../api-types/katalog.ts';
import type { Komposer, KomposerStatus } from '../api-types/komposer.ts';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import { silentLogger } from '../controller/observe/log.ts';
import { type RootController, startRootController } from '../controller/root/root-controller.ts';
import { type LocalRegistry, startRegistry } from './registry/registry.ts';
import { applyOrkestraCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { orkestra } from './support/run-command.ts';
import { eventually } from './support/wait.ts';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const GROUP = `komposer${process.pid}.e2e.orkestra.io`;
const NS = `komposer-${process.pid}`;
const KINDS = ['Website', 'Database', 'Cache', 'Queue', 'Search', 'Site'];

let client: ApiClient;
let controller: RootController;
let plain: LocalRegistry;
let secure: LocalRegistry;
let work: string;

const api = (kind: string) => ({ group: GROUP, version: 'v1', kind, plural: `${kind.toLowerCase()}s` });
const box = (kind: string, workers = 1): Box =>
  ({ apiTypes: api(kind), operatorBox: { reconcile: { workers } } }) as Box;
function katalog(name: string, crds: Record<string, Box>): Katalog {
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name }, spec: { crds } };
}

async function apply(resource: 'katalogs' | 'komposers', body: object & { metadata: { name: string } }) {
  await client.request({
    method: 'PATCH',
    path: `/apis/orkestra.orkspace.io/v1alpha1/${resource}/${body.metadata.name}`,
    query: { fieldManager: 'e2e', force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
}
async function remove(resource: 'katalogs' | 'komposers', name: string) {
  try {
    await client.request({ method: 'DELETE', path: `/apis/orkestra.orkspace.io/v1alpha1/${resource}/${name}` });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
function komposer(name: string, spec: Komposer['spec']): Komposer {
  return { apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Komposer', metadata: { name }, spec };
}
async function status(name: string): Promise<KomposerStatus> {
  const k = await client.request<Komposer>({
    method: 'GET',
    path: `/apis/orkestra.orkspace.io/v1alpha1/komposers/${name}`,
  });
  return k.status ?? {};
}
/** A ConfigMap in the test namespace holding `doc` under katalog.yaml. */
async function applyKatalogConfigMap(name: string, doc: unknown) {
  await kubectlOk(
    ['apply', '-f', '-'],
    stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: NS },
      data: { 'katalog.yaml': stringify(doc) },
    }),
  );
}
/** The Komposer's status once its first import reports an error. */
function firstImportError(name: string): Promise<KomposerStatus> {
  return eventually(
    `an import error on Komposer ${name}`,
    async () => {
      const got = await status(name);
      return got.imports?.[0]?.error ? got : undefined;
    },
    15_000,
  );
}
const condition = (s: KomposerStatus, type: string) => s.conditions?.find((c) => c.type === type);

/** Pushes a Katalog with the CLI; resolves to the digest it printed. */
async function push(k: Katalog, ref: string, flags: readonly string[]): Promise<string> {
  const file = join(work, `${k.metadata.name}-${Date.now()}.yaml`);
  await writeFile(file, stringify(k));
  const r = await orkestra(['push', file, ref, ...flags]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString().trim();
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'orkestra-komposer-'));
  [plain, secure] = await Promise.all([
    startRegistry(),
    startRegistry({ tls: true, users: { puller: 'right-password' } }),
  ]);
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyOrkestraCrds();
  await kubectlOk(['create', 'namespace', NS]);
  for (const kind of KINDS) await createCrd(client, testCrd(GROUP, kind));
  controller = startRootController({
    client,
    logger: silentLogger,
    namespace: NS,
    reconcilerFor: () => async () => undefined,
    statusRefreshMs: 500,
  });
  await controller.waitForSync();
});

after(async () => {
  await controller?.stop();
  client?.close();
  await Promise.all([plain?.close(), secure?.close()]);
  if (work) await rm(work, { recursive: true, force: true });
});

const running = (id: string) => controller.boxes().get(id);

describe('Komposer', () => {
  test('an OCI import by tag runs its boxes, shows the digest, and swaps when the tag moves', async () => {
    const ref = `${plain.host}/patterns/data:stable`;
    const first = await push(katalog('data', { database: box('Database', 1) }), ref, ['--plain-http']);
    await apply(
      'komposers',
      komposer('oci-tag', { imports: { oci: [{ ref, plainHTTP: true }] }, refreshInterval: '2s' }),
    );
    await eventually(
      'box database Running with the pushed digest',
      async () => {
        const s = await status('oci-tag');
        return s.boxes?.database?.phase === 'Running' && s.imports?.[0]?.digest === first;
      },
      15_000,
    );
    const s = await status('oci-tag');
    assert.equal(s.boxes?.database?.source, `OCI ${ref}`);
    assert.equal(condition(s, 'Ready')?.status, 'True');
    assert.equal(running('oci-tag/database')?.config().box.operatorBox?.reconcile?.workers, 1);

    const second = await push(katalog('data', { database: box('Database', 3) }), ref, ['--plain-http']);
    const pushedAt = Date.now();
    assert.notEqual(second, first);
    await eventually(
      'the box runs the new version',
      () => running('oci-tag/database')?.config().box.operatorBox?.reconcile?.workers === 3,
      10_000,
    );
    const swapMs = Date.now() - pushedAt;
    await eventually(
      'status shows the new digest',
      async () => (await status('oci-tag')).imports?.[0]?.digest === second,
    );
    // One refresh (2 s) plus the HEAD, manifest and layer fetch and a root pass, on a loaded machine.
    assert.ok(swapMs <= 2_000 + 3_000, `swap took ${swapMs} ms after the push with a 2 s refresh`);
    console.log(`# tag moved -> box swapped: ${swapMs} ms (refreshInterval 2s)`);
    await remove('komposers', 'oci-tag');
    await eventually('its boxes stop with the Komposer', () => !running('oci-tag/database'));
  });

  test('overrides: workers 8 is what the box runs with; enabled: false stops exactly that box', async () => {
    await apply('katalogs', katalog('web', { website: box('Website', 2), cache: box('Cache', 1) }));
    await eventually('the Katalog runs its own boxes first', () => running('web/website') && running('web/cache'));
    await apply(
      'komposers',
      komposer('platform', {
        imports: { katalogs: ['web'] },
        crds: { website: { operatorBox: { reconcile: { workers: 8 } } } },
      }),
    );
    await eventually('the boxes move under the Komposer', () => running('platform/website') && !running('web/website'));
    assert.equal(running('platform/website')?.config().box.operatorBox?.reconcile?.workers, 8);
    assert.deepEqual(
      controller.observed().filter((o) => o.planned.katalog === 'web'),
      [],
      'a composed Katalog runs once, through the Komposer: nothing is planned for it on its own',
    );
    await eventually(
      'workers 8 in Komposer status',
      async () => (await status('platform')).boxes?.website?.workers === 8,
    );
    await eventually('the Katalog says it is composed', async () => {
      const k = await client.request<Katalog>({
        method: 'GET',
        path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs/web',
      });
      return k.status?.composedBy === 'platform' && k.status.boxes?.website?.workers === 8;
    });

    await apply(
      'komposers',
      komposer('platform', {
        imports: { katalogs: ['web'] },
        crds: { website: { operatorBox: { reconcile: { workers: 8 } } }, cache: { enabled: false } },
      }),
    );
    await eventually('cache stopped', () => !running('platform/cache'));
    assert.ok(running('platform/website'), 'website keeps running');
    await eventually(
      'cache Stopped in status',
      async () => (await status('platform')).boxes?.cache?.phase === 'Stopped',
    );

    await remove('komposers', 'platform');
    await eventually(
      'deleting the Komposer releases the Katalog',
      () => running('web/website') && running('web/cache'),
    );
    await eventually('the Katalog no longer says composed', async () => {
      const k = await client.request<Katalog>({
        method: 'GET',
        path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs/web',
      });
      return k.status?.composedBy === undefined && k.status?.boxes?.website?.workers === 2;
    });
    await remove('katalogs', 'web');
  });

  test('the same box from two imports is Failed naming both sources; the other boxes keep running', async () => {
    await apply('katalogs', katalog('left', { search: box('Search'), queue: box('Queue') }));
    await applyKatalogConfigMap('right', katalog('right', { search: box('Site') }));
    await apply(
      'komposers',
      komposer('clash', {
        imports: { katalogs: ['left'], configMaps: [{ namespace: NS, name: 'right', key: 'katalog.yaml' }] },
      }),
    );
    await eventually(
      'search Failed naming both imports',
      async () => {
        const s = await status('clash');
        return (
          s.boxes?.search?.phase === 'Failed' &&
          s.boxes.search.message?.includes('Katalog left') &&
          s.boxes.search.message.includes(`ConfigMap ${NS}/right/katalog.yaml`) &&
          s.boxes?.queue?.phase === 'Running'
        );
      },
      15_000,
    );
    const s = await status('clash');
    assert.equal(condition(s, 'Stalled')?.status, 'True');
    assert.equal(condition(s, 'Stalled')?.reason, 'ImportConflict');
    assert.ok(!running('clash/search'), 'no controller for the conflicting box');
    assert.ok(running('clash/queue'));
    await remove('komposers', 'clash');
    await remove('katalogs', 'left');
  });

  test('a ConfigMap import that is not a valid Katalog reports the ajv field path; a Komposer is refused', async () => {
    const bad = katalog('bad', { search: box('Search') }) as unknown as {
      spec: { crds: { search: Record<string, unknown> } };
    };
    bad.spec.crds.search.operatorBox = { reconcile: { workers: 'many' } };
    await applyKatalogConfigMap('bad', bad);
    await apply(
      'komposers',
      komposer('invalid', { imports: { configMaps: [{ namespace: NS, name: 'bad', key: 'katalog.yaml' }] } }),
    );
    const s = await firstImportError('invalid');
    assert.match(s.imports?.[0]?.error ?? '', /spec\.crds\.search\.operatorBox\.reconcile\.workers: must be integer/);
    assert.equal(condition(s, 'Ready')?.status, 'False');
    assert.equal(condition(s, 'Ready')?.reason, 'ImportFailed');
    await remove('komposers', 'invalid');

    await applyKatalogConfigMap('nested', komposer('inner', { imports: { katalogs: ['web'] } }));
    await apply(
      'komposers',
      komposer('outer', { imports: { configMaps: [{ namespace: NS, name: 'nested', key: 'katalog.yaml' }] } }),
    );
    const nested = await firstImportError('outer');
    assert.equal(nested.imports?.[0]?.name, `${NS}/nested/katalog.yaml`);
    assert.match(nested.imports?.[0]?.error ?? '', /a Komposer cannot import a Komposer/);
    assert.equal(condition(nested, 'Stalled')?.status, 'True');
    await remove('komposers', 'outer');
  });

  test('TLS + basic auth: a pull Secret works; a wrong password is a clear status', async () => {
    const ref = `${secure.host}/private/queue:1`;
    await push(katalog('private', { queue: box('Queue') }), ref, [
      '--ca-file',
      secure.caFile as string,
      '-u',
      'puller',
      '-p',
      'right-password',
    ]);
    const ca = await import('node:fs/promises').then((fs) => fs.readFile(secure.caFile as string, 'utf8'));
    await kubectlOk(['-n', NS, 'create', 'configmap', 'registry-ca', `--from-literal=ca.crt=${ca}`]);
    await kubectlOk([
      '-n',
      NS,
      'create',
      'secret',
      'docker-registry',
      'good',
      `--docker-server=${secure.host}`,
      '--docker-username=puller',
      '--docker-password=right-password',
    ]);
    await kubectlOk([
      '-n',
      NS,
      'create',
      'secret',
      'generic',
      'wrong',
      '--type=kubernetes.io/basic-auth',
      '--from-literal=username=puller',
      '--from-literal=password=wrong',
    ]);
    const oci = (secret: string) => [{ ref, secretRef: { name: secret }, caConfigMapRef: { name: 'registry-ca' } }];
    await apply('komposers', komposer('private-good', { imports: { oci: oci('good') } }));
    await apply('komposers', komposer('private-bad', { imports: { oci: oci('wrong') } }));
    await eventually(
      'pulled with the Secret',
      async () => (await status('private-good')).boxes?.queue?.phase === 'Running',
      15_000,
    );
    const bad = await firstImportError('private-bad');
    assert.match(
      bad.imports?.[0]?.error ?? '',
      /authentication failed for user "puller" \(HTTP 401\); check the username and password/,
    );
    assert.equal(condition(bad, 'Ready')?.reason, 'ImportFailed');
    await remove('komposers', 'private-good');
    await remove('komposers', 'private-bad');
  });

  test('registry stopped mid-run: boxes keep running and the Komposer is Degraded; restarted: Ready', async () => {
    const ref = `${plain.host}/patterns/outage:1`;
    const digest = await push(katalog('outage', { site: box('Site') }), ref, ['--plain-http']);
    await apply(
      'komposers',
      komposer('outage', { imports: { oci: [{ ref, plainHTTP: true }] }, refreshInterval: '1s' }),
    );
    await eventually(
      'Ready with the box running',
      async () => condition(await status('outage'), 'Ready')?.status === 'True',
      15_000,
    );
    const before = running('outage/site');
    assert.ok(before);
    // The same artifact pinned by digest, in a Komposer of its own (one box per kind: another kind).
    const pinnedRef = `${plain.host}/patterns/pinned@${await push(katalog('pinned', { search: box('Search') }), `${plain.host}/patterns/pinned:1`, ['--plain-http'])}`;
    const pinned = (refreshInterval: string) =>
      komposer('pinned', { imports: { oci: [{ ref: pinnedRef, plainHTTP: true }] }, refreshInterval });
    await apply('komposers', pinned('1s'));
    await eventually('pinned Ready', async () => condition(await status('pinned'), 'Ready')?.status === 'True', 15_000);

    await plain.stop();
    const degraded = await eventually(
      'Degraded',
      async () => {
        const s = await status('outage');
        return condition(s, 'Degraded')?.status === 'True' ? s : undefined;
      },
      15_000,
    );
    assert.equal(running('outage/site'), before, 'the same box keeps running');
    assert.equal(degraded.imports?.[0]?.digest, digest, 'the last resolved digest stays');
    assert.match(degraded.imports?.[0]?.error ?? '', /cannot reach the registry 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.equal(degraded.boxes?.site?.phase, 'Running');
    // A Komposer change re-resolves its imports; a digest-pinned one never goes back to the registry.
    await apply('komposers', pinned('2s'));
    const generation = (
      await client.request<Komposer>({ method: 'GET', path: '/apis/orkestra.orkspace.io/v1alpha1/komposers/pinned' })
    ).metadata.generation;
    const pinnedStatus = await eventually('pinned status for the new generation', async () => {
      const s = await status('pinned');
      return s.observedGeneration === generation && condition(s, 'Reconciling')?.status === 'False' ? s : undefined;
    });
    assert.equal(condition(pinnedStatus, 'Degraded')?.status, 'False', 'the pinned import did not touch the registry');
    assert.equal(condition(pinnedStatus, 'Ready')?.status, 'True');

    await plain.start();
    await eventually(
      'Ready again',
      async () => {
        const s = await status('outage');
        return condition(s, 'Ready')?.status === 'True' && condition(s, 'Degraded')?.status === 'False';
      },
      15_000,
    );
    assert.equal(running('outage/site'), before, 'never restarted');
    await remove('komposers', 'outage');
    await remove('komposers', 'pinned');
  });

  test('the examples: platform composes web-platform with overrides, caches imports from the registry', async () => {
    const hadKatalog = await client
      .request({ method: 'GET', path: '/apis/orkestra.orkspace.io/v1alpha1/katalogs/web-platform' })
      .then(
        () => true,
        () => false,
      );
    await kubectlOk(['apply', '--server-side', '-R', '-f', `${examples}crds/`]);
    await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-R', '-f', `${examples}crds/`]);
    await kubectlOk(['apply', '--server-side', '-f', `${examples}katalogs/`]);
    const ref = `oci://${plain.host}/examples/cache-platform:1.0.0`;
    const pushed = await orkestra(['push', `${examples}oci/cache-platform.yaml`, ref, '--plain-http']);
    assert.equal(pushed.code, 0, pushed.stderr);
    const template = await readFile(`${examples}komposers/caches.yaml.tmpl`, 'utf8');
    await kubectlOk(['apply', '--server-side', '-f', '-'], template.replaceAll('REGISTRY', plain.host));
    await kubectlOk(['apply', '--server-side', '-f', `${examples}komposers/`]);
    try {
      await eventually(
        'both example Komposers Ready',
        async () =>
          condition(await status('platform'), 'Ready')?.status === 'True' &&
          condition(await status('caches'), 'Ready')?.status === 'True',
        30_000,
      );
      assert.equal(running('platform/website')?.config().box.operatorBox?.reconcile?.workers, 4);
      assert.equal(running('platform/website')?.config().box.operatorBox?.reconcile?.resync, '30s');
      assert.equal(running('caches/cache')?.config().box.operatorBox?.reconcile?.workers, 2);
      assert.ok(!running('web-platform/website'), 'web-platform runs only through the Komposer');
      const printed = await kubectlOk(['get', 'komposers', 'platform', 'caches']);
      assert.match(printed, /NAME\s+IMPORTS\s+BOXES\s+READY\s+AGE/);
      assert.match(printed, /platform\s+1\s+2\s+True/);
      assert.match(printed, /caches\s+1\s+1\s+True/);
    } finally {
      await remove('komposers', 'platform');
      await remove('komposers', 'caches');
      if (!hadKatalog) await remove('katalogs', 'web-platform');
    }
  });
});
