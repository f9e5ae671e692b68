// What the suite counts after each fault, from what the API server stores (not from what the
// load generator believes it wrote, since a write can succeed while its answer is lost):
//   converged   every Website Ready at its current generation, with exactly its three children,
//               each rendered from its current spec and the current Katalog revision
//   orphans     managed children whose owner (ownerReference UID) no longer exists, counted once
//               kube-controller-manager's garbage collector has had time to remove them
//   duplicates  more than one child of a kind for one Website (one template entry each)
//   lost        Websites whose stored spec is not in their children when the deadline passes
import type { ApiClient } from '../../controller/kube/api-client.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, OWNER_UID_LABEL } from '../../controller/kube/child-watches.ts';
import type { KubeList, KubeObject } from '../../controller/kube/object.ts';
import { crPath, NAMESPACE } from './workload.ts';

interface Website extends KubeObject {
  spec?: { value?: string };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}
interface Child extends KubeObject {
  data?: Record<string, string>;
}

const CHILD_KINDS = [
  { kind: 'ConfigMap', path: 'configmaps', name: (cr: string) => `${cr}-config` },
  { kind: 'Service', path: 'services', name: (cr: string) => cr },
  { kind: 'Secret', path: 'secrets', name: (cr: string) => `${cr}-secret` },
] as const;

export interface Evaluation {
  readonly websites: number;
  /** Websites not yet Ready at their generation with the exact, current child set. */
  readonly unconverged: number;
  readonly orphans: number;
  readonly duplicates: number;
  /** Why the first few unconverged Websites are not, for failure messages. */
  readonly examples: readonly string[];
  /** The first few orphans, as kind/name (owner uid and age), for failure messages. */
  readonly orphanExamples: readonly string[];
}

async function list<T extends KubeObject>(client: ApiClient, path: string, query = {}): Promise<T[]> {
  return (await client.request<KubeList<T>>({ method: 'GET', path, query, timeoutMs: 20_000 })).items;
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export async function evaluate(client: ApiClient, katalogRevision: number): Promise<Evaluation> {
  const selector = { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}` };
  const [websites, ...children] = await Promise.all([
    list<Website>(client, crPath()),
    ...CHILD_KINDS.map((k) => list<Child>(client, `/api/v1/namespaces/${NAMESPACE}/${k.path}`, selector)),
  ]);
  const uids = new Set(websites.map((w) => w.metadata.uid));
  let orphans = 0;
  let duplicates = 0;
  const orphanExamples: string[] = [];
  // kind → owner uid → children of that kind
  const byOwner = CHILD_KINDS.map(() => new Map<string, Child[]>());
  children.forEach((items, i) => {
    for (const child of items) {
      const owner = child.metadata.ownerReferences?.[0]?.uid ?? child.metadata.labels?.[OWNER_UID_LABEL];
      if (!owner || !uids.has(owner)) {
        orphans++;
        if (orphanExamples.length < 3) {
          const age = Math.round((Date.now() - Date.parse(child.metadata.creationTimestamp ?? '')) / 1000);
          orphanExamples.push(
            `${CHILD_KINDS[i]?.kind}/${child.metadata.name} (owner ${owner ?? 'none'}, ${age} s old)`,
          );
        }
        continue;
      }
      const map = byOwner[i] as Map<string, Child[]>;
      map.set(owner, [...(map.get(owner) ?? []), child]);
    }
  });
  for (const map of byOwner) for (const group of map.values()) duplicates += group.length - 1;

  const examples: string[] = [];
  let unconverged = 0;
  for (const w of websites) {
    const problem = websiteProblem(w, byOwner, katalogRevision);
    if (!problem) continue;
    unconverged++;
    if (examples.length < 3) examples.push(`${w.metadata.name}: ${problem}`);
  }
  return { websites: websites.length, unconverged, orphans, duplicates, examples, orphanExamples };
}

function websiteProblem(w: Website, byOwner: Map<string, Child[]>[], revision: number): string | undefined {
  const name = w.metadata.name;
  const uid = w.metadata.uid ?? '';
  const value = w.spec?.value ?? '';
  for (const [i, k] of CHILD_KINDS.entries()) {
    const found = byOwner[i]?.get(uid) ?? [];
    const child = found.find((c) => c.metadata.name === k.name(name));
    if (!child) return `no ${k.kind} ${k.name(name)}`;
    if (k.kind === 'ConfigMap' && (child.data?.value !== value || child.data?.revision !== String(revision)))
      return `ConfigMap has ${JSON.stringify(child.data)}, spec.value ${value}, revision ${revision}`;
    if (k.kind === 'Secret' && child.data?.token !== b64(value)) return `Secret token is not spec.value ${value}`;
  }
  return websiteStatusProblem(w);
}

function websiteStatusProblem(w: Website): string | undefined {
  if (w.status?.observedGeneration !== w.metadata.generation)
    return `observedGeneration ${w.status?.observedGeneration} != generation ${w.metadata.generation}`;
  if (!w.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return 'not Ready';
  return undefined;
}

export interface Convergence {
  /** From `since` until every Website converged; undefined when the deadline passed first. */
  readonly ms?: number;
  readonly final: Evaluation;
}

/** Whether every Website reports Ready at its generation: cheap (one list), and necessary for convergence. */
async function websitesReady(client: ApiClient): Promise<boolean> {
  const websites = await list<Website>(client, crPath());
  return websites.every((w) => websiteStatusProblem(w) === undefined);
}

/**
 * Polls until every Website has converged, or the deadline passes. While some Website does not
 * even report Ready at its generation, a poll lists only the Websites: listing every child too
 * (four lists, thousands of objects) each time would load the API server the suite is timing and
 * stretch each poll.
 */
export async function waitConverged(
  client: ApiClient,
  katalogRevision: number,
  since: number,
  deadlineMs: number,
  intervalMs: number,
): Promise<Convergence> {
  for (;;) {
    const worthChecking = await websitesReady(client).catch(() => true);
    if (!worthChecking && performance.now() - since <= deadlineMs) {
      await new Promise((r) => setTimeout(r, intervalMs));
      continue;
    }
    const final = await evaluate(client, katalogRevision).catch(() => undefined);
    const now = performance.now();
    if (final && final.unconverged === 0) return { ms: now - since, final };
    if (now - since > deadlineMs) return { final: final ?? (await evaluate(client, katalogRevision)) };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits up to `graceMs` for the garbage collector to remove children of deleted Websites. */
export async function settleOrphans(client: ApiClient, katalogRevision: number, graceMs: number): Promise<Evaluation> {
  const deadline = performance.now() + graceMs;
  for (;;) {
    const e = await evaluate(client, katalogRevision);
    if (e.orphans === 0 || performance.now() > deadline) return e;
    await new Promise((r) => setTimeout(r, 500));
  }
}
