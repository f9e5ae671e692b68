// Which replica runs which box: rendezvous (highest-random-weight) hashing with bounded loads.
// Every replica computes the same answer from the same membership and box set, with no
// coordination. Each box ranks the replicas by hash(box, replica); boxes, taken in a fixed order,
// go to the first replica in their ranking that still has room. Room is floor(N/M) boxes, and
// ceil(N/M) for the first N mod M replicas that reach it, so the spread is never more than one.
// A membership change moves mostly the boxes of the replica that came or went; the ranking of a
// box among the others does not change.
import { createHash } from 'node:crypto';

/** A 48-bit weight: enough to make ties (broken by name) practically impossible. */
export function weight(box: string, replica: string): number {
  const digest = createHash('sha256').update(box).update('\0').update(replica).digest();
  return digest.readUIntBE(0, 6);
}

/** The replicas in the order this box prefers them. */
export function ranking(box: string, replicas: readonly string[]): string[] {
  return [...replicas].sort((a, b) => weight(box, b) - weight(box, a) || a.localeCompare(b));
}

/** box → replica for every box; empty when there are no replicas. */
export function assignBoxes(boxes: readonly string[], replicas: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  const members = [...new Set(replicas)].sort();
  if (members.length === 0) return result;
  const ordered = [...new Set(boxes)].sort((a, b) => weight(a, '') - weight(b, '') || a.localeCompare(b));
  const floor = Math.floor(ordered.length / members.length);
  let extras = ordered.length % members.length;
  const load = new Map(members.map((m) => [m, 0]));
  for (const box of ordered) {
    for (const replica of ranking(box, members)) {
      const n = load.get(replica) ?? 0;
      const fits = n < floor || (n === floor && extras > 0);
      if (!fits) continue;
      if (n === floor) extras--;
      load.set(replica, n + 1);
      result.set(box, replica);
      break;
    }
  }
  return result;
}
