// How much hostile custom resources slow a healthy box: the latency from creating a healthy
// custom resource to its ConfigMap child existing, quiet and while the hostile ones are touched
// over and over (every touch is a change the controller must look at). Quiet and hostile blocks
// alternate, so a change in the machine's load hits both alike. A timing figure on a shared
// machine: printed beside the load average, never asserted (e2e/hostile-inputs.test.ts and
// bench/hostile-slowdown.ts print it).
import { loadavg } from 'node:os';
import { median } from '../../bench/stats.ts';
import type { ApiClient } from '../../controller/kube/api-client.ts';
import { getOrUndefined } from '../support/controller.ts';
import { eventually } from '../support/wait.ts';
import { customResource, GROUP, VERSION } from './kinds.ts';

export interface SlowdownOptions {
  readonly client: ApiClient;
  readonly namespace: string;
  /** Kind of the healthy box's custom resources; its child is a ConfigMap of the same name. */
  readonly healthyKind: string;
  /** Kind and names of the stored hostile custom resources. */
  readonly hostileKind: string;
  readonly hostile: readonly string[];
  /** Names of the healthy custom resources start with this (unique per measurement). */
  readonly prefix: string;
  readonly blocks: number;
  /** Healthy creates per block, quiet and hostile each. */
  readonly samples: number;
  /** The controller's log lines so far (orkestra-process.ts), to count the renders it stopped at a limit. */
  readonly controllerLines: readonly Record<string, unknown>[];
}

export interface Slowdown {
  readonly quiet: readonly number[];
  readonly hostile: readonly number[];
  readonly touches: number;
  /** Renders the controller stopped at a cost limit during the measurement (the rest waited out their backoff). */
  readonly limitHits: number;
  /** Median hostile latency over median quiet latency. */
  readonly ratio: number;
  /** 1- and 5-minute load averages at the end. */
  readonly load: readonly [number, number];
}

const plural = (kind: string) => `${kind.toLowerCase()}s`;

const limitHits = (lines: readonly Record<string, unknown>[]) =>
  lines.filter((l) => l.msg === 'render stopped at a limit; the next render of this resource waits').length;

export async function measureSlowdown(o: SlowdownOptions): Promise<Slowdown> {
  const { client, namespace } = o;
  const hitsBefore = limitHits(o.controllerLines);
  const crs = (kind: string) => `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural(kind)}`;

  /** Milliseconds from creating a healthy custom resource to its ConfigMap child existing. */
  async function latency(name: string): Promise<number> {
    const started = performance.now();
    await client.request({
      method: 'POST',
      path: crs(o.healthyKind),
      body: customResource(o.healthyKind, name, namespace, { name }),
    });
    await eventually(
      `ConfigMap ${name}`,
      () => getOrUndefined(client, `/api/v1/namespaces/${namespace}/configmaps/${name}`),
      30_000,
      10,
    );
    return performance.now() - started;
  }
  async function sample(prefix: string): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < o.samples; i++) out.push(await latency(`${prefix}-${i}`));
    return out;
  }

  let touches = 0;
  const touchAll = () =>
    Promise.all(
      o.hostile.map((name) =>
        client
          .request({
            method: 'PATCH',
            path: `${crs(o.hostileKind)}/${name}`,
            contentType: 'application/merge-patch+json',
            body: { metadata: { annotations: { 'hostile.orkestra.io/touch': String(touches++) } } },
          })
          .catch(() => undefined),
      ),
    );
  const quiet: number[] = [];
  const hostile: number[] = [];
  for (let block = 0; block < o.blocks; block++) {
    quiet.push(...(await sample(`${o.prefix}-quiet-${block}`)));
    let touching = true;
    const toucher = (async () => {
      while (touching) {
        await touchAll();
        // Paced: a round of touches about as often as a reconcile of them, not a flood of the API server.
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      hostile.push(...(await sample(`${o.prefix}-hostile-${block}`)));
    } finally {
      touching = false;
      await toucher;
    }
  }
  const [one = 0, five = 0] = loadavg();
  return {
    quiet,
    hostile,
    touches,
    limitHits: limitHits(o.controllerLines) - hitsBefore,
    ratio: median(hostile) / median(quiet),
    load: [one, five],
  };
}

/** One line with the figure, then the samples. */
export function describeSlowdown(s: Slowdown): string {
  const ms = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  return [
    `healthy box create->child: quiet median ${median(s.quiet).toFixed(0)} ms, under hostile load median ${median(s.hostile).toFixed(0)} ms, ratio ${s.ratio.toFixed(2)} (${s.quiet.length} samples each, ${s.touches} hostile touches, ${s.limitHits} renders stopped at a limit, load average ${s.load[0].toFixed(1)}/${s.load[1].toFixed(1)})`,
    `  quiet: ${ms(s.quiet)}`,
    `  hostile: ${ms(s.hostile)}`,
  ].join('\n');
}
