import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { dependencyOrder, findCycles, stopLevels } from './dag.ts';

const graph = (o: Record<string, string[]>) => new Map(Object.entries(o));

test('finds a cycle and names its members in order', () => {
  assert.deepEqual(findCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: [] })), [['a', 'b', 'c', 'a']]);
  assert.deepEqual(findCycles(graph({ a: ['a'] })), [['a', 'a']]);
  assert.deepEqual(findCycles(graph({ a: ['b'], b: [] })), []);
});

test('orders dependencies first and leaves out cycles and their dependents', () => {
  assert.deepEqual(dependencyOrder(graph({ web: ['db'], db: [], cache: [] })), ['cache', 'db', 'web']);
  assert.deepEqual(dependencyOrder(graph({ a: ['b'], b: ['a'], c: ['a'], d: [] })), ['d']);
});

test('property: in the dependency order every node comes after its dependencies', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), { maxLength: 20 }),
      (pairs) => {
        const edges = new Map<string, string[]>();
        for (let i = 0; i < 8; i++) edges.set(`n${i}`, []);
        // Edges only from higher to lower numbers: acyclic by construction.
        for (const [a, b] of pairs) if (a > b) edges.get(`n${a}`)?.push(`n${b}`);
        const order = dependencyOrder(edges);
        assert.equal(order.length, 8);
        assert.deepEqual(findCycles(edges), []);
        for (const [node, deps] of edges) for (const d of deps) assert.ok(order.indexOf(d) < order.indexOf(node));
      },
    ),
  );
});

test('stopLevels: dependents first, independent boxes of one level together', () => {
  const edges = new Map<string, string[]>([
    ['db', []],
    ['cache', []],
    ['web', ['db', 'cache']],
    ['api', ['db']],
    ['frontend', ['web']],
    ['alone', []],
  ]);
  assert.deepEqual(stopLevels(edges), [['alone', 'api', 'frontend'], ['web'], ['cache', 'db']]);
});

test('stopLevels: every node exactly once, after all its dependents (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })), { maxLength: 20 }),
      (pairs) => {
        // Only edges from a higher to a lower number: acyclic by construction.
        const edges = new Map<string, string[]>(Array.from({ length: 8 }, (_, i) => [`n${i}`, []]));
        for (const [a, b] of pairs) if (a > b) edges.get(`n${a}`)?.push(`n${b}`);
        const levels = stopLevels(edges);
        const at = new Map(levels.flatMap((l, i) => l.map((n) => [n, i] as const)));
        assert.equal(at.size, 8);
        assert.equal(levels.flat().length, 8);
        for (const [node, deps] of edges) for (const d of deps) assert.ok((at.get(node) ?? 0) < (at.get(d) ?? 0));
      },
    ),
  );
});
