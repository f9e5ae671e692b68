// The controller's own loader, run offline: the root controller's box plan (condition checks,
// template and CEL compilation, dependency cycles, one controller per kind) over the Katalogs
// given, with CRDs from the command line standing in for the cluster's. A box the controller
// would mark Failed is a finding at the field its message names.
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import { compileBoxCached } from '../box/compiled-box.ts';
import type { KubeObject } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { crdInfo } from '../root/crd-index.ts';
import { planBoxes } from '../root/desired-boxes.ts';
import type { PathSegment } from './documents.ts';
import type { Issue } from './findings.ts';

/** The root controller's compile check: a box whose templates or conditions do not compile fails. */
export function compileCheck(boxName: string, box: Box): string | undefined {
  try {
    compileBoxCached(boxName, box);
    return undefined;
  } catch (err) {
    return errorField(err);
  }
}

/** `spec.crds.web.when[0]` as segments. */
export function parseFieldPath(path: string): PathSegment[] {
  return [...path.matchAll(/([A-Za-z0-9_$-]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : String(m[1]),
  );
}

// The plan joins several problems of one box with "; ", each starting with its field path.
const PROBLEM = /^(spec\.crds\.[A-Za-z0-9_$.\-[\]]+?): ([\s\S]*)$/;

function issuesOf(message: string, boxName: string): Issue[] {
  return message.split(/; (?=spec\.crds\.)/).map((part) => {
    const m = PROBLEM.exec(part);
    return m?.[1] !== undefined && m[2] !== undefined
      ? { path: parseFieldPath(m[1]), message: m[2] }
      : { path: ['spec', 'crds', boxName], message: part };
  });
}

/**
 * Semantic problems of each Katalog, in input order. CRDs are optional: without them only the
 * Katalogs themselves are judged; with them, a box's plural and served version are checked too.
 */
export function checkKatalogs(katalogs: readonly Katalog[], crds: readonly KubeObject[] = []): Issue[][] {
  // Given CRDs count as Established: the question is whether the Katalog fits them.
  const infos = crds.map((c) => ({ ...crdInfo(c), established: true }));
  const plan = planBoxes({
    katalogs,
    crd: (group, kind) => infos.find((i) => i.group === group && i.kind === kind),
    runningPhase: () => 'Running',
    check: compileCheck,
  });
  return katalogs.map((k) => {
    const issues: Issue[] = [];
    for (const p of plan) {
      if (p.katalog !== k.metadata.name) continue;
      if (p.action === 'Failed') issues.push(...issuesOf(p.message, p.name));
      else if (p.action === 'WaitingForCRD' && infos.length > 0) {
        issues.push({ path: ['spec', 'crds', p.name, 'apiTypes'], message: p.message, severity: 'warning' });
      }
    }
    return issues;
  });
}
