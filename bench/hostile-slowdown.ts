// How much hostile custom resources slow a healthy box (issue target: at most 2x), against the
// control plane in $KUBECONFIG (`make cluster-up`, or under `node e2e/control-plane/cli.ts exec --`):
// a real `orkestra run`, a healthy box (one ConfigMap per custom resource) and the hostile corpus's
// probe box with its stored custom resources that fail at render (a range past its iteration cap,
// a render past its CPU budget, a repeat past the output limit, child names the API server refuses).
// Each round measures the healthy box's create -> child latency, quiet and while the hostile ones
// are touched over and over (e2e/hostile/slowdown.ts), and prints it with the load average; the
// end prints the median ratio over the rounds. A figure on a shared machine: never asserted.
//
//   node bench/hostile-slowdown.ts [--rounds 5] [--blocks 3] [--samples 8]
import { parseArgs } from 'node:util';
import { createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { handWritten, PROBE_KIND, probeKatalog } from '../e2e/hostile/corpus.ts';
import { configMapBox, GROUP, hostileKatalog, typedCrd, VERSION } from '../e2e/hostile/kinds.ts';
import { describeSlowdown, measureSlowdown, type Slowdown } from '../e2e/hostile/slowdown.ts';
import { getOrUndefined } from '../e2e/support/controller.ts';
import { applyOrkestraCrds, createCrd } from '../e2e/support/crds.ts';
import { testKubeconfig } from '../e2e/support/kubectl.ts';
import { startOrkestra } from '../e2e/support/orkestra-process.ts';
import { eventually } from '../e2e/support/wait.ts';
import { median } from './stats.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    blocks: { type: 'string', default: '3' },
    samples: { type: 'string', default: '8' },
  },
});
const ROUNDS = Number(values.rounds);
const NS = `hostile-slowdown-${Date.now().toString(36)}`;
const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';
const HEALTHY = 'Healthy';
const KINDS = [HEALTHY, PROBE_KIND];

const client = createApiClient(loadKubeConfig(testKubeconfig()));
const hostile = handWritten.filter((c) => c.sees === 'CR condition');
const hostileNames = hostile.map((c) => (c.cr?.metadata as { name: string } | undefined)?.name ?? '');
const katalogs = [hostileKatalog('slowdown-healthy', HEALTHY, configMapBox({ v: '{{ .spec.name }}' })), probeKatalog];
const crdPath = (kind: string) =>
  `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${typedCrd(kind).metadata.name}`;

await applyOrkestraCrds();
await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: NS } } });
for (const kind of KINDS) {
  if ((await getOrUndefined(client, crdPath(kind))) === undefined) await createCrd(client, typedCrd(kind));
}
const orkestra = startOrkestra(['--listen', '127.0.0.1:0', '--webhook-listen', '127.0.0.1:0']);
try {
  await orkestra.baseUrl(90_000);
  for (const k of katalogs) await client.request({ method: 'POST', path: KATALOGS, body: k });
  for (const k of katalogs) {
    const name = k.metadata.name;
    await eventually(
      `Katalog ${name} Running`,
      async () => {
        const boxes = (
          await getOrUndefined<{ status?: { boxes?: Record<string, { phase?: string }> } }>(
            client,
            `${KATALOGS}/${name}`,
          )
        )?.status?.boxes;
        return boxes !== undefined && Object.values(boxes).every((b) => b.phase === 'Running');
      },
      90_000,
    );
  }
  for (const c of hostile) {
    const cr = c.cr as { metadata: Record<string, unknown> };
    await client.request({
      method: 'POST',
      path: `/apis/${GROUP}/${VERSION}/namespaces/${NS}/probes`,
      body: { ...cr, metadata: { ...cr.metadata, namespace: NS } },
    });
  }
  const figures: Slowdown[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const figure = await measureSlowdown({
      client,
      namespace: NS,
      healthyKind: HEALTHY,
      hostileKind: PROBE_KIND,
      hostile: hostileNames,
      prefix: `r${round}`,
      blocks: Number(values.blocks),
      samples: Number(values.samples),
      controllerLines: orkestra.lines,
    });
    figures.push(figure);
    console.log(`round ${round + 1}/${ROUNDS}: ${describeSlowdown(figure)}`);
  }
  const ratios = figures.map((f) => f.ratio);
  const loads = figures.map((f) => f.load[0]);
  console.log(
    `hostile slow-down: median ratio ${median(ratios).toFixed(2)} over ${ROUNDS} rounds (each: ${ratios.map((r) => r.toFixed(2)).join(' ')}); load average median ${median(loads).toFixed(1)} (each: ${loads.map((l) => l.toFixed(1)).join(' ')})`,
  );
  const crashed = orkestra.child.exitCode !== null || orkestra.child.signalCode !== null;
  if (crashed) throw new Error('orkestra run exited during the measurement');
} finally {
  // Katalogs first: their boxes stop for good and take Orkestra's finalizers off, so the
  // namespace can go once the controller has stopped.
  for (const k of katalogs) {
    await client.request({ method: 'DELETE', path: `${KATALOGS}/${k.metadata.name}` }).catch(() => undefined);
  }
  for (const k of katalogs) {
    await eventually(
      `Katalog ${k.metadata.name} gone`,
      async () => (await getOrUndefined(client, `${KATALOGS}/${k.metadata.name}`)) === undefined,
      60_000,
    ).catch((err: Error) => console.error(err.message));
  }
  await orkestra.stop();
  await client.request({ method: 'DELETE', path: `/api/v1/namespaces/${NS}` }).catch(() => undefined);
  client.close();
}
