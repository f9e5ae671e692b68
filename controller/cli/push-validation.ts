// What `orkestra push` checks before anything leaves the machine: the document is a Katalog that
// passes the CRD's schema (ajv) and the controller's own box checks and template compilation, or
// a Komposer. One call site, so `orkestra validate` can take its place.
import type { Box } from '../../api-types/box.ts';
import { GROUP, VERSION } from '../../api-types/crd.ts';
import { compileBox } from '../box/compiled-box.ts';
import { errorField } from '../observe/log.ts';
import { checkBox } from '../root/box-checks.ts';
import { formatIssues, validateKatalogDocument } from '../root/katalog-schema.ts';

/** Problems that stop a push, one line each; empty when the document may be pushed. */
export function pushProblems(doc: unknown): string[] {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (kind === 'Komposer' && (doc as { apiVersion?: unknown }).apiVersion === `${GROUP}/${VERSION}`) return [];
  const issues = validateKatalogDocument(doc);
  if (issues.length > 0) return [formatIssues(issues)];
  const crds = (doc as { spec: { crds: Record<string, Box> } }).spec.crds;
  const problems: string[] = [];
  for (const [name, box] of Object.entries(crds)) {
    for (const p of checkBox(name, box)) problems.push(`${p.path}: ${p.message}`);
    try {
      compileBox(name, box);
    } catch (err) {
      problems.push(`spec.crds.${name}: ${errorField(err)}`);
    }
  }
  return problems;
}
