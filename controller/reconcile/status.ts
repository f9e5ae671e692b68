// Status: the box's declarative status fields, the problem an apply failure amounts to, and the
// write of the status subresource, made only when a field Orkestra owns changed.
import { isDeepStrictEqual } from 'node:util';
import type { CompiledBox } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, isConflict } from '../kube/api-client.ts';
import { applyObject } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import type { TemplateData } from '../render/template/index.ts';
import type { Problem } from './cr-status.ts';
import { Halt } from './halt.ts';

/** The declarative status fields whose gate holds, rendered against the children as they are now. */
export function statusFields(
  compiled: Pick<CompiledBox, 'statusFields'>,
  cr: KubeObject,
  data: TemplateData & { children: Record<string, KubeObject[]> },
): { path: string; value: unknown }[] {
  const fields: { path: string; value: unknown }[] = [];
  for (const field of compiled.statusFields) {
    if (!field.gate({ self: cr, children: data.children })) continue;
    try {
      fields.push({ path: field.path, value: field.value.render(data) });
    } catch (err) {
      throw new Halt({ reason: 'RenderFailed', message: errorField(err), stalled: true });
    }
  }
  return fields;
}

/** The problem a failed apply or prune reports: conflicts and invalid manifests wait for a change. */
export function applyProblem(err: unknown): Problem {
  return {
    reason: isConflict(err) ? 'ApplyConflict' : 'ApplyFailed',
    message: errorField(err),
    stalled: isConflict(err) || (err instanceof ApiError && err.status === 422),
  };
}

export async function writeStatus(
  client: ApiClient,
  hasStatusSubresource: boolean,
  cr: KubeObject,
  resource: ResourceRef,
  status: Record<string, unknown>,
): Promise<void> {
  if (!hasStatusSubresource) return; // without the subresource a status write would bump generation forever
  const live = (cr.status ?? {}) as Record<string, unknown>;
  // Only the fields Orkestra owns are compared; other writers' status fields are theirs.
  if (Object.keys(status).every((k) => isDeepStrictEqual(status[k], live[k]))) return;
  await applyObject(
    client,
    resource,
    {
      apiVersion: cr.apiVersion,
      kind: cr.kind,
      metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace },
      status,
    },
    { force: true, subresource: 'status' },
  );
}
