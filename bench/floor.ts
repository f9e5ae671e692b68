// The converge floor: what any controller for the Website workload must at least do, done by a
// plain client with no controller. With the same concurrency as the controllers' workers it
// creates each Website, server-side applies the three children Orkestra renders for it (the same
// bodies, rendered before the clock starts), and writes the same Ready status once the Website's
// Deployment is Available — learnt from one watch, as a controller learns it, so a waiting
// Website never holds a worker.

import { renderOffline } from '../controller/cli/render.ts';
import type { ApiClient } from '../controller/kube/api-client.ts';
import type { KubeObject } from '../controller/kube/object.ts';
import { createCrd } from '../e2e/support/crds.ts';
import { apply, createNamespace } from './cluster.ts';
import { crsPath, floorSubject, isReady, names, websiteCr, websiteCrd, websiteKatalog } from './workload.ts';

const UID = '00000000-0000-0000-0000-0000000f100r';

export async function prepareFloor(client: ApiClient) {
  await createCrd(client, websiteCrd(floorSubject));
  await createNamespace(client, floorSubject.namespace);
}

/** The children Orkestra would apply for `name`, with a placeholder owner uid filled in after the create. */
function childBodies(name: string): { path: string; json: string }[] {
  const cr = websiteCr(floorSubject, name);
  cr.metadata.uid = UID;
  const { children } = renderOffline({
    katalogs: [websiteKatalog('bench', floorSubject, { workers: 1, events: false })],
    cr,
    lookup: () => ({ plural: floorSubject.plural, namespaced: true }),
  });
  return children.map((c) => ({
    path: `/${c.resource.group ? `apis/${c.resource.group}` : 'api'}/${c.resource.version}/namespaces/${floorSubject.namespace}/${c.resource.plural}/${c.object.metadata.name}`,
    // Another managed-by value, so an Orkestra started later on this control plane does not cache them.
    json: JSON.stringify(c.object).replace(
      '"app.kubernetes.io/managed-by":"orkestra"',
      '"app.kubernetes.io/managed-by":"orkestra-floor"',
    ),
  }));
}

function readyStatus(name: string): KubeObject {
  const now = new Date().toISOString();
  const condition = (type: string, status: string, reason: string, message = '') => ({
    type,
    status,
    reason,
    message,
    observedGeneration: 1,
    lastTransitionTime: now,
  });
  return {
    apiVersion: `${floorSubject.group}/v1`,
    kind: floorSubject.kind,
    metadata: { name, namespace: floorSubject.namespace },
    status: {
      observedGeneration: 1,
      conditions: [
        condition('Ready', 'True', 'Reconciled', '3 children ready'),
        condition('Reconciling', 'False', 'Reconciled'),
        condition('Stalled', 'False', 'NotStalled'),
      ],
    },
  };
}

function available(d: KubeObject): boolean {
  const status = d.status as
    | { observedGeneration?: number; conditions?: { type: string; status: string }[] }
    | undefined;
  return (
    status?.observedGeneration === d.metadata.generation &&
    (status?.conditions ?? []).some((c) => c.type === 'Available' && c.status === 'True')
  );
}

/** Runs the floor for `n` Websites with `workers` in flight; resolves with the milliseconds it took. */
export async function floorRun(client: ApiClient, n: number, workers: number): Promise<number> {
  const all = names(n);
  const bodies = new Map(all.map((name) => [name, childBodies(name)]));
  const ns = floorSubject.namespace;
  // Work items: create a Website with its children, or write its status. Status first, as a
  // controller's queue would drain the events that arrive while it creates.
  const creates = [...all];
  const statuses: string[] = [];
  const pendingStatus = new Set(all);
  let done = 0;
  const waiters: (() => void)[] = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const stop = new AbortController();
  const watching = client
    .stream(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { watch: true, resourceVersion: '0' },
      (line) => {
        const event = JSON.parse(line) as { type: string; object: KubeObject };
        const name = event.object.metadata?.name;
        if (event.type === 'DELETED' || !name || !pendingStatus.has(name) || !available(event.object)) return;
        pendingStatus.delete(name);
        statuses.push(name);
        wake();
      },
      stop.signal,
    )
    .catch((err: unknown) => {
      if (!stop.signal.aborted) throw err;
    });

  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (done < n) {
        const status = statuses.shift();
        if (status !== undefined) {
          await apply(client, `${crsPath(floorSubject)}/${status}/status`, readyStatus(status));
          done++;
          if (done === n) wake();
          continue;
        }
        const name = creates.shift();
        if (name === undefined) {
          await new Promise<void>((r) => waiters.push(r));
          continue;
        }
        const cr = await client.request<KubeObject>({
          method: 'POST',
          path: crsPath(floorSubject),
          body: websiteCr(floorSubject, name),
        });
        for (const child of bodies.get(name) ?? []) {
          await apply(client, child.path, JSON.parse(child.json.replaceAll(UID, cr.metadata.uid ?? '')) as KubeObject);
        }
      }
      wake();
    }),
  );
  const ms = performance.now() - started;
  stop.abort();
  await watching;
  return ms;
}

/** Whether every floor Website reads Ready (a check that the floor did what it claims). */
export async function floorReadyCount(client: ApiClient): Promise<number> {
  const list = await client.request<{ items: KubeObject[] }>({ method: 'GET', path: crsPath(floorSubject) });
  return list.items.filter(isReady).length;
}
