// A debugging record of when each reconcile starts and ends, for checking across processes that
// no custom resource is reconciled by two replicas at once. Enabled by ORKESTRA_RECONCILE_LOG
// (a file path): one JSON line per event, appended synchronously so a killed process loses
// nothing it recorded. Times are performance.timeOrigin + performance.now(): monotonic within a
// process and on the same scale as Date.now() across processes on one machine.
import { appendFileSync } from 'node:fs';

export interface ReconcileLogEntry {
  readonly replica: string;
  readonly box: string;
  readonly key: string;
  readonly event: 'start' | 'end';
  readonly at: number;
}

export type ReconcileLog = (box: string, key: string, event: 'start' | 'end') => void;

export function reconcileLog(path: string | undefined, replica: string): ReconcileLog | undefined {
  if (!path) return undefined;
  return (box, key, event) => {
    const entry: ReconcileLogEntry = { replica, box, key, event, at: performance.timeOrigin + performance.now() };
    appendFileSync(path, `${JSON.stringify(entry)}\n`);
  };
}

/** Pairs of reconciles of the same key by different replicas whose intervals overlap. */
export function overlaps(
  entries: readonly ReconcileLogEntry[],
  endOf: (replica: string) => number = () => Number.POSITIVE_INFINITY,
): { key: string; a: string; b: string; at: number }[] {
  const intervals = new Map<string, { replica: string; from: number; to: number }[]>();
  const open = new Map<string, number>();
  for (const e of [...entries].sort((x, y) => x.at - y.at)) {
    const id = `${e.replica}\0${e.box}\0${e.key}`;
    if (e.event === 'start') {
      open.set(id, e.at);
      continue;
    }
    const from = open.get(id);
    if (from === undefined) continue;
    open.delete(id);
    const list = intervals.get(`${e.box}\0${e.key}`) ?? [];
    list.push({ replica: e.replica, from, to: e.at });
    intervals.set(`${e.box}\0${e.key}`, list);
  }
  // A reconcile that never ended ran until its process ended (killed).
  for (const [id, from] of open) {
    const [replica = '', box, key] = id.split('\0');
    const list = intervals.get(`${box}\0${key}`) ?? [];
    list.push({ replica, from, to: endOf(replica) });
    intervals.set(`${box}\0${key}`, list);
  }
  const found: { key: string; a: string; b: string; at: number }[] = [];
  for (const [k, list] of intervals) {
    list.sort((x, y) => x.from - y.from);
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i];
        const b = list[j];
        if (!a || !b || b.from >= a.to) break;
        if (a.replica !== b.replica) found.push({ key: k.replace('\0', ' '), a: a.replica, b: b.replica, at: b.from });
      }
    }
  }
  return found;
}
