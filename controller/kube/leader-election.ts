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
import type { ApiClient } from './api-client.ts';
import { type Clock, monotonicClock } from './clock.ts';
import { createLeaseLock, expiresAt, jitter, validateDurations } from './lease.ts';
import type { KubeLogger } from './logger.ts';

export {
  type DecideInput,
  type Decision,
  decide,
  expiresAt,
  formatMicroTime,
  isLeaseValid,
  JITTER_FACTOR,
  jitter,
  type LeaseObject,
  type LeaseRecord,
  leaseSeconds,
  type Observation,
  recordOf,
  sameRecord,
  validateDurations,
} from './lease.ts';

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
  /**
   * True while leading and the last successful renewal started less than renewDeadline ago on the
   * monotonic clock: a write fence that holds even before the step-down timer has had a chance to
   * run (a process resumed after a pause).
   */
  holdsLease(): boolean;
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

  const describe = `${namespace}/${name}`;
  const fields = (extra: Record<string, unknown> = {}) => ({ lease: describe, identity, ...extra });
  const logError = (msg: string, err: unknown) =>
    logger?.error(msg, fields({ error: err instanceof Error ? err.message : String(err) }));
  const lock = createLeaseLock({
    client,
    namespace,
    name,
    identity,
    leaseDurationMs,
    requestTimeoutMs: renewDeadlineMs,
    clock,
    wallClock,
    logError,
  });
  const holderSeen = () => lock.observation()?.record.holderIdentity ?? '';

  /** Aborts every in-flight request when the elector stops. */
  const lifetime = new AbortController();
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let leading = false;
  let term: AbortController | undefined;
  let reportedLeader = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt: AbortController | undefined;
  let round: Promise<void> | undefined;
  /** Monotonic start of the last successful renewal. */
  let renewedAt = Number.NEGATIVE_INFINITY;

  function reportTransition(): void {
    const holder = holderSeen();
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
    logger?.info(
      'acquired lease, started leading',
      fields({ leaseTransitions: lock.observation()?.record.leaseTransitions }),
    );
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
      ok = await lock.tryAcquireOrRenew(signal, { holding: leading });
    } catch (err) {
      if (!signal.aborted) logError(leading ? 'failed to renew lease' : 'failed to acquire lease', err);
    } finally {
      if (attempt === controller) attempt = undefined;
    }
    if (stopped) return;
    if (controller.signal.aborted) ok = false; // stepped down while the write was in flight
    const holder = holderSeen();
    if (!ok && leading && holder !== '' && holder !== identity) stepDown(`lease is held by ${holder}`);
    reportTransition();
    if (ok) {
      renewedAt = startedAt;
      if (!leading) startLeading();
      armDeadline(startedAt);
    }
    if (!stopped) schedule(leading ? retryPeriodMs : candidateDelay());
  }

  /**
   * A candidate tries again after a jittered retry period, but no later than the moment the lease
   * it last saw held by another expires: a standby whose leader died otherwise sat out up to
   * another 2.2 retry periods after the expiry before taking over.
   */
  function candidateDelay(): number {
    const wait = jitter(retryPeriodMs, random);
    const seen = lock.observation();
    if (!seen || seen.record.holderIdentity === '' || seen.record.holderIdentity === identity) return wait;
    // One millisecond past the expiry, so the round finds the lease expired.
    const untilExpiry = expiresAt(seen) - clock.now() + 1;
    return untilExpiry > 0 ? Math.min(wait, untilExpiry) : wait;
  }

  async function release(): Promise<void> {
    try {
      if (await lock.release()) logger?.info('released lease', fields());
    } catch (err) {
      logError('failed to release lease', err);
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
    holdsLease: () => leading && clock.now() < renewedAt + renewDeadlineMs,
    leader: () => holderSeen() || undefined,
    stop,
  };
}
