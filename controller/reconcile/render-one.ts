// What the controller would apply for one custom resource, without applying it: admission
// mutation and validation, the render stage (children with labels and owner references, in apply
// order) and the status fields as the applies would leave them. `orkestra render` prints it; the
// Control Center shows it beside the live children. Hooks do not run: their answers need the
// hook itself.
import type { CompiledBox } from '../box/compiled-box.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { setPath } from '../render/path/write.ts';
import { applyMutations, validate } from './admission-rules.ts';
import { childrenAfter } from './observe-children.ts';
import { childRef } from './ownership.ts';
import { type DesiredChild, renderChildren } from './render.ts';
import { statusFields } from './status.ts';

export interface RenderOneInput {
  readonly compiled: CompiledBox;
  readonly katalog: string;
  readonly box: string;
  readonly cr: KubeObject;
  /** The resource of every child kind by `apiVersion/kind`; a kind missing is not served. */
  readonly resources: ReadonlyMap<string, { readonly resource: ResourceRef }>;
  /** Observed children by template key (`children.<key>`), as templates and CEL see them. */
  readonly children: Record<string, KubeObject[]>;
  /** Every observed child of this resource. */
  readonly observed: readonly KubeObject[];
}

export interface RenderOneResult {
  /** Validation rules that deny the resource; nothing is rendered when there is one. */
  readonly denied: readonly string[];
  readonly warnings: readonly string[];
  /** The children in apply order. */
  readonly children: readonly DesiredChild[];
  /** Status fields the box would write. */
  readonly status: Record<string, unknown>;
}

/** Throws Halt when the desired children cannot be known (a template or CEL error, a kind not served). */
export function renderOne(input: RenderOneInput): RenderOneResult {
  const { compiled, children } = input;
  const dataOf = (obj: KubeObject, seen: Record<string, KubeObject[]> = children) => ({
    metadata: obj.metadata,
    spec: obj.spec ?? {},
    status: obj.status ?? {},
    children: seen,
  });
  const mutated = applyMutations(compiled, input.cr as KubeObject & Record<string, unknown>, dataOf);
  const verdict = validate(compiled, mutated);
  if (verdict.denied.length > 0)
    return { denied: verdict.denied, warnings: verdict.warnings, children: [], status: {} };
  const owner = { katalog: input.katalog, box: input.box, object: mutated };
  const desired = renderChildren(compiled, owner, mutated, dataOf(mutated), input.resources, children);
  // Status fields see the children as the applies would leave them: the observed child where
  // there is one, else the rendered manifest.
  const observedByRef = new Map(input.observed.map((o) => [childRef(o), o]));
  const after = childrenAfter(
    desired,
    new Map(desired.map((d) => [childRef(d.object), observedByRef.get(childRef(d.object)) ?? d.object])),
    children,
  );
  const status: Record<string, unknown> = {};
  for (const f of statusFields(compiled, mutated, dataOf(mutated, after))) setPath(status, f.path, f.value);
  return { denied: [], warnings: verdict.warnings, children: desired, status };
}
