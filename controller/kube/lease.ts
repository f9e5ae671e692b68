// One coordination.k8s.io/v1 Lease, with client-go's leaderelection semantics. Leader election
// (leader-election.ts) holds one of these; sharding (../shard/) holds one per replica and one per
// box. This module is the shared part: the pure acquire-or-renew decision and a lock that reads,
// writes and releases one Lease.
//
// - Expiry is judged by the local time at which this process last saw the lease record change
//   (client-go's observedTime), never by comparing the remote acquire/renew timestamps with the
//   local clock, so clock skew between replicas does not matter (only skew *rate* does).
// - Every write carries the resourceVersion that was read (or last written), so a 409 Conflict
//   means someone else won the round.
// - release() clears the holder and shortens the lease to 1 s, as client-go's ReleaseOnCancel
//   does, so a candidate takes over within one retry period.

import { type ApiClient, isConflict, isNotFound, resourcePath } from './api-client.ts';
import type { Clock } from './clock.ts';
import type { KubeObject } from './object.ts';

/** client-go's JitterFactor: candidates wait retryPeriod * (1 + random * 1.2) between tries. */
export const JITTER_FACTOR = 1.2;

/** The part of a Lease's spec that leader election reads and writes (client-go's LeaderElectionRecord). */
export interface LeaseRecord {
  /** '' when nobody holds the lease (never acquired, or released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime strings, exactly as the API server returns them. */
  readonly acquireTime: string | undefined;
  readonly renewTime: string | undefined;
  readonly leaseTransitions: number;
}

/** The last lease record seen and when (local monotonic clock) it was first seen in this form. */
export interface Observation {
  readonly record: LeaseRecord;
  readonly observedAt: number;
}

export type Decision =
  /** The Lease does not exist: create it, holding it. */
  | { readonly action: 'create'; readonly record: LeaseRecord }
  /** Write `record`: a renewal when `acquiring` is false, a (new) acquisition otherwise. */
  | { readonly action: 'update'; readonly record: LeaseRecord; readonly acquiring: boolean }
  /** Someone else holds an unexpired lease; by local observation it expires at `expiresAt`. */
  | { readonly action: 'wait'; readonly holder: string; readonly expiresAt: number };

export interface DecideInput {
  /** What this elector observed before this read; undefined if it has never read the lease. */
  readonly previous: Observation | undefined;
  /** The record just read; undefined if the Lease does not exist. */
  readonly fetched: LeaseRecord | undefined;
  /** Local monotonic time of the read. */
  readonly now: number;
  /** Wall-clock time written into acquireTime / renewTime (informational only). */
  readonly wallNow: Date;
  readonly identity: string;
  readonly leaseDurationMs: number;
}

/**
 * One round of client-go's tryAcquireOrRenew, without I/O: folds the record just read into the
 * observation (its time moves only when the record changed) and decides what to write.
 */
export function decide(input: DecideInput): { observation: Observation | undefined; decision: Decision } {
  const { previous, fetched, now, wallNow, identity, leaseDurationMs } = input;
  const stamp = formatMicroTime(wallNow);
  const leaseDurationSeconds = leaseSeconds(leaseDurationMs);
  if (fetched === undefined) {
    const record: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds,
      acquireTime: stamp,
      renewTime: stamp,
      leaseTransitions: 0,
    };
    return { observation: previous, decision: { action: 'create', record } };
  }
  const observation =
    previous !== undefined && sameRecord(previous.record, fetched) ? previous : { record: fetched, observedAt: now };
  const holder = fetched.holderIdentity;
  if (holder !== '' && holder !== identity && isLeaseValid(observation, now)) {
    return { observation, decision: { action: 'wait', holder, expiresAt: expiresAt(observation) } };
  }
  const renewing = holder === identity;
  const record: LeaseRecord = {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime: renewing ? fetched.acquireTime : stamp,
    renewTime: stamp,
    leaseTransitions: renewing ? fetched.leaseTransitions : fetched.leaseTransitions + 1,
  };
  return { observation, decision: { action: 'update', record, acquiring: !renewing } };
}

