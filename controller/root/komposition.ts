// A Komposer's effective Katalog: its imports in order (katalogs, configMaps, oci), then its
// `spec.crds` overrides merged on top. Pure: what each import resolved to comes in, the
// composed Katalog and the reasons boxes cannot run come out. Conflicts are never settled by
// picking a winner silently: the same box name from two imports fails that box, naming both.
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { Komposer } from '../../api-types/komposer.ts';
import { mergeOverride } from './override-merge.ts';

export type ImportKind = 'Katalog' | 'ConfigMap' | 'OCI';

/** One import and what it resolved to (the last good document stays while a refresh fails). */
export interface ResolvedImport {
  readonly kind: ImportKind;
  /** The import as written: Katalog name, namespace/name/key, or the OCI ref. */
  readonly name: string;
  readonly document: Katalog | undefined;
  readonly digest?: string;
  readonly resolvedAt?: string;
  readonly error?: string;
}

export interface Composition {
  /** The Katalog the plan runs for this Komposer (named after it). */
  readonly katalog: Katalog;
  /** Box name → the import it came from (`override` for boxes declared only in spec.crds). */
  readonly sources: ReadonlyMap<string, string>;
  /** Box name → why it must not run (conflicts between imports, an override for no box). */
  readonly failures: ReadonlyMap<string, string>;
  /** Names of the cluster Katalogs this Komposer runs. */
  readonly composedKatalogs: readonly string[];
}

export function importLabel(i: Pick<ResolvedImport, 'kind' | 'name'>): string {
  return `${i.kind} ${i.name}`;
}

export function compose(komposer: Komposer, imports: readonly ResolvedImport[]): Composition {
  const crds: Record<string, Box> = {};
  const sources = new Map<string, string>();
  const failures = new Map<string, string>();
  const finalizers = new Set<string>();
  for (const imp of imports) {
    const doc = imp.document;
    if (!doc) continue;
    for (const f of doc.spec.finalizers ?? []) finalizers.add(f);
    for (const [name, box] of Object.entries(doc.spec.crds ?? {})) {
      const first = sources.get(name);
      if (first !== undefined) {
        failures.set(
          name,
          `box ${name} is declared by both ${first} and ${importLabel(imp)}; rename it in one of them or drop an import`,
        );
        continue;
      }
      crds[name] = box;
      sources.set(name, importLabel(imp));
    }
  }
  // Two boxes for one kind would be two controllers; the later one in import order fails.
  const byKind = new Map<string, string>();
  for (const [name, box] of Object.entries(crds)) {
    const key = `${box.apiTypes.kind}.${box.apiTypes.group}`;
    const owner = byKind.get(key);
    if (owner !== undefined && !failures.has(name)) {
      failures.set(
        name,
        `box ${name} (${sources.get(name)}) and box ${owner} (${sources.get(owner)}) both operate ${key}; one kind has one controller`,
      );
    } else byKind.set(key, name);
  }
  for (const [name, override] of Object.entries(komposer.spec.crds ?? {})) {
    const base = crds[name];
    if (base) {
      crds[name] = mergeOverride(base, override);
      continue;
    }
    if (failures.has(name)) continue;
    if ((override as Partial<Box>).apiTypes) {
      crds[name] = override as Box;
      sources.set(name, 'override');
    } else {
      failures.set(
        name,
        `spec.crds.${name}: overrides a box no import declares (imports give: ${[...sources.keys()].join(', ') || 'none'})`,
      );
    }
  }
  const katalog: Katalog = {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: {
      name: komposer.metadata.name,
      uid: komposer.metadata.uid,
      generation: komposer.metadata.generation,
      creationTimestamp: komposer.metadata.creationTimestamp,
    },
    spec: { description: komposer.spec.description, finalizers: [...finalizers].sort(), crds },
  };
  const composedKatalogs = imports.filter((i) => i.kind === 'Katalog' && i.document).map((i) => i.name);
  return { katalog, sources, failures, composedKatalogs };
}
