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

/**
 * The nodes in levels for stopping: every node comes in a level before everything it depends on
 * (dependents first), and nodes of one level do not depend on each other, so a level can stop in
 * parallel. Edges to nodes outside `edges` are ignored; a cycle does not loop (its nodes share
 * the depth at which it was entered).
 */
export function stopLevels(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  // Height: the longest chain of dependents above a node. Height 0 stops first.
  const height = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [node, deps] of edges) {
    for (const d of deps) if (edges.has(d) && d !== node) dependents.set(d, [...(dependents.get(d) ?? []), node]);
  }
  const measure = (node: string, seen: Set<string>): number => {
    const known = height.get(node);
    if (known !== undefined) return known;
    if (seen.has(node)) return 0;
    seen.add(node);
    const h = Math.max(0, ...(dependents.get(node) ?? []).map((x) => 1 + measure(x, seen)));
    seen.delete(node);
    height.set(node, h);
    return h;
  };
  const levels: string[][] = [];
  for (const node of [...edges.keys()].sort()) {
    const h = measure(node, new Set());
    levels[h] = [...(levels[h] ?? []), node];
  }
  return levels.filter((l) => l !== undefined);
}
