// Leader election on a coordination.k8s.io/v1 Lease, with client-go's leaderelection semantics:
//
// - Expiry is judged by the local time at which this process last saw the lease record change
//   (client-go's observedTime), never by comparing the remote acquire/renew timestamps with the
//   local clock, so clock skew between replicas does not matter (only skew *rate* does).
// - Candidates try every retryPeriod with jitter factor 1.2; the leader renews every retryPeriod
//   (first with an optimistic write of the record it last wrote, then read-decide-write).
// - Every write carries the resourceVersion that was read (or last written), so a 409 Conflict
//   means someone else won the round.
// - A leader that cannot renew within renewDeadline steps down: the signal given to
//   onStartedLeading aborts and onStoppedLeading runs. It then stays a candidate.
// - stop() releases the lease if this replica holds it (holderIdentity "", leaseDurationSeconds 1,
//   as client-go's ReleaseOnCancel does), so a standby takes over within one retry period.
//
// Two deliberate differences from client-go, both towards stepping down earlier:
// - renewDeadline counts from the start of the last successful renewal (client-go counts from
//   the start of the first failing renewal round, up to one retryPeriod later);
// - a leader that reads the lease held by someone else steps down at once instead of retrying
//   until renewDeadline.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type ApiClient, isConflict, isNotFound, resourcePath } from './api-client.ts';
import { type Clock, monotonicClock } from './clock.ts';
import type { KubeLogger } from './logger.ts';
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
export function validateDurations(d: {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}): void {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = d;
  if (!(leaseDurationMs > 0 && renewDeadlineMs > 0 && retryPeriodMs > 0)) {
    throw new Error('leader election: leaseDuration, renewDeadline and retryPeriod must be greater than zero');
  }
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new Error(
      `leader election: leaseDuration (${leaseDurationMs} ms) must be greater than renewDeadline (${renewDeadlineMs} ms)`,
    );
  }
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) {
    throw new Error(
      `leader election: renewDeadline (${renewDeadlineMs} ms) must be greater than ${JITTER_FACTOR} * retryPeriod (${retryPeriodMs} ms)`,
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

function specOf(record: LeaseRecord): NonNullable<LeaseObject['spec']> {
  const spec: NonNullable<LeaseObject['spec']> = {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    leaseTransitions: record.leaseTransitions,
  };
  if (record.acquireTime !== undefined) spec.acquireTime = record.acquireTime;
  if (record.renewTime !== undefined) spec.renewTime = record.renewTime;
  return spec;
}

export interface LeaderElectionOptions {
  readonly client: ApiClient;
  readonly namespace: string;
  readonly name: string;
  /** Unique per replica; default `${hostname()}_${randomUUID()}`. */
  readonly identity?: string;
  /** How long a standby waits, from its last observed change of the lease, before taking it. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it steps down. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** Time between tries (jittered by 1.2 for candidates). Default 2 s. */
  readonly retryPeriodMs?: number;
  /**
   * Called when this replica becomes leader; `signal` aborts when it stops leading (lost lease,
   * renew deadline, stop()). A returned promise is not awaited; its rejection is logged.
   */
  readonly onStartedLeading?: (signal: AbortSignal) => void | Promise<void>;
  /** Called once after each leading term ends (after the release on stop()). */
  readonly onStoppedLeading?: () => void;
  /** Called whenever the observed holder changes to a (non-empty) identity, including this one. */
  readonly onNewLeader?: (identity: string) => void;
  /** Aborting it stops the elector like stop() (releasing the lease). */
  readonly signal?: AbortSignal;
  readonly logger?: KubeLogger | undefined;
  /** Monotonic time for lease expiry and deadlines; default performance.now(). */
  readonly clock?: Clock;
  /** Wall-clock time written into acquireTime / renewTime; default new Date(). */
  readonly wallClock?: () => Date;
  /** Source of jitter; default Math.random. */
  readonly random?: () => number;
}

export interface LeaderElection {
  readonly identity: string;
  /** True between onStartedLeading and the end of that term. */
  isLeader(): boolean;
  /** The holder in the last observed lease record, undefined if none. */
  leader(): string | undefined;
  /**
   * Stops trying, ends a leading term and, unless `release` is false, releases the lease if this
   * replica holds it; resolves when all of that is done and no timer is left. Idempotent.
   */
  stop(options?: { release?: boolean }): Promise<void>;
}

export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const { client, namespace, name, logger } = options;
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const leaseDurationMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const clock = options.clock ?? monotonicClock;
  const wallClock = options.wallClock ?? (() => new Date());
  const random = options.random ?? Math.random;
  if (!namespace || !name) throw new Error('leader election: lease namespace and name are required');
  if (!identity) throw new Error('leader election: identity must not be empty');
  validateDurations({ leaseDurationMs, renewDeadlineMs, retryPeriodMs });

  const lease = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', namespaced: true };
  const objectPath = resourcePath(lease, namespace, name);
  const collectionPath = resourcePath(lease, namespace);
  const describe = `${namespace}/${name}`;
  const fields = (extra: Record<string, unknown> = {}) => ({ lease: describe, identity, ...extra });

  /** Aborts every in-flight request when the elector stops. */
  const lifetime = new AbortController();
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let observation: Observation | undefined;
  /** The Lease object last read or written: its resourceVersion guards the next write. */
  let cached: LeaseObject | undefined;
  let leading = false;
  let term: AbortController | undefined;
  let reportedLeader = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt: AbortController | undefined;
  let round: Promise<void> | undefined;

  const logError = (msg: string, err: unknown) =>
    logger?.error(msg, fields({ error: err instanceof Error ? err.message : String(err) }));

  function observe(written: LeaseObject): void {
    cached = written;
    observation = { record: recordOf(written), observedAt: clock.now() };
  }

  function withRecord(base: LeaseObject, record: LeaseRecord): LeaseObject {
    return { ...base, spec: { ...base.spec, ...specOf(record) } };
  }

  async function put(body: LeaseObject, signal: AbortSignal): Promise<LeaseObject> {
    return client.request<LeaseObject>({ method: 'PUT', path: objectPath, body, signal, timeoutMs: renewDeadlineMs });
  }

  /** client-go's tryAcquireOrRenew. Resolves true when this replica holds a freshly written lease. */
  async function tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    // Fast path: the leader writes on top of the object it last wrote, skipping the read.
    if (
      leading &&
      cached &&
      observation?.record.holderIdentity === identity &&
      isLeaseValid(observation, clock.now())
    ) {
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
        if (!isConflict(err)) logError('optimistic lease renewal failed, re-reading the lease', err);
      }
    }

    let fetched: LeaseObject | undefined;
    try {
      fetched = await client.request<LeaseObject>({
        method: 'GET',
        path: objectPath,
        signal,
        timeoutMs: renewDeadlineMs,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
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
          const body: LeaseObject = {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: specOf(decision.record),
          };
          observe(
            await client.request<LeaseObject>({
              method: 'POST',
              path: collectionPath,
              body,
              signal,
              timeoutMs: renewDeadlineMs,
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

  function reportTransition(): void {
    const holder = observation?.record.holderIdentity ?? '';
    if (holder === reportedLeader) return;
    reportedLeader = holder;
    if (holder === '') return;
    if (holder !== identity) logger?.info('new leader observed', fields({ leader: holder }));
    try {
      options.onNewLeader?.(holder);
    } catch (err) {
      logError('onNewLeader failed', err);
    }
  }

  function startLeading(): void {
    leading = true;
    term = new AbortController();
    logger?.info('acquired lease, started leading', fields({ leaseTransitions: observation?.record.leaseTransitions }));
    try {
      const result = options.onStartedLeading?.(term.signal);
      Promise.resolve(result).catch((err: unknown) => logError('onStartedLeading failed', err));
    } catch (err) {
      logError('onStartedLeading failed', err);
    }
  }

  function endTerm(): void {
    if (!leading) return;
    leading = false;
    clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    term?.abort(new Error('stopped leading'));
    term = undefined;
  }

  function notifyStopped(): void {
    try {
      options.onStoppedLeading?.();
    } catch (err) {
      logError('onStoppedLeading failed', err);
    }
  }

  function stepDown(reason: string): void {
    if (!leading || stopped) return;
    logger?.info('stopped leading', fields({ reason }));
    endTerm();
    attempt?.abort(new Error(`stepped down: ${reason}`));
    notifyStopped();
  }

  /** The leader must renew within renewDeadline of the start of its last successful renewal. */
  function armDeadline(renewStartedAt: number): void {
    clearTimeout(deadlineTimer);
    const delay = Math.max(0, renewStartedAt + renewDeadlineMs - clock.now());
    deadlineTimer = setTimeout(() => {
      deadlineTimer = undefined;
      stepDown(`failed to renew the lease within ${renewDeadlineMs} ms`);
    }, delay);
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      round = runRound()
        .catch((err: unknown) => logError('leader election round failed', err))
        .finally(() => {
          round = undefined;
        });
    }, delayMs);
  }

  async function runRound(): Promise<void> {
    const startedAt = clock.now();
    const controller = new AbortController();
    attempt = controller;
    const signal = AbortSignal.any([lifetime.signal, controller.signal]);
    let ok = false;
    try {
      ok = await tryAcquireOrRenew(signal);
    } catch (err) {
      if (!signal.aborted) logError(leading ? 'failed to renew lease' : 'failed to acquire lease', err);
    } finally {
      if (attempt === controller) attempt = undefined;
    }
    if (stopped) return;
    if (controller.signal.aborted) ok = false; // stepped down while the write was in flight
    const holder = observation?.record.holderIdentity ?? '';
    if (!ok && leading && holder !== '' && holder !== identity) stepDown(`lease is held by ${holder}`);
    reportTransition();
    if (ok) {
      if (!leading) startLeading();
      armDeadline(startedAt);
    }
    if (!stopped) schedule(leading ? retryPeriodMs : jitter(retryPeriodMs, random));
  }

  /** client-go's release: clear the holder, keep the transition count, shorten the lease to 1 s. */
  async function release(): Promise<void> {
    for (let tries = 0; tries < 2; tries++) {
      if (!cached || observation?.record.holderIdentity !== identity) return;
      const stamp = formatMicroTime(wallClock());
      const record: LeaseRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: stamp,
        renewTime: stamp,
        leaseTransitions: observation.record.leaseTransitions,
      };
      try {
        observe(
          await client.request<LeaseObject>({
            method: 'PUT',
            path: objectPath,
            body: withRecord(cached, record),
            timeoutMs: renewDeadlineMs,
          }),
        );
        logger?.info('released lease', fields());
        return;
      } catch (err) {
        if (!isConflict(err)) {
          logError('failed to release lease', err);
          return;
        }
      }
      // Conflict: re-read, and release only if the lease is still ours.
      try {
        const fresh = await client.request<LeaseObject>({
          method: 'GET',
          path: objectPath,
          timeoutMs: renewDeadlineMs,
        });
        cached = fresh;
        observation = { record: recordOf(fresh), observedAt: clock.now() };
      } catch (err) {
        logError('failed to release lease', err);
        return;
      }
    }
  }

  async function shutdown(releaseLease: boolean): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    lifetime.abort(new Error('leader election stopped'));
    await round;
    const wasLeading = leading;
    endTerm();
    if (releaseLease) await release();
    options.signal?.removeEventListener('abort', onAbort);
    if (wasLeading) {
      logger?.info('stopped leading', fields({ reason: 'stopped' }));
      notifyStopped();
    }
  }

  function stop(stopOptions: { release?: boolean } = {}): Promise<void> {
    if (!stopping) {
      stopped = true;
      stopping = shutdown(stopOptions.release ?? true);
    }
    return stopping;
  }

  function onAbort(): void {
    void stop();
  }

  if (options.signal?.aborted) {
    stopped = true;
    stopping = Promise.resolve();
  } else {
    options.signal?.addEventListener('abort', onAbort, { once: true });
    logger?.info('attempting to acquire lease', fields());
    schedule(0);
  }

  return {
    identity,
    isLeader: () => leading,
    leader: () => observation?.record.holderIdentity || undefined,
    stop,
  };
}
