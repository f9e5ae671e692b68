// The Control Center in a real browser (Debian's Chromium through playwright-core) against
// `orkestra run` as a process on the real control plane: pages, live updates over Server-Sent
// Events, keyboard navigation, an axe-core accessibility check, and no API-server load from
// the open pages. Screenshots of each page go to e2e/artifacts/control-center/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { launchChromium } from './support/browser.ts';
import { applyProjectCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { type OrkestraProcess, startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const ARTIFACTS = `${root}e2e/artifacts/control-center`;
const NS = `ui-${process.pid}`;
const BROKEN_GROUP = `ui${process.pid}.e2e.orkestra.io`;
const BROKEN = `ui-broken-${process.pid}`;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let client: ApiClient;
let orkestra: OrkestraProcess;
let browser: Browser;
let base: string;

async function applyWebsite(name: string) {
  await kubectlOk(
    ['apply', '--server-side', '-f', '-'],
    stringify({
      apiVersion: 'demo.orkestra.io/v1alpha1',
      kind: 'Website',
      metadata: { name, namespace: NS },
      spec: { image: 'nginx:1.27', replicas: 1, port: 8080, message: `hello from ${name}` },
    }),
  );
}

async function newPage(width = 1280, height = 800, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
}

/** Serious and critical axe-core violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate<AxeResult>('axe.run()');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyProjectCrds({ examples: true });
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(['apply', '--server-side', '-f', `${root}examples/katalogs/web-platform.yaml`]);
  // A Katalog whose template does not compile: its box must show Failed with the reason.
  await createCrd(client, testCrd(BROKEN_GROUP, 'Gadget'));
  await kubectlOk(
    ['apply', '--server-side', '-f', '-'],
    stringify({
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Katalog',
      metadata: { name: BROKEN },
      spec: {
        crds: {
          gadget: {
            apiTypes: { group: BROKEN_GROUP, version: 'v1', kind: 'Gadget' },
            operatorBox: {
              reconcile: { onCreate: { configMaps: [{ name: '{{ .metadata.name ', data: { a: 'b' } }] } },
            },
          },
        },
      },
    }),
  );
  await applyWebsite('shop');
  orkestra = startOrkestra(['--listen', '127.0.0.1:0']);
  base = await orkestra.baseUrl();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await orkestra?.stop();
  await kubectlOk(['delete', 'katalog', BROKEN, '--ignore-not-found', '--wait=false']);
  await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  client?.close();
});

describe('Control Center', () => {
  test('make-run style startup logs the UI URL, on loopback and without a token', async () => {
    const line = await eventually('the control center log line', () =>
      orkestra.lines.find((l) => l.msg === 'control center'),
    );
    assert.equal(line.url, `${base}/`);
    assert.equal(line.auth, 'open');
  });

  test('overview lists the example Katalog with its box phases, and a broken Katalog Failed with its message', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const web = page.locator('section', { has: page.getByRole('heading', { name: 'Katalog web-platform' }) });
    await web.locator('tr[data-box="website"]').getByText('Running').waitFor({ timeout: 20_000 });
    await web.locator('tr[data-box="database"]').getByText('Running').waitFor();
    const broken = page.locator('section', { has: page.getByRole('heading', { name: `Katalog ${BROKEN}` }) });
    const row = broken.locator('tr[data-box="gadget"]');
    await row.getByText('Failed').waitFor();
    assert.match((await row.locator('.message').textContent()) ?? '', /template|parse|unterminated|expected/i);
    // Failed boxes sort first.
    const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
    assert.equal(headings[0], `Katalog ${BROKEN}`);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'overview');
    await page.context().close();
  });

  test('a Website applied while its box page is open appears without a reload', async () => {
    const page = await newPage();
    await page.goto(`${base}/katalogs/web-platform/boxes/website`);
    await page.locator(`tr[data-resource="${NS}/shop"]`).waitFor({ timeout: 15_000 });
    // A marker on window would vanish with a reload.
    await page.evaluate("window.uiMarker = 'same page'");
    await applyWebsite('blog');
    await page.locator(`tr[data-resource="${NS}/blog"]`).waitFor({ timeout: 15_000 });
    assert.equal(await page.evaluate('window.uiMarker'), 'same page');
    // The filters narrow the list on the server and keep the page live.
    await page.getByLabel('Name contains').fill('blo');
    await page.locator(`tr[data-resource="${NS}/shop"]`).waitFor({ state: 'detached' });
    // The filtered page replaces the rows: wait for it rather than count mid-update.
    await page.locator(`tr[data-resource="${NS}/blog"]`).waitFor();
    assert.equal(await page.locator(`tr[data-resource="${NS}/blog"]`).count(), 1);
    assert.match(page.url(), /q=blo/);
    await page.getByLabel('Name contains').fill('');
    await page.locator(`tr[data-resource="${NS}/shop"]`).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'box');
    await page.context().close();
  });

  test('a child deleted with kubectl shows as recreated on the custom resource page', async () => {
    const page = await newPage();
    await page.goto(`${base}/katalogs/web-platform/boxes/website/namespaces/${NS}/shop`);
    const child = page.locator('tr[data-child="ConfigMap/shop-content"]');
    await child.waitFor({ timeout: 20_000 });
    await page.getByRole('cell', { name: 'once' }).first().waitFor();
    await kubectlOk(['delete', 'configmap', '-n', NS, 'shop-content']);
    await child.getByText(/recreated/).waitFor({ timeout: 15_000 });
    assert.ok(
      (await page.locator('tbody tr', { hasText: 'ChildCreated' }).count()) >= 1,
      'the Events list shows the recreation (a first creation makes no Event)',
    );
    // Beside the live children, what `orkestra render` prints: the recreated ConfigMap matches it,
    // and its manifest opens from the keyboard.
    const rendered = page.locator('tr[data-rendered="ConfigMap/shop-content"]');
    await rendered.getByText('in sync').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('tr[data-rendered="Deployment/shop"]').count(), 1);
    await rendered.locator('summary').focus();
    await page.keyboard.press('Enter');
    const manifest = page.getByRole('region', { name: 'Rendered ConfigMap shop-content' });
    await manifest.waitFor();
    assert.match((await manifest.textContent()) ?? '', /kind: ConfigMap[\s\S]*name: shop-content/);
    assert.deepEqual(await seriousViolations(page), []);
    await screenshot(page, 'resource');
    await page.context().close();
  });

  test('keyboard only: from the overview to a custom resource page', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'website' }).waitFor();
    const tabTo = async (text: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate("document.activeElement?.textContent ?? ''");
        if (focused === text) return;
      }
      assert.fail(`Tab never reached "${text}"`);
    };
    await tabTo('website');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/katalogs\/web-platform\/boxes\/website$/);
    await page.locator(`tr[data-resource="${NS}/shop"]`).waitFor();
    // Focus moved to the new page's heading, so Tab continues from the top of the page.
    assert.equal(await page.evaluate('document.activeElement?.id'), 'page-title');
    await tabTo('shop');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/katalogs/web-platform/boxes/website/namespaces/${NS}/shop$`));
    await page.getByRole('heading', { level: 1, name: new RegExp(`Website ${NS}/shop`) }).waitFor();
    await page.context().close();
  });

  test('narrow window and dark theme: no serious accessibility violations on any page', async () => {
    const page = await newPage(390, 800, 'dark');
    for (const [path, name] of [
      ['/', 'overview'],
      ['/katalogs/web-platform/boxes/website', 'box'],
      [`/katalogs/web-platform/boxes/website/namespaces/${NS}/shop`, 'resource'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.locator('#page-title').waitFor();
      assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
      assert.deepEqual(await seriousViolations(page), [], `${name} page`);
      // Nothing wider than the window but the scrollable tables.
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `${name} page overflows by ${overflow}px`);
      await screenshot(page, `${name}-narrow-dark`);
    }
    await page.context().close();
  });

  test('strict CSP and read-only: no inline script, nothing but GET', async () => {
    const res = await fetch(`${base}/katalogs/web-platform/boxes/website`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(await res.text(), /<script>|<script [^>]*>[^<]/);
    const post = await fetch(`${base}/api/ui/view?view=overview`, { method: 'POST' });
    assert.equal(post.status, 404);
  });

  test('open pages add no API-server requests: views come from the caches', async () => {
    const page = await newPage();
    await page.goto(`${base}/katalogs/web-platform/boxes/website/namespaces/${NS}/shop`);
    await page.locator('tr[data-child="ConfigMap/shop-content"]').waitFor();
    const before = await orkestra.apiRequests('GET');
    const pages = [
      '/',
      '/katalogs/web-platform/boxes/website',
      `/katalogs/web-platform/boxes/website/namespaces/${NS}/shop`,
    ];
    const start = Date.now();
    // Navigate through every page repeatedly for 6 s; each holds its stream open meanwhile.
    for (let i = 0; Date.now() - start < 6_000; i++) {
      await page.goto(`${base}${pages[i % pages.length]}`);
      await page.locator('#page-title').waitFor();
      await page.waitForTimeout(300);
    }
    assert.equal(await orkestra.apiRequests('GET'), before, 'GET requests to the API server while the UI was open');
    await page.context().close();
  });

  test('off loopback: refused without a token, and with one the page asks for it', async () => {
    const refused = startOrkestra(['--listen', '0.0.0.0:0']);
    const code = await new Promise<number | null>((resolve) => refused.child.once('exit', resolve));
    assert.equal(code, 2);
    await eventually('the refusal on stderr', () =>
      refused.lines.some((l) =>
        /not a loopback address: pass --ui-token-file FILE .*or --ui=false/.test(String(l.msg)),
      ),
    );

    // The token-protected replica replaces the open one for the rest of the suite.
    await orkestra.stop();
    const dir = mkdtempSync(`${tmpdir()}/orkestra-ui-`);
    const token = randomBytes(24).toString('hex');
    writeFileSync(`${dir}/token`, `${token}\n`, { mode: 0o600 });
    orkestra = startOrkestra(['--listen', '0.0.0.0:0', '--ui-token-file', `${dir}/token`]);
    const port = new URL(await orkestra.baseUrl()).port;
    const local = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${local}/api/ui/view?view=overview`)).status, 401);

    const page = await newPage();
    await page.goto(`${local}/`);
    await page.getByRole('heading', { name: 'Access token' }).waitFor();
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Katalog web-platform' }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });
});
