// Orkestra's RSS with many boxes and no custom resources: the fixed cost of each operator box.
import { createCrd } from '../e2e/support/crds.ts';
import { eventually } from '../e2e/support/wait.ts';
import { apply, onFreshControlPlane, rssBytes } from './cluster.ts';
import { installOrkestraCrds } from './orkestra.ts';
import type { Peer } from './peer.ts';
import { type KatalogOptions, websiteBox, websiteCrd } from './workload.ts';

/** A Katalog holds at most 32 boxes (CRD schema); the boxes are spread over Katalogs of 25. */
const PER_KATALOG = 25;

export async function boxesRss(orkestra: Peer, count: number, options: KatalogOptions): Promise<number> {
  return onFreshControlPlane(`${count} boxes`, async (cp, client) => {
    await installOrkestraCrds(cp.kubeconfigPath);
    const subjects = Array.from({ length: count }, (_, i) => orkestra.subject(`Many${i}`));
    for (const s of subjects) await createCrd(client, websiteCrd(s));
    const controller = await orkestra.start(cp, { workers: options.workers });
    try {
      const katalogs: string[] = [];
      for (let i = 0; i < subjects.length; i += PER_KATALOG) {
        const name = `many-${i / PER_KATALOG}`;
        katalogs.push(name);
        const crds = Object.fromEntries(
          subjects.slice(i, i + PER_KATALOG).map((s) => [s.kind.toLowerCase(), websiteBox(s, options)]),
        );
        await apply(client, `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`, {
          apiVersion: 'orkestra.orkspace.io/v1alpha1',
          kind: 'Katalog',
          metadata: { name },
          spec: { crds },
        });
      }
      await eventually(
        `${count} boxes Running`,
        async () => {
          let running = 0;
          for (const name of katalogs) {
            const k = await client.request<{ status?: { runningBoxes?: number } }>({
              method: 'GET',
              path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}`,
            });
            running += k.status?.runningBoxes ?? 0;
          }
          return running === count;
        },
        120_000,
      ).catch(async (err: unknown) => {
        const status = await Promise.all(katalogs.map((name) => orkestra.describe(client, name)));
        throw new Error(`${(err as Error).message}; ${status.join('; ')}`);
      });
      return await rssBytes(controller.pid);
    } finally {
      await controller.stop();
    }
  });
}
