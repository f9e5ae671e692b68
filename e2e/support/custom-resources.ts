// Writing objects as a named field manager, and waiting for a custom resource whose status has
// caught up with its spec, for the suites that drive boxes through their custom resources.
import { type ApiClient, isNotFound } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { getOrUndefined } from './controller.ts';
import { eventually } from './wait.ts';

/** Server-side apply of `body` at `path` as `manager`, taking over conflicting fields. */
export function serverSideApply<T extends KubeObject = KubeObject>(
  client: ApiClient,
  path: string,
  body: KubeObject,
  manager = 'e2e-user',
): Promise<T> {
  return client.request<T>({
    method: 'PATCH',
    path,
    query: { fieldManager: manager, force: true },
    contentType: 'application/apply-patch+yaml',
    body,
  });
}

/** The object once its status.observedGeneration is its generation and `accept` holds on it. */
export function settled<T extends KubeObject>(
  get: () => Promise<T | undefined>,
  what: string,
  accept: (o: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return eventually(
    what,
    async () => {
      const o = await get();
      if (!o) throw new Error('custom resource not found');
      const observed = (o.status as { observedGeneration?: number } | undefined)?.observedGeneration;
      if (observed !== o.metadata.generation) {
        throw new Error(`observedGeneration ${observed} != generation ${o.metadata.generation}`);
      }
      if (!accept(o)) throw new Error(`status: ${JSON.stringify(o.status)}`);
      return o;
    },
    timeoutMs,
  );
}

/**
 * Deletes the objects at `paths` and waits until every one is gone. Run it while the controller
 * still runs: it releases their finalizers.
 */
export async function deleteAndWaitGone(client: ApiClient, paths: readonly string[], timeoutMs = 30_000) {
  await Promise.all(
    paths.map(async (path) => {
      try {
        await client.request({ method: 'DELETE', path });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }),
  );
  await eventually(
    'every custom resource of the suite gone',
    async () => (await Promise.all(paths.map((p) => getOrUndefined(client, p)))).every((o) => o === undefined),
    timeoutMs,
  );
}
