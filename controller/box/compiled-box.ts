// A box's templates, conditions and rules, compiled once per Katalog generation. Reconciles only
// evaluate what is here; nothing is parsed per custom resource. Compile errors name the field
// path in the Katalog, and the root controller reports them as the box's Failed message.
import type { Box } from '../../api-types/box.ts';
import type { ChildKindKey } from '../../api-types/children.ts';
import type { Condition } from '../../api-types/condition.ts';
import { type CompiledConversionPath, compileConversionPath } from '../admission/conversion.ts';
import { type CompiledHook, compileHook } from '../hooks/compiled-hook.ts';
import { type CompiledCondition, celReferences, compileCondition, compileGate } from '../render/condition/index.ts';
import { type FieldPath, parseFieldPath, readPath } from '../render/path/index.ts';
import { type CompiledValue, compileValue } from '../render/template/index.ts';
import { parseDuration } from './duration.ts';

/** apiVersion and kind of each shorthand key. */
export const SHORTHAND_KINDS: Readonly<Record<Exclude<ChildKindKey, 'custom'>, { apiVersion: string; kind: string }>> =
  {
    deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
    statefulSets: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    jobs: { apiVersion: 'batch/v1', kind: 'Job' },
    cronJobs: { apiVersion: 'batch/v1', kind: 'CronJob' },
    services: { apiVersion: 'v1', kind: 'Service' },
    ingresses: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
    configMaps: { apiVersion: 'v1', kind: 'ConfigMap' },
    secrets: { apiVersion: 'v1', kind: 'Secret' },
    serviceAccounts: { apiVersion: 'v1', kind: 'ServiceAccount' },
    persistentVolumeClaims: { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
    hpa: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
    pdb: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
    networkPolicies: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
    roles: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
    roleBindings: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  };

export interface ChildKind {
  readonly apiVersion: string;
  readonly kind: string;
}

/** The conditions a gate was compiled from, to name the expression when one fails to evaluate. */
export interface GateSource {
  readonly when?: readonly Condition[];
  readonly or?: readonly Condition[];
}

interface Expansion {
  readonly gate: CompiledCondition;
  readonly gateSource: GateSource;
  readonly forEach: { readonly field: FieldPath; readonly as: string } | undefined;
}

export interface ChildTemplate extends Expansion, ChildKind {
  readonly where: string;
  readonly set: 'onCreate' | 'onReconcile';
  readonly kindKey: ChildKindKey;
  readonly reconcile: boolean;
  /** The entry names a namespace, which may differ from the owner's (no owner reference then). */
  readonly explicitNamespace: boolean;
  /** The entry without when/or/forEach/reconcile: rendered, it is a shorthand entry or a raw manifest. */
  readonly body: CompiledValue;
}

export interface DeleteTarget extends Expansion, ChildKind {
  readonly where: string;
  readonly name: CompiledValue;
  readonly namespace: CompiledValue | undefined;
}

export interface CompiledBox {
  /** The box's name: its key under `spec.crds`. */
  readonly name: string;
  readonly children: readonly ChildTemplate[];
  readonly childKinds: readonly ChildKind[];
  readonly onDelete: {
    readonly ordered: boolean;
    readonly timeoutMs: number;
    readonly groups: readonly { readonly name: string; readonly targets: readonly DeleteTarget[] }[];
  };
  readonly validation: readonly {
    readonly where: string;
    /** The rule's field, for field rules; undefined for CEL rules. */
    readonly field: FieldPath | undefined;
    /** exists/notExists rules judge presence itself, so they apply to a missing field. */
    readonly requiresPresence: boolean;
    readonly condition: CompiledCondition;
    readonly message: string;
    readonly action: 'deny' | 'warn';
    /** The rule reads the admission `request`, which reconcile does not have: it runs at admission only. */
    readonly admissionOnly: boolean;
  }[];
  readonly mutation: readonly {
    readonly where: string;
    readonly field: FieldPath;
    readonly gate: CompiledCondition;
    readonly gateSource: GateSource;
    readonly mode: 'default' | 'value';
    readonly value: CompiledValue;
  }[];
  readonly statusFields: readonly {
    readonly where: string;
    readonly path: FieldPath;
    readonly value: CompiledValue;
    readonly gate: CompiledCondition;
    readonly gateSource: GateSource;
  }[];
  /** admission.conversion.paths, compiled: how one served version becomes another. */
  readonly conversion: readonly CompiledConversionPath[];
  readonly conditionsEnabled: boolean;
  readonly eventsEnabled: boolean;
  /** The box's hook (typed or remote), if it declares one. */
  readonly hook: CompiledHook | undefined;
  /**
   * Whether deleting a custom resource can leave work the garbage collector cannot do: onDelete
   * groups, or children placed in another namespace. (Cluster-scoped child kinds are only known
   * after discovery; the reconciler adds that case.)
   */
  readonly deletionWork: boolean;
}

type Entry = Record<string, unknown> & {
  when?: Condition[];
  or?: Condition[];
  forEach?: { field: string; as?: string };
  reconcile?: boolean;
};

/** Parses a field path of the Katalog; a malformed or reserved one fails the box, naming `where`. */
function fieldPathAt(path: string, where: string): FieldPath {
  try {
    return parseFieldPath(path);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

function expansion(entry: Entry, where: string): Expansion {
  const forEach = entry.forEach;
  return {
    gate: compileGate({ when: entry.when, or: entry.or }, where),
    gateSource: { when: entry.when, or: entry.or },
    forEach: forEach
      ? { field: fieldPathAt(forEach.field, `${where}.forEach.field`), as: forEach.as ?? 'item' }
      : undefined,
  };
}

/**
 * What an entry renders once each: the items of its forEach list (none when the field is missing
 * or not a list), or a single pass without an item.
 */
export function expansionItems(entry: Expansion, cr: unknown): readonly unknown[] {
  if (!entry.forEach) return [undefined];
  const list = readPath(cr, entry.forEach.field);
  return Array.isArray(list) ? list : [];
}

function kindOf(key: ChildKindKey, entry: Entry, where: string): ChildKind {
  if (key !== 'custom') return SHORTHAND_KINDS[key];
  const { apiVersion, kind } = entry as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion.includes('{{') || kind.includes('{{')) {
    throw new Error(
      `${where}: custom entries need a literal apiVersion and kind (they decide which watch serves the child)`,
    );
  }
  return { apiVersion, kind };
}

export function compileBox(boxName: string, box: Box): CompiledBox {
  const base = `spec.crds.${boxName}`;
  const reconcile = box.operatorBox?.reconcile;
  const children: ChildTemplate[] = [];
  for (const set of ['onCreate', 'onReconcile'] as const) {
    const childSet = (reconcile?.[set] ?? {}) as Record<string, Entry[] | undefined>;
    for (const [key, entries] of Object.entries(childSet)) {
      (entries ?? []).forEach((entry, i) => {
        const where = `${base}.operatorBox.reconcile.${set}.${key}[${i}]`;
        const { when: _w, or: _o, forEach: _f, reconcile: rec, ...body } = entry;
        children.push({
          where,
          set,
          kindKey: key as ChildKindKey,
          ...kindOf(key as ChildKindKey, entry, where),
          ...expansion(entry, where),
          reconcile: rec === true,
          explicitNamespace:
            (key === 'custom'
              ? (entry.metadata as { namespace?: unknown } | undefined)?.namespace
              : entry.namespace) !== undefined,
          body: compileValue(body, where),
        });
      });
    }
  }

  const groups = (reconcile?.onDelete?.groups ?? []).map((group, g) => {
    const targets: DeleteTarget[] = [];
    for (const [key, entries] of Object.entries(group)) {
      if (key === 'name' || !Array.isArray(entries)) continue;
      (entries as Entry[]).forEach((entry, i) => {
        const where = `${base}.operatorBox.reconcile.onDelete.groups[${g}].${key}[${i}]`;
        const meta = (key === 'custom' ? entry.metadata : entry) as { name?: unknown; namespace?: unknown };
        targets.push({
          where,
          ...kindOf(key as ChildKindKey, entry, where),
          ...expansion(entry, where),
          name: compileValue(meta.name, `${where}.name`),
          namespace: meta.namespace === undefined ? undefined : compileValue(meta.namespace, `${where}.namespace`),
        });
      });
    }
    return { name: group.name, targets };
  });

  const hook = compileHook(boxName, box);
  const kinds = new Map<string, ChildKind>();
  // Hooks may return (and read) the template kinds and the managedResources the Katalog declares.
  for (const c of [...children, ...(reconcile?.managedResources ?? [])])
    kinds.set(`${c.apiVersion}/${c.kind}`, { apiVersion: c.apiVersion, kind: c.kind });

  return {
    name: boxName,
    children,
    childKinds: [...kinds.values()],
    onDelete: {
      ordered: reconcile?.onDelete?.ordered ?? false,
      timeoutMs: parseDuration(reconcile?.onDelete?.timeout ?? '5m'),
      groups,
    },
    validation: (box.admission?.validation?.rules ?? []).map((rule, i) => {
      const where = `${base}.admission.validation.rules[${i}]`;
      const { message, action, ...condition } = rule;
      const presence = ['exists', 'notExists'];
      return {
        where,
        field: rule.field === undefined ? undefined : fieldPathAt(rule.field, `${where}.field`),
        requiresPresence: presence.includes(rule.operator ?? '') || presence.some((op) => op in rule),
        condition: compileCondition(condition as Condition, where),
        message,
        action: action ?? 'deny',
        admissionOnly: typeof rule.cel === 'string' && celReferences(rule.cel, 'request'),
      };
    }),
    mutation: (box.admission?.mutation?.rules ?? []).map((rule, i) => {
      const where = `${base}.admission.mutation.rules[${i}]`;
      const mode = rule.value !== undefined ? 'value' : 'default';
      return {
        where,
        field: fieldPathAt(rule.field, `${where}.field`),
        gate: compileGate({ when: rule.when, or: rule.or }, where),
        gateSource: { when: rule.when, or: rule.or },
        mode,
        value: compileValue(mode === 'value' ? rule.value : rule.default, `${where}.${mode}`),
      };
    }),
    statusFields: (box.operatorBox?.emit?.status?.fields ?? []).map((field, i) => {
      const where = `${base}.operatorBox.emit.status.fields[${i}]`;
      return {
        where,
        path: fieldPathAt(field.path, `${where}.path`),
        value: compileValue(field.value, `${where}.value`),
        gate: compileGate({ when: field.when, or: field.or }, where),
        gateSource: { when: field.when, or: field.or },
      };
    }),
    conversion: (box.admission?.conversion?.paths ?? []).map((path, i) =>
      compileConversionPath(path, `${base}.admission.conversion.paths[${i}]`),
    ),
    // A hook is asked to finalize, which needs Orkestra's finalizer to hold the deletion.
    deletionWork:
      hook !== undefined || groups.some((g) => g.targets.length > 0) || children.some((c) => c.explicitNamespace),
    hook,
    conditionsEnabled: box.operatorBox?.emit?.status?.conditions ?? true,
    eventsEnabled: box.operatorBox?.emit?.events ?? true,
  };
}

const compiledCache = new WeakMap<Box, Map<string, CompiledBox | Error>>();

/**
 * compileBox, memoised per box object: the Katalog cache hands out the same object until the
 * Katalog changes, so each generation is compiled once however often the root plans.
 */
export function compileBoxCached(boxName: string, box: Box): CompiledBox {
  let byName = compiledCache.get(box);
  if (!byName) {
    byName = new Map();
    compiledCache.set(box, byName);
  }
  let result = byName.get(boxName);
  if (!result) {
    try {
      result = compileBox(boxName, box);
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    byName.set(boxName, result);
  }
  if (result instanceof Error) throw result;
  return result;
}
