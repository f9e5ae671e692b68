// The load every scenario runs under: Website custom resources with three children each
// (ConfigMap, Service, Secret), created, updated and deleted at random while a fault happens.
// The Katalog renders `spec.value` into the ConfigMap and the Secret and its own revision into
// the ConfigMap, so the children show which spec and which Katalog they were rendered from.
import { type ApiClient, isConflict, isNotFound } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { testCrd } from '../support/crds.ts';

export const GROUP = 'chaos.orkestra.io';
export const KIND = 'Website';
export const PLURAL = 'websites';
export const NAMESPACE = 'chaos';
export const KATALOG = 'chaos';
export const websiteCrd = (): KubeObject => testCrd(GROUP, KIND);
export const crPath = (name?: string) =>
  `/apis/${GROUP}/v1/namespaces/${NAMESPACE}/${PLURAL}${name === undefined ? '' : `/${name}`}`;
export const KATALOG_PATH = `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${KATALOG}`;

export function chaosKatalog(revision: number): KubeObject {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name: KATALOG },
    spec: {
      crds: {
        website: {
          apiTypes: { group: GROUP, version: 'v1', kind: KIND },
          operatorBox: {
            reconcile: {
              workers: 4,
              onReconcile: {
                configMaps: [
                  {
                    name: '{{ .metadata.name }}-config',
                    data: { value: '{{ .spec.value }}', revision: String(revision) },
                    reconcile: true,
                  },
                ],
                services: [{ name: '{{ .metadata.name }}', port: 80, targetPort: 8080, reconcile: true }],
                secrets: [
                  { name: '{{ .metadata.name }}-secret', stringData: { token: '{{ .spec.value }}' }, reconcile: true },
                ],
              },
            },
          },
        },
      },
    },
  };
}

export function applyKatalog(client: ApiClient, revision: number): Promise<KubeObject> {
  return client.request<KubeObject>({
    method: 'PATCH',
    path: KATALOG_PATH,
    query: { fieldManager: 'chaos', force: true },
    contentType: 'application/apply-patch+yaml',
    body: chaosKatalog(revision),
  });
}

export const websiteNames = (count: number) => Array.from({ length: count }, (_, i) => `site-${i}`);

const website = (name: string, value: string): KubeObject => ({
  apiVersion: `${GROUP}/v1`,
  kind: KIND,
  metadata: { name, namespace: NAMESPACE },
  spec: { value },
});

let serial = 0;
const freshValue = () => `v${Date.now().toString(36)}-${++serial}`;

export async function createWebsite(client: ApiClient, name: string): Promise<void> {
  await client.request({ method: 'POST', path: crPath(), body: website(name, freshValue()), timeoutMs: 5_000 });
}

/** Runs `fn` over the items with at most `concurrency` at once. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export interface ChurnTotals {
  /** Creates and updates the API server acknowledged: each is a spec the controller must converge. */
  readonly writes: number;
  readonly deletes: number;
  /** Requests that failed (expected while the fault lasts). */
  readonly errors: number;
}

export interface Churn {
  stop(): Promise<ChurnTotals>;
}

/**
 * Creates, updates (a new spec.value) and deletes Websites among `names` at about
 * `opsPerSecond`, until stopped. Which ones exist is only guessed from the answers: what counts
 * afterwards is what the API server stored.
 */
export function startChurn(client: ApiClient, names: readonly string[], opsPerSecond: number): Churn {
  const present = new Set(names);
  let writes = 0;
  let deletes = 0;
  let errors = 0;
  let running = true;
  const concurrency = 4;
  const intervalMs = (1000 * concurrency) / opsPerSecond;
  const one = async () => {
    const name = names[Math.floor(Math.random() * names.length)] as string;
    const roll = Math.random();
    try {
      if (!present.has(name)) {
        await createWebsite(client, name);
        present.add(name);
        writes++;
      } else if (roll < 0.15) {
        await client.request({ method: 'DELETE', path: crPath(name), timeoutMs: 5_000 });
        present.delete(name);
        deletes++;
      } else {
        await client.request({
          method: 'PATCH',
          path: crPath(name),
          contentType: 'application/merge-patch+json',
          body: { spec: { value: freshValue() } },
          timeoutMs: 5_000,
        });
        writes++;
      }
    } catch (err) {
      if (isNotFound(err)) present.delete(name);
      else if (isConflict(err)) present.add(name);
      errors++;
    }
  };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const started = performance.now();
      await one();
      const rest = intervalMs - (performance.now() - started);
      if (rest > 0 && running) await new Promise((r) => setTimeout(r, rest));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { writes, deletes, errors };
    },
  };
}
