// Resource names and scopes of kinds, offline: the shorthand child kinds are known; other kinds
// come from the CRDs given on the command line, or are guessed the way kubectl guesses.
import { SHORTHAND_KINDS } from '../box/compiled-box.ts';

/** A kind's resource name and scope, when a CRD among the inputs tells it. */
export type KindLookup = (group: string, kind: string) => { plural: string; namespaced: boolean } | undefined;

// kubectl's UnsafeGuessKindToResource: the lowercase kind, pluralised by the English rule.
export function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The 15 shorthand child kinds, all namespaced. */
export function isShorthandKind(apiVersion: string, kind: string): boolean {
  return Object.values(SHORTHAND_KINDS).some((k) => k.apiVersion === apiVersion && k.kind === kind);
}

/** Resource names and scopes from CRD documents. */
export function crdLookup(documents: readonly unknown[]): KindLookup {
  return (group, kind) => {
    for (const c of documents) {
      const d = c as {
        kind?: string;
        spec?: { group?: string; scope?: string; names?: { kind?: string; plural?: string } };
      };
      if (d.kind !== 'CustomResourceDefinition' || !d.spec) continue;
      if (d.spec.group === group && d.spec.names?.kind === kind && d.spec.names.plural) {
        return { plural: d.spec.names.plural, namespaced: d.spec.scope !== 'Cluster' };
      }
    }
    return undefined;
  };
}
