// The bundled controller (dist/orkestra, controller/cli/bundle.ts), as bin/orkestra runs it: it
// reconciles a Website into its Deployment, Service and ConfigMap on the real control plane,
// serves the Control Center's assets (found beside their source modules), and, like the
// unbundled `run`, never loads @kubernetes/client-node itself, nor Node's undici.
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { apply } from '../bench/cluster.ts';
import { crsPath, IMAGE, type Subject, websiteCr, websiteCrd, websiteKatalog } from '../bench/workload.ts';
import { BUNDLE_DIR, buildBundle } from '../controller/cli/bundle.ts';
import { type ApiClient, createApiClient, isNotFound, loadKubeConfig } from '../controller/kube/api-client.ts';
import { applyProjectCrds, createCrd } from './support/crds.ts';
import { serverSideApply } from './support/custom-resources.ts';
import { type OrkestraProcess, startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

// The benchmark's Website: a Deployment, a Service and a ConfigMap per Website. Its kind is this
// suite's own: a second `websites` resource on the shared control plane would make kubectl's
// `website` ambiguous for the suites that follow.
const subject: Subject = {
  namespace: 'default',
  group: `bundle${process.pid}.e2e.orkestra.io`,
  kind: 'BundleSite',
  plural: 'bundlesites',
};
const crdPath = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${subject.plural}.${subject.group}`;
const NS = subject.namespace;
const KATALOG = `bundle-${process.pid}`;
const katalogPath = `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`;
// Records every module URL each process resolves, one `pid url` line per module.
const hookFile = join(tmpdir(), `orkestra-bundle-hook-${process.pid}.mjs`);
const loadedFile = join(tmpdir(), `orkestra-bundle-loaded-${process.pid}.txt`);

let client: ApiClient;
let orkestra: OrkestraProcess;

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await buildBundle();
  await writeFile(
    hookFile,
    `import { registerHooks } from 'node:module';
     import { appendFileSync } from 'node:fs';
     registerHooks({ resolve(specifier, context, next) {
       const r = next(specifier, context);
       appendFileSync(${JSON.stringify(loadedFile)}, process.pid + ' ' + r.url + '\\n');
       return r;
     } });
     // Node's bundled fetch/WebSocket client, loaded as a side effect of ES-importing node:http.
     setInterval(() => appendFileSync(${JSON.stringify(loadedFile)},
       process.pid + ' undici ' + process.moduleLoadList.some((m) => m.includes('undici')) + '\\n'), 500).unref();`,
  );
  await applyProjectCrds();
  await createCrd(client, websiteCrd(subject));
  orkestra = startOrkestra(['--listen', '127.0.0.1:0', '--webhook-listen', '127.0.0.1:0'], {
    env: { ORKESTRA_ENTRY: 'bundle', NODE_OPTIONS: `--import=${pathToFileURL(hookFile).href}` },
  });
});

after(async () => {
  await client.request({ method: 'DELETE', path: katalogPath }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
  await orkestra?.stop();
  await client.request({ method: 'DELETE', path: crdPath }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
  await rm(hookFile, { force: true });
  await rm(loadedFile, { force: true });
  client.close();
});

describe('the bundled controller', () => {
  test('reconciles a Website into a Deployment, a Service and a ConfigMap', async () => {
    await apply(client, katalogPath, websiteKatalog(KATALOG, subject, { workers: 2, events: true }));
    await serverSideApply(client, `${crsPath(subject)}/site-a`, websiteCr(subject, 'site-a'));
    const children = await eventually(
      'the Website children',
      async () => {
        const got = await Promise.all([
          client.request<{ spec: { template: { spec: { containers: { image: string }[] } } } }>({
            method: 'GET',
            path: `/apis/apps/v1/namespaces/${NS}/deployments/site-a`,
          }),
          client.request({ method: 'GET', path: `/api/v1/namespaces/${NS}/services/site-a` }),
          client.request<{ data: Record<string, string> }>({
            method: 'GET',
            path: `/api/v1/namespaces/${NS}/configmaps/site-a-config`,
          }),
        ]).catch((err: unknown) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        return got;
      },
      60_000,
    );
    assert.equal(children[0].spec.template.spec.containers[0]?.image, IMAGE);
    assert.equal(children[2].data.image, IMAGE);
    assert.ok(
      orkestra.lines.every((l) => !l.unparsed),
      'every log line is JSON: nothing printed outside the logger',
    );
  });

  test('serves the Control Center page and its assets', async () => {
    const base = await orkestra.baseUrl();
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    const app = await fetch(`${base}/ui/app.js`);
    assert.equal(app.status, 200);
    assert.equal(await app.text(), await readFile(new URL('../controller/ui/assets/app.js', import.meta.url), 'utf8'));
  });

  test('ran from the bundle and never loaded client-node or undici in the controller process', async () => {
    const pid = String(orkestra.child.pid);
    const own = (await readFile(loadedFile, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith(`${pid} `))
      .map((l) => l.slice(pid.length + 1));
    const bundleUrl = pathToFileURL(BUNDLE_DIR).href;
    assert.ok(own.filter((u) => u.startsWith(bundleUrl)).length > 5, `bundle chunks loaded: ${own.join(' ')}`);
    assert.deepEqual(
      own.filter((u) => u.endsWith('.ts')),
      [],
      'the bundled controller loads no TypeScript source',
    );
    assert.deepEqual(
      own.filter((u) => u.includes('@kubernetes/client-node')),
      [],
    );
    assert.equal(own.filter((l) => l.startsWith('undici ')).at(-1), 'undici false', 'undici was loaded');
  });
});