/** Local time at which an observed lease expires: observedAt + the record's own duration. */
export function expiresAt(observation: Observation): number {
  return observation.observedAt + observation.record.leaseDurationSeconds * 1000;
}

export function isLeaseValid(observation: Observation, now: number): boolean {
  return expiresAt(observation) > now;
}

export function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits, e.g. 2026-11-25T09:52:05.123000Z. */
export function formatMicroTime(date: Date): string {
  const iso = date.toISOString();
  const match = /^(.*)\.(\d{3})Z$/.exec(iso);
  if (!match) throw new Error(`cannot format ${iso} as MicroTime`);
  return `${match[1]}.${match[2]}000Z`;
}

/** Lease durations are whole seconds on the wire; round up so a lease never looks shorter than configured. */
export function leaseSeconds(leaseDurationMs: number): number {
  return Math.max(1, Math.ceil(leaseDurationMs / 1000));
}

/** wait.Jitter: a delay in [period, period * (1 + JITTER_FACTOR)). */
export function jitter(periodMs: number, random: () => number): number {
  return periodMs * (1 + random() * JITTER_FACTOR);
}

/** The same checks as client-go's NewLeaderElector; throws on nonsense configurations. */
export function validateDurations(
  d: {
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  },
  what = 'leader election',
): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = d;
  if (!(leaseDurationMs > 0 && renewDeadlineMs > 0 && retryPeriodMs > 0)) {
    throw new Error(`${what}: leaseDuration, renewDeadline and retryPeriod must be greater than zero`);
  }
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new Error(
      `${what}: leaseDuration (${leaseDurationMs} ms) must be greater than renewDeadline (${renewDeadlineMs} ms)`,
    );
  }
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) {
    throw new Error(
      `${what}: renewDeadline (${renewDeadlineMs} ms) must be greater than ${JITTER_FACTOR} * retryPeriod (${retryPeriodMs} ms)`,
    );
  }
}

/** A Lease as read from / written to the API server. Other spec fields are carried through untouched. */
export interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
    [field: string]: unknown;
  };
}

export function recordOf(lease: LeaseObject): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: spec.acquireTime ?? undefined,
    renewTime: spec.renewTime ?? undefined,
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

export function specOf(record: LeaseRecord): NonNullable<LeaseObject['spec']> {
  const spec: NonNullable<LeaseObject['spec']> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTime !== undefined) spec.acquireTime = record.acquireTime;
  if (record.renewTime !== undefined) spec.renewTime = record.renewTime;
  return spec;
}

export const LEASE_RESOURCE = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true };

export interface LeaseLockOptions {
  readonly client: ApiClient;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** Timeout of each request (the renew deadline: a slower answer is useless). */
  readonly requestTimeoutMs: number;
  readonly clock: Clock;
  readonly wallClock: () => Date;
  /** Labels and annotations a created Lease carries (sharding lists its Leases by label). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** Told of a failed optimistic renewal before the lock falls back to read-decide-write. */
  readonly logError?: (msg: string, err: unknown) => void;
}

export interface LeaseLock {
  readonly namespace: string;
  readonly name: string;
  /** The last record seen and when it was first seen in that form; undefined before the first read. */
  observation(): Observation | undefined;
  /** True when the last observed record names this identity and has not expired locally. */
  heldByMe(now: number): boolean;
  /** Folds a copy of the Lease read elsewhere (a LIST of many Leases) into the observation. */
  noteRead(lease: LeaseObject): void;
  /**
   * client-go's tryAcquireOrRenew: resolves true when this identity holds a freshly written
   * lease, false when someone else holds it (or won the write). `holding` enables the fast path
   * (write on top of the last written object, skipping the read); `known` is a copy of the Lease
   * just read in a LIST, used instead of a GET.
   */
  tryAcquireOrRenew(signal: AbortSignal, options?: { holding?: boolean; known?: LeaseObject }): Promise<boolean>;
  /** Clears the holder if this identity holds the lease (conflicts re-read once). Errors are thrown. */
  release(): Promise<boolean>;
}

