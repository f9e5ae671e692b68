// dependsOn forms a directed graph between boxes of one Katalog; it must be acyclic.

/** Every cycle reachable in the graph, each as the list of nodes along it (first node repeated last). */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      const s = state.get(next);
      if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/**
 * Nodes ordered so that each comes after everything it depends on (dependencies first); nodes in
 * cycles and their dependents are left out. Ties keep name order, so the result is deterministic.
 */
export function dependencyOrder(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  let progress = true;
  const nodes = [...edges.keys()].sort();
  while (progress) {
    progress = false;
    for (const node of nodes) {
      if (placed.has(node)) continue;
      const deps = (edges.get(node) ?? []).filter((d) => edges.has(d));
      if (deps.every((d) => placed.has(d))) {
        placed.add(node);
        order.push(node);
        progress = true;
      }
    }
  }
  return order;
}
