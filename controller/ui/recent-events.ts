// The Events Orkestra emitted lately, kept per involved object for the Control Center. A tee in
// front of the event recorder: it sees each event as emitted (before the recorder's dedup and
// spam filter), costs no API request, and is bounded by objects and by events per object.
import type { KubeObject } from '../kube/object.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventSink {
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
}

export interface RecentEvent {
  readonly uid: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  /** ISO time the event was emitted. */
  readonly at: string;
}

export interface RecentEvents {
  /** Records `event` and hands it to `next`. */
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
  /** Events about any of these objects (by UID), newest first. */
  about(uids: Iterable<string>): RecentEvent[];
}

export interface RecentEventsOptions {
  readonly perObject?: number;
  readonly objects?: number;
  readonly now?: () => number;
}

export function createRecentEvents(next: EventSink, options: RecentEventsOptions = {}): RecentEvents {
  const perObject = options.perObject ?? 20;
  const maxObjects = options.objects ?? 2_000;
  const now = options.now ?? Date.now;
  // Map order is insertion order: re-inserting on every event keeps the least recent first.
  const byUid = new Map<string, RecentEvent[]>();
  return {
    event(object, type, reason, message) {
      const uid = object.metadata.uid;
      if (uid) {
        const list = byUid.get(uid) ?? [];
        byUid.delete(uid);
        list.push({
          uid,
          kind: object.kind,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
          name: object.metadata.name,
          type,
          reason,
          message,
          at: new Date(now()).toISOString(),
        });
        if (list.length > perObject) list.splice(0, list.length - perObject);
        byUid.set(uid, list);
        if (byUid.size > maxObjects) {
          const oldest = byUid.keys().next().value;
          if (oldest !== undefined) byUid.delete(oldest);
        }
      }
      next.event(object, type, reason, message);
    },
    about(uids) {
      const out: RecentEvent[] = [];
      for (const uid of uids) out.push(...(byUid.get(uid) ?? []));
      // Newest first; ISO strings of one clock sort as times.
      return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    },
  };
}
