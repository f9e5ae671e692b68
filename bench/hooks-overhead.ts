// What a hook adds to one reconcile: the hook stage's call (request built, hook run, response
// checked, children merged) for a no-op typed hook in a worker thread and for a loopback HTTP
// hook, against the same stage with no hook. No API server is involved: the stage is the whole
// difference a hook makes to a reconcile.
//
//   node bench/hooks-overhead.ts [calls]   (default 2000, after 200 warm-up calls)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Box } from '../api-types/box.ts';
import { compileBox } from '../controller/box/compiled-box.ts';
import { createTypedHooks } from '../controller/hooks/typed-hooks.ts';
import type { ApiClient } from '../controller/kube/api-client.ts';
import { hookStage } from '../controller/reconcile/hooks.ts';
import { percentile } from './stats.ts';

const CALLS = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

const parent = {
  apiVersion: 'demo.orkestra.io/v1alpha1',
  kind: 'Website',
  metadata: { name: 'site', namespace: 'team-a', uid: 'u1', generation: 1 },
  spec: { image: 'nginx:1.27', replicas: 2, port: 8080 },
};

function box(reconcile: NonNullable<NonNullable<Box['operatorBox']>['reconcile']>): Box {
  return { apiTypes: { group: 'demo.orkestra.io', version: 'v1alpha1', kind: 'Website' }, operatorBox: { reconcile } };
}

async function measure(label: string, b: Box, typed: ReturnType<typeof createTypedHooks>) {
  const stage = hookStage({
    boxId: `bench/${label}`,
    compiled: compileBox('site', b),
    workers: 1,
    client: {} as ApiClient, // no auth configured: the stage never calls the API server
    runtime: { typed },
  });
  const call = {
    owner: { katalog: 'bench', box: 'site', object: parent },
    parent,
    data: { metadata: parent.metadata, spec: parent.spec, status: {} },
    observed: [],
    rendered: [],
    w: new Map(),
    signal: new AbortController().signal,
  };
  const times: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    const started = performance.now();
    stage.merge([], await stage.sync(call));
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  await stage.close();
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  console.log(`| ${label} | ${ms(percentile(times, 50))} | ${ms(percentile(times, 99))} |`);
}

const dir = mkdtempSync(join(tmpdir(), 'orkestra-bench-hooks-'));
writeFileSync(
  join(dir, 'noop.ts'),
  "import { defineHook } from 'orkestra/hooks';\nexport default defineHook({ sync: () => ({}) });\n",
);
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{}'));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const typed = createTypedHooks(dir);
try {
  console.log(`hook stage per reconcile, ${CALLS} sequential calls after ${WARMUP} warm-up calls\n`);
  console.log('| hook | p50 | p99 |\n| --- | --- | --- |');
  await measure('none', box({}), typed);
  await measure('typed no-op (worker thread)', box({ hooks: { module: 'noop' } }), typed);
  const port = (server.address() as AddressInfo).port;
  await measure(
    'HTTP loopback (keep-alive agent)',
    box({ remote: { endpoint: `http://127.0.0.1:${port}/sync` } }),
    typed,
  );
} finally {
  await typed.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
