import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assignBoxes } from './assignment.ts';

const boxes = (n: number) => Array.from({ length: n }, (_, i) => `katalog-${i % 7}/box-${i}`);
const counts = (m: Map<string, string>) => {
  const c = new Map<string, number>();
  for (const r of m.values()) c.set(r, (c.get(r) ?? 0) + 1);
  return c;
};

describe('assignBoxes', () => {
  test('every box gets one live replica, never more than one apart in load', () => {
    for (const [n, replicas] of [
      [12, ['a', 'b', 'c']],
      [50, ['r1', 'r2', 'r3', 'r4']],
      [7, ['x', 'y']],
      [3, ['p', 'q', 'r', 's']],
    ] as const) {
      const result = assignBoxes(boxes(n), replicas);
      assert.equal(result.size, n);
      for (const r of result.values()) assert.ok(replicas.includes(r as never));
      const loads = replicas.map((r) => counts(result).get(r) ?? 0);
      assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `${n} over ${replicas.length}: ${loads}`);
    }
  });

  test('the same inputs give the same answer, whatever their order', () => {
    const a = assignBoxes(boxes(30), ['a', 'b', 'c']);
    const b = assignBoxes([...boxes(30)].reverse(), ['c', 'a', 'b']);
    assert.deepEqual([...a].sort(), [...b].sort());
  });

  test('a replica leaving moves its boxes and few others; one joining takes about its share', () => {
    const list = boxes(60);
    const before = assignBoxes(list, ['a', 'b', 'c', 'd']);
    const after = assignBoxes(list, ['a', 'b', 'c']);
    const moved = list.filter((b) => before.get(b) !== after.get(b));
    const fromD = list.filter((b) => before.get(b) === 'd');
    for (const b of fromD) assert.ok(moved.includes(b));
    // Bounded loads may move a few more than d's boxes, but far from a reshuffle.
    assert.ok(moved.length <= fromD.length + 6, `${moved.length} moved, d had ${fromD.length}`);
    const joined = assignBoxes(list, ['a', 'b', 'c', 'd', 'e']);
    const toE = list.filter((b) => joined.get(b) === 'e').length;
    const movedOnJoin = list.filter((b) => before.get(b) !== joined.get(b)).length;
    assert.equal(toE, 12);
    assert.ok(movedOnJoin <= toE + 6, `${movedOnJoin} moved for ${toE} to the new replica`);
  });

  test('no replicas: no assignment', () => {
    assert.equal(assignBoxes(boxes(3), []).size, 0);
  });
});
