// A Failed box runs no controller, so nothing would ever tell its custom resources why they stopped
// being reconciled. Their status says so instead: Ready=False and Stalled=True, reason BoxFailed,
// with the box's message. The finalizers stay: the box is expected back once the Katalog is fixed.
import type { StatusCondition } from '../../api-types/status-condition.ts';
import { type ApiClient, isNotFound, resourcePath } from '../kube/api-client.ts';
import type { KubeList, KubeObject, ResourceRef } from '../kube/object.ts';
import { crConditions } from '../reconcile/cr-status.ts';

export const BOX_FAILED = 'BoxFailed';
const MANAGED = new Set(['Ready', 'Reconciling', 'Stalled']);

/** The conditions to write, or undefined when the object already says exactly this. */
export function boxFailedConditions(object: KubeObject, message: string, now: Date): StatusCondition[] | undefined {
  const previous = ((object.status as { conditions?: StatusCondition[] } | undefined)?.conditions ?? []).filter(
    (c) => c && typeof c.type === 'string',
  );
  const ready = previous.find((c) => c.type === 'Ready');
  if (ready?.reason === BOX_FAILED && ready.message === message) return undefined;
  const mine = crConditions(
    {
      generation: object.metadata.generation,
      problem: { reason: BOX_FAILED, message, stalled: true },
      warnings: [],
      children: [],
      fields: [],
    },
    previous,
    now.toISOString(),
  );
  return [...previous.filter((c) => !MANAGED.has(c.type)), ...mine];
}

/**
 * Marks every custom resource of a Failed box (in `namespaces`, or all) with why nothing
 * reconciles it. Resolves to the number of objects written.
 */
export async function reportBoxFailed(
  client: ApiClient,
  resource: ResourceRef,
  namespaces: readonly string[] | undefined,
  message: string,
): Promise<number> {
  const scopes = resource.namespaced && namespaces ? namespaces : [undefined];
  let written = 0;
  for (const ns of scopes) {
    const list = await client.request<KubeList>({ method: 'GET', path: resourcePath(resource, ns) });
    for (const item of list.items) {
      const conditions = boxFailedConditions(item, message, new Date());
      if (!conditions) continue;
      try {
        await client.request({
          method: 'PATCH',
          path: resourcePath(resource, item.metadata.namespace, item.metadata.name, 'status'),
          contentType: 'application/merge-patch+json',
          body: { status: { conditions } },
        });
        written++;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  return written;
}
