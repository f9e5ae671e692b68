// The keys events are correlated by, from coarse to fine: the object (spam filter), the object
// with type and reason (aggregation), and all of that with the message (one Event series).
import type { ObjectReference } from './core-event.ts';

/** Entries in each correlation cache (spam filter, aggregator, event log); client-go's default. */
export const LRU_ENTRIES = 4096;

// NUL-joined so that no two different tuples share a key (client-go joins with "").
const join = (parts: readonly (string | undefined)[]): string => parts.map((p) => p ?? '').join('\u0000');

/** Identity of the object, without resourceVersion (which changes on every write). */
function objectIdentity(ref: ObjectReference): (string | undefined)[] {
  return [ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid];
}

/** One object: the spam filter's bucket. */
export function spamKey(ref: ObjectReference): string {
  return join(objectIdentity(ref));
}

/** Same object, type and reason: events that differ only by message aggregate here. */
export function aggregateKey(ref: ObjectReference, type: string, reason: string): string {
  return join([...objectIdentity(ref), type, reason]);
}

/** Same object, type, reason and message: one Event whose count grows. */
export function eventKey(ref: ObjectReference, type: string, reason: string, message: string): string {
  return join([...objectIdentity(ref), type, reason, message]);
}
