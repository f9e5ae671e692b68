// Which conversion paths take an object from one version to another. Paths chain (v1alpha1 → v1beta1
// → v1), so a Katalog needs a path per neighbour, not per pair; the shortest chain is taken.

export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** The edges leading from `from` to `to` (empty when equal), or undefined when none leads there. */
export function conversionRoute<E extends Edge>(edges: readonly E[], from: string, to: string): E[] | undefined {
  if (from === to) return [];
  const via = new Map<string, E>();
  const queue = [from];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const at = queue.shift() as string;
    for (const edge of edges) {
      if (edge.from !== at || seen.has(edge.to)) continue;
      seen.add(edge.to);
      via.set(edge.to, edge);
      if (edge.to === to) {
        const route: E[] = [];
        for (let v = to; v !== from; ) {
          const step = via.get(v) as E;
          route.unshift(step);
          v = step.from;
        }
        return route;
      }
      queue.push(edge.to);
    }
  }
  return undefined;
}

/** Ordered pairs of served versions that no chain of paths connects, e.g. [["v1", "v1alpha1"]]. */
export function missingConversionPairs(edges: readonly Edge[], served: readonly string[]): [string, string][] {
  const missing: [string, string][] = [];
  for (const from of served) {
    for (const to of served) {
      if (from !== to && conversionRoute(edges, from, to) === undefined) missing.push([from, to]);
    }
  }
  return missing;
}
