// Status: the box's declarative status fields, the problem an apply failure amounts to, and the
// write of the status subresource, made only when it changes something Orkestra owns.
//
// Server-side apply on the status subresource removes a field Orkestra owned and no longer sends,
// so a status field whose `when` turned false, or that left the Katalog, goes away by itself once
// a status apply without it is sent. The comparison that saves writes must therefore also notice
// a top-level key Orkestra sent before and sends no more: the keys of the last apply are kept per
// custom resource (in memory, shared by a controller's reconcilers so a Katalog edit does not
// forget them). When they are unknown (a fresh controller), any live key Orkestra does not send
// now triggers one apply; other writers' fields are left alone by that apply.
import { isDeepStrictEqual } from 'node:util';
import type { CompiledBox } from '../box/compiled-box.ts';
import { type ApiClient, ApiError, isConflict } from '../kube/api-client.ts';
import { applyObject } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import type { FieldPath } from '../render/path/index.ts';
import { type TemplateData, withinRenderBudget } from '../render/template/index.ts';
import type { Problem } from './cr-status.ts';
import { evaluationProblem } from './evaluation-error.ts';
import { Halt, renderFailed } from './halt.ts';

/** Top-level status keys of Orkestra's last status apply, by custom resource. */
export type StatusKeyMemory = Map<string, ReadonlySet<string>>;

/**
 * The declarative status fields whose gate holds, rendered against the children as they are now.
 * Their templates share one CPU budget (as the children's do).
 */
export function statusFields(
  compiled: Pick<CompiledBox, 'name' | 'statusFields'>,
  cr: KubeObject,
  data: TemplateData & { children: Record<string, KubeObject[]> },
): { path: FieldPath; value: unknown }[] {
  return withinRenderBudget(() => {
    const fields: { path: FieldPath; value: unknown }[] = [];
    for (const field of compiled.statusFields) {
      const gate = field.gate.evaluateWithReason({ self: cr, children: data.children });
      if (gate.error !== undefined) {
        throw new Halt(evaluationProblem(compiled.name, field.where, field.gateSource, gate.error));
      }
      if (!gate.result) continue;
      try {
        fields.push({ path: field.path, value: field.value.render(data) });
      } catch (err) {
        throw new Halt(renderFailed(err, errorField(err)));
      }
    }
    return fields;
  });
}

/** The problem a failed apply or prune reports: conflicts and invalid manifests wait for a change. */
export function applyProblem(err: unknown): Problem {
  return {
    reason: isConflict(err) ? 'ApplyConflict' : 'ApplyFailed',
    message: errorField(err),
    stalled: isConflict(err) || (err instanceof ApiError && err.status === 422),
  };
}

/**
 * Whether `status` must be applied over `live`: a key Orkestra sends differs, or a key it sent
 * last time (`previousKeys`; every live key when unknown) is still live and is not sent now.
 */
export function statusWriteNeeded(
  status: Record<string, unknown>,
  live: Record<string, unknown>,
  previousKeys: ReadonlySet<string> | undefined,
): boolean {
  if (!Object.keys(status).every((k) => isDeepStrictEqual(status[k], live[k]))) return true;
  for (const k of previousKeys ?? Object.keys(live)) {
    if (!Object.hasOwn(status, k) && live[k] !== undefined) return true;
  }
  return false;
}

/**
 * The live values of the declarative status keys Orkestra owns, for a reconcile that halted:
 * it decided nothing new, so it must not drop them. Core keys (observedGeneration, conditions,
 * children) are always recomputed and are not kept.
 */
export function keptStatusFields(
  live: Record<string, unknown> | undefined,
  previousKeys: ReadonlySet<string> | undefined,
  compiled: Pick<CompiledBox, 'statusFields'>,
): Record<string, unknown> {
  const core = new Set(['observedGeneration', 'conditions', 'children']);
  const owned =
    previousKeys ??
    new Set(
      compiled.statusFields.flatMap((f) => {
        const top = f.path[0];
        return top && 'key' in top ? [top.key] : [];
      }),
    );
  const kept: Record<string, unknown> = {};
  for (const k of owned) if (!core.has(k) && live?.[k] !== undefined) kept[k] = live[k];
  return kept;
}

export async function writeStatus(
  client: ApiClient,
  hasStatusSubresource: boolean,
  cr: KubeObject,
  resource: ResourceRef,
  status: Record<string, unknown>,
  memory: { readonly keys: StatusKeyMemory; readonly key: string },
): Promise<void> {
  if (!hasStatusSubresource) return; // without the subresource a status write would bump generation forever
  const live = (cr.status ?? {}) as Record<string, unknown>;
  // Other writers' status fields are theirs: only what Orkestra sends, or sent before, counts.
  if (statusWriteNeeded(status, live, memory.keys.get(memory.key))) {
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
  memory.keys.set(memory.key, new Set(Object.keys(status)));
}
