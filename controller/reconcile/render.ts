// Render: the children a custom resource wants, from the box's compiled templates. Each child is
// rendered in the form the API server stores it, stamped with Orkestra's ownership and with the
// hash of the manifest (which lets apply skip only when nothing Orkestra manages changed). Anything
// that makes the desired set unknowable (a `when` that fails to evaluate, a template error) halts
// the reconcile before apply and prune run, so live children stay as they are.
import type { ChildTemplate, CompiledBox } from '../box/compiled-box.ts';
import { withAppliedHash } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { renderKind, type ShorthandKind } from '../render/kinds/index.ts';
import { formatFieldPath, readPath } from '../render/path/index.ts';
import { type TemplateData, withinRenderBudget } from '../render/template/index.ts';
import type { HeldWatch } from './child-watch-set.ts';
import { evaluationProblem } from './evaluation-error.ts';
import { Halt, renderFailed } from './halt.ts';
import { childRef, type Owner, stampOwnership } from './ownership.ts';
import { storedForm } from './stored-form.ts';

export interface DesiredChild {
  readonly template: ChildTemplate;
  readonly resource: ResourceRef;
  readonly object: KubeObject;
}

/**
 * The children `cr` wants. Its templates (every child, every forEach item) share one CPU budget:
 * past it the render halts with a RenderFailed problem marked `renderLimit`.
 */
export function renderChildren(
  compiled: Pick<CompiledBox, 'children'>,
  owner: Owner,
  cr: KubeObject,
  base: TemplateData,
  // Only the kind's resource is read, so an offline render (`orkestra render`) can pass a plain map.
  w: ReadonlyMap<string, Pick<HeldWatch, 'resource'>>,
  children: Record<string, KubeObject[]>,
): DesiredChild[] {
  return withinRenderBudget(() => {
    const desired: DesiredChild[] = [];
    const seen = new Map<string, string>();
    for (const t of compiled.children) {
      const gate = t.gate.evaluateWithReason({ self: cr, children });
      if (gate.error !== undefined) throw new Halt(evaluationProblem(owner.box, t.where, t.gateSource, gate.error));
      if (!gate.result) continue;
      const entry = w.get(`${t.apiVersion}/${t.kind}`);
      if (!entry) {
        throw new Halt({
          reason: 'KindNotServed',
          message: `${t.where}: the API server does not serve ${t.apiVersion} ${t.kind}`,
          stalled: false,
        });
      }
      let items: unknown[] = [undefined];
      if (t.forEach) {
        const list = readPath(cr, t.forEach.field);
        // Absent is an empty list; anything else that is not a list cannot say which children are
        // wanted, and reading it as empty would prune them all.
        if (list !== undefined && list !== null && !Array.isArray(list)) {
          throw new Halt({
            reason: 'EvaluationError',
            message: `box ${owner.box}: ${t.where}.forEach: ${formatFieldPath(t.forEach.field)} is ${typeof list}, not a list; children and status fields left as they are`,
            stalled: true,
          });
        }
        items = list ?? [];
      }
      items.forEach((item, i) => {
        const data = t.forEach ? { ...base, item, [t.forEach.as]: item } : base;
        let object: KubeObject;
        try {
          const body = t.body.render(data) as Record<string, unknown>;
          object =
            t.kindKey === 'custom'
              ? (body as KubeObject)
              : (renderKind(t.kindKey as ShorthandKind, {
                  ...(body as { name: string }),
                  namespace: (body.namespace as string | undefined) ?? cr.metadata.namespace ?? '',
                }) as KubeObject);
        } catch (err) {
          const where = t.forEach ? `${t.where} (forEach item ${i})` : t.where;
          const message = errorField(err);
          throw new Halt(renderFailed(err, message.startsWith('spec.crds.') ? message : `${where}: ${message}`));
        }
        const stamped = withAppliedHash(stampOwnership(storedForm(object), owner, entry.resource.namespaced));
        const ref = childRef(stamped);
        const previous = seen.get(ref);
        if (previous) {
          throw new Halt({
            reason: 'RenderFailed',
            message: `${t.where} renders ${stamped.kind} ${stamped.metadata.name}, as does ${previous}`,
            stalled: true,
          });
        }
        seen.set(ref, t.where);
        desired.push({ template: t, resource: entry.resource, object: stamped });
      });
    }
    return desired;
  });
}
