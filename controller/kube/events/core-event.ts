// The core/v1 Event as the recorder writes it, and the rules for its fields: where it lives,
// how it is named, how long its message may be, how its timestamps are written.
import type { KubeObject } from '../object.ts';

export type EventType = 'Normal' | 'Warning';

/** core/v1 ObjectReference, as written into `involvedObject`. */
export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
}

/** The core/v1 Event fields this recorder writes. */
export interface CoreEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  type: EventType;
  source: { component: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
}

/** Message limit, in UTF-8 bytes (events.k8s.io's note limit; core/v1 has none). */
export const MAX_MESSAGE_BYTES = 1024;
/** core/v1 validation limit for reportingInstance. */
export const MAX_REPORTING_INSTANCE = 128;
const MAX_NAME = 253;

/** Events about cluster-scoped objects live in `default`, as client-go writes them. */
export function eventNamespace(ref: Pick<ObjectReference, 'namespace'>): string {
  return ref.namespace || 'default';
}

/** `<objname>.<hex unix nanos>`, shortened on the object side if the whole would exceed 253. */
export function eventName(objectName: string, unixNanos: bigint): string {
  const suffix = `.${unixNanos.toString(16)}`;
  return `${objectName.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** Cuts `message` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateMessage(message: string, maxBytes = MAX_MESSAGE_BYTES): string {
  if (message.length * 3 <= maxBytes || Buffer.byteLength(message) <= maxBytes) return message;
  let bytes = 0;
  let end = 0;
  for (const ch of message) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += ch.length;
  }
  return message.slice(0, end);
}

/** metav1.Time: RFC 3339 with whole seconds. */
export function kubeTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function objectReference(object: KubeObject): ObjectReference {
  const meta = object.metadata;
  const ref: ObjectReference = { apiVersion: object.apiVersion, kind: object.kind, name: meta.name };
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.uid) ref.uid = meta.uid;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}
