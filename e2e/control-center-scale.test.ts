// The Control Center with 1,000 custom resources in one box: the box page shows its first rows
// within a second, and one open page grows the controller's resident memory by less than 10 MiB.
// Both figures are printed as test diagnostics.
import assert from 'node:assert/strict';
import { availableParallelism, loadavg } from 'node:os';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { stringify } from 'yaml';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { launchChromium } from './support/browser.ts';
import { applyProjectCrds, createCrd, testCrd } from './support/crds.ts';
import { kubectlOk } from './support/kubectl.ts';
import { type OrkestraProcess, startOrkestra } from './support/orkestra-process.ts';
import { eventually } from './support/wait.ts';

const GROUP = `uiscale${process.pid}.e2e.orkestra.io`;
const KATALOG = `ui-scale-${process.pid}`;
const NS = `ui-scale-${process.pid}`;
const COUNT = 1_000;
const MiB = 1024 * 1024;

let client: ApiClient;
let orkestra: OrkestraProcess;
let browser: Browser;

/** Largest RSS seen over `ms`, sampled every 100 ms; the largest is what a memory limit meets. */
async function peakRss(ms: number, during?: () => Promise<void>): Promise<number> {
  let peak = orkestra.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, orkestra.rss());
  }, 100);
  const until = Date.now() + ms;
  try {
    await during?.();
    while (Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, orkestra.rss());
}

before(async () => {
  client = createApiClient(loadKubeConfig(process.env.KUBECONFIG));
  await applyProjectCrds();
  await createCrd(client, testCrd(GROUP, 'Item'));
  await kubectlOk(['create', 'namespace', NS]);
  await kubectlOk(
    ['apply', '--server-side', '-f', '-'],
    stringify({
      apiVersion: 'orkestra.orkspace.io/v1alpha1',
      kind: 'Katalog',
      metadata: { name: KATALOG },
      spec: { crds: { item: { apiTypes: { group: GROUP, version: 'v1', kind: 'Item' } } } },
    }),
  );
  orkestra = startOrkestra(['--listen', '127.0.0.1:0']);
  const base = await orkestra.baseUrl();
  for (let start = 0; start < COUNT; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, COUNT - start) }, (_, i) =>
        client.request({
          method: 'POST',
          path: `/apis/${GROUP}/v1/namespaces/${NS}/items`,
          body: {
            apiVersion: `${GROUP}/v1`,
            kind: 'Item',
            metadata: { name: `item-${String(start + i).padStart(4, '0')}` },
            spec: {},
          },
        }),
      ),
    );
  }
  await eventually(
    `${COUNT} items reconciled`,
    async () => {
      const h = (await (await fetch(`${base}/api/katalogs/${KATALOG}/boxes/item/health`)).json()) as {
        managed: number;
        queueDepth: number;
      };
      return h.managed === COUNT && h.queueDepth === 0;
    },
    120_000,
    500,
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await orkestra?.stop();
  await kubectlOk(['delete', 'katalog', KATALOG, '--ignore-not-found', '--wait=false']);
  await kubectlOk(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
  client?.close();
});

test(`with ${COUNT} custom resources in a box: first rows in < 1 s, RSS growth < 10 MiB with one page open`, async (t) => {
  const base = await orkestra.baseUrl();
  const baseline = await peakRss(5_000);

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // When the first row enters the DOM, in ms since navigation start (the page's time origin):
  // what the user waits for, without the test driver's own round trips.
  await page.addInitScript(`
    new MutationObserver((_, observer) => {
      if (document.querySelector('tr[data-resource]')) {
        window.firstRowsMs = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  `);
  const started = Date.now();
  await page.goto(`${base}/katalogs/${KATALOG}/boxes/item`, { waitUntil: 'commit' });
  await page.locator('tr[data-resource]').first().waitFor();
  const driverMs = Date.now() - started;
  const firstRowsMs = Math.round(await page.evaluate<number>('window.firstRowsMs'));
  assert.match((await page.locator('.count').textContent()) ?? '', /of 1000\b/);

  // One page open for 15 s, its stream live, paging and filtering through the 1,000 rows.
  const open = await peakRss(15_000, async () => {
    for (let i = 0; i < 5; i++) {
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.getByText(`Page ${i + 2} of 20`).waitFor();
    }
    await page.getByLabel('Name contains').fill('item-09');
    await page.getByText('Showing 1–50 of 100').waitFor();
  });
  const growth = (open - baseline) / MiB;
  t.diagnostic(
    `box page first rows: ${firstRowsMs} ms after navigation start (${driverMs} ms as the test driver saw it), load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  );
  t.diagnostic(
    `controller RSS: ${(baseline / MiB).toFixed(1)} MiB peak before, ${(open / MiB).toFixed(1)} MiB peak with the page open: +${growth.toFixed(1)} MiB`,
  );
  assert.ok(firstRowsMs < 1_000, `first rows after ${firstRowsMs} ms`);
  assert.ok(growth < 10, `RSS grew by ${growth.toFixed(1)} MiB`);
  await context.close();
});
