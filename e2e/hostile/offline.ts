// What `orkestra validate` and `orkestra render` say about a hostile case, offline: the schema
// and loader findings of every document, then, for a custom resource that passes them, the
// controller's own render stage (admission rules, templates).
import { stringify } from 'yaml';
import type { Katalog } from '../../api-types/katalog.ts';
import { parseDocuments } from '../../controller/cli/documents.ts';
import { crdLookup } from '../../controller/cli/kinds.ts';
import { renderOffline } from '../../controller/cli/render.ts';
import { validateDocuments } from '../../controller/cli/validate.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import type { HostileCase } from './corpus.ts';
import { typedCrd } from './kinds.ts';

export interface Verdict {
  readonly field: string;
  readonly message: string;
}

/** Every error the offline tools report for the case (warnings left out). */
export function offlineVerdicts(c: HostileCase): Verdict[] {
  const crd = c.cr ? typedCrd(c.cr.kind as string) : undefined;
  const text =
    c.text ??
    [c.katalog, c.cr]
      .filter((d) => d !== undefined)
      .map((d) => stringify(d, { aliasDuplicateObjects: false }))
      .join('---\n');
  const documents = parseDocuments('case.yaml', text);
  const findings = validateDocuments({ documents, crds: crd ? [crd] : [], katalogs: [] }).filter(
    (f) => f.severity === 'error',
  );
  if (findings.length > 0 || !c.cr || !c.katalog) return findings.map((f) => ({ field: f.field, message: f.message }));
  try {
    renderOffline({
      katalogs: [c.katalog as unknown as Katalog],
      cr: c.cr as unknown as KubeObject,
      lookup: crdLookup(crd ? [crd] : []),
    });
    return [];
  } catch (err) {
    return [{ field: '', message: (err as Error).message }];
  }
}