export function createLeaseLock(options: LeaseLockOptions): LeaseLock {
  const { client, namespace, name, identity, leaseDurationMs, requestTimeoutMs, clock, wallClock } = options;
  const objectPath = resourcePath(LEASE_RESOURCE, namespace, name);
  const collectionPath = resourcePath(LEASE_RESOURCE, namespace);
  let observation: Observation | undefined;
  /** The Lease object last read or written: its resourceVersion guards the next write. */
  let cached: LeaseObject | undefined;

  function observe(written: LeaseObject): void {
    cached = written;
    observation = { record: recordOf(written), observedAt: clock.now() };
  }

  function noteRead(lease: LeaseObject): void {
    cached = lease;
    const record = recordOf(lease);
    if (observation === undefined || !sameRecord(observation.record, record)) {
      observation = { record, observedAt: clock.now() };
    }
  }

  function withRecord(base: LeaseObject, record: LeaseRecord): LeaseObject {
    return { ...base, spec: { ...base.spec, ...specOf(record) } };
  }

  const put = (body: LeaseObject, signal?: AbortSignal) =>
    client.request<LeaseObject>({ method: 'PUT', path: objectPath, body, signal, timeoutMs: requestTimeoutMs });

  const heldByMe = (now: number) =>
    observation !== undefined && observation.record.holderIdentity === identity && isLeaseValid(observation, now);

  async function tryAcquireOrRenew(
    signal: AbortSignal,
    opts: { holding?: boolean; known?: LeaseObject } = {},
  ): Promise<boolean> {
    // Fast path: the holder writes on top of the object it last wrote, skipping the read.
    if (opts.holding && cached && heldByMe(clock.now()) && observation) {
      const record: LeaseRecord = {
        ...observation.record,
        leaseDurationSeconds: leaseSeconds(leaseDurationMs),
        renewTime: formatMicroTime(wallClock()),
      };
      try {
        observe(await put(withRecord(cached, record), signal));
        return true;
      } catch (err) {
        if (signal.aborted) throw err;
        if (!isConflict(err)) options.logError?.('optimistic lease renewal failed, re-reading the lease', err);
      }
    }

    let fetched: LeaseObject | undefined = opts.holding ? undefined : opts.known;
    if (!fetched) {
      try {
        fetched = await client.request<LeaseObject>({
          method: 'GET',
          path: objectPath,
          signal,
          timeoutMs: requestTimeoutMs,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const result = decide({
      previous: observation,
      fetched: fetched ? recordOf(fetched) : undefined,
      now: clock.now(),
      wallNow: wallClock(),
      identity,
      leaseDurationMs,
    });
    observation = result.observation;
    if (fetched) cached = fetched;
    const decision = result.decision;
    try {
      switch (decision.action) {
        case 'wait':
          return false;
        case 'create': {
          const metadata: LeaseObject['metadata'] = { name, namespace };
          if (options.labels) metadata.labels = { ...options.labels };
          if (options.annotations) metadata.annotations = { ...options.annotations };
          const body: LeaseObject = {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata,
            spec: specOf(decision.record),
          };
          observe(
            await client.request<LeaseObject>({
              method: 'POST',
              path: collectionPath,
              body,
              signal,
              timeoutMs: requestTimeoutMs,
            }),
          );
          return true;
        }
        case 'update': {
          if (!cached) return false;
          observe(await put(withRecord(cached, decision.record), signal));
          return true;
        }
      }
    } catch (err) {
      // Someone else created or wrote the lease since we read it: they won this round.
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async function release(): Promise<boolean> {
    for (let tries = 0; tries < 2; tries++) {
      if (!cached || observation?.record.holderIdentity !== identity) return false;
      const stamp = formatMicroTime(wallClock());
      const record: LeaseRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: observation.record.leaseTransitions,
      };
      try {
        observe(await put(withRecord(cached, record)));
        return true;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      // Conflict: re-read, and release only if the lease is still ours.
      const fresh = await client.request<LeaseObject>({ method: 'GET', path: objectPath, timeoutMs: requestTimeoutMs });
      cached = fresh;
      observation = { record: recordOf(fresh), observedAt: clock.now() };
    }
    return false;
  }

  return {
    namespace,
    name,
    observation: () => observation,
    heldByMe,
    noteRead,
    tryAcquireOrRenew,
    release,
  };
}
