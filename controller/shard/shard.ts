// Box ownership across replicas (`orkestra run --shard`). Each replica announces itself with a
// membership Lease and holds one Lease per box it runs. One round per retry period:
//
//   1. renew this replica's membership Lease;
//   2. LIST every sharding Lease (one request, by label) and fold each record into its local
//      observation — expiry is judged, as in leader election, by when this process saw a record
//      last change, so clocks need not agree;
//   3. the live replicas are those whose membership record has not expired; rendezvous hashing
//      (assignment.ts) says which of them should run each box;
//   4. renew the box Leases held; hand over at most `maxMovesPerPeriod` boxes that now belong to
//      another live replica (the box stops first, then its Lease is released), so a new replica
//      takes its share gradually; boxes whose holder died are taken as soon as their Lease expires.
//
// A box Lease not renewed within renewDeadline (< leaseDuration) is given up: the box stops and
// its fence closes (fence.ts), so it has stopped writing before another replica can take it.
import type { ApiClient } from '../kube/api-client.ts';
import { resourcePath } from '../kube/api-client.ts';
import { type Clock, monotonicClock } from '../kube/clock.ts';
import {
  createLeaseLock,
  isLeaseValid,
  jitter,
  LEASE_RESOURCE,
  type LeaseLock,
  type LeaseObject,
  validateDurations,
} from '../kube/lease.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { assignBoxes } from './assignment.ts';
import { type Fence, FencedError } from './fence.ts';
import { boxLeaseName, memberLeaseName } from './lease-name.ts';

export const SHARD_LABEL = 'orkestra.orkspace.io/shard';
export const SHARD_ROLE_LABEL = 'orkestra.orkspace.io/shard-role';
/** The box id or replica identity a sharding Lease stands for (a Lease name is cut and hashed). */
export const SHARD_KEY_ANNOTATION = 'orkestra.orkspace.io/shard-key';

export interface ShardOptions {
  readonly client: ApiClient;
  readonly namespace: string;
  /** Names the set of cooperating replicas; the Leases are labelled and prefixed with it. */
  readonly group: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  /** Boxes handed to another replica per retry period at most (dead replicas' boxes are not counted). */
  readonly maxMovesPerPeriod?: number;
  readonly logger: Logger;
  /** The set of boxes this replica runs changed: start and stop boxes (the root controller's pass). */
  readonly onChange: () => void;
  /** Whether a box still runs here; a Lease being handed over is released only once it does not. */
  readonly isRunning: (boxId: string) => boolean;
  readonly clock?: Clock;
  readonly wallClock?: () => Date;
  readonly random?: () => number;
}

export interface Shard {
  readonly identity: string;
  /** The boxes the root controller plans to run (on some replica). */
  setBoxes(ids: readonly string[]): void;
  /** True while this replica holds the box's Lease, within its renew deadline, and is not handing it over. */
  owns(boxId: string): boolean;
  /** The write fence of a box: throws once its Lease is no longer held within the renew deadline. */
  fence(boxId: string): Fence;
  /** Box id → the replica holding its Lease (by local observation), for status and the Control Center. */
  holders(): ReadonlyMap<string, string>;
  /** The live replicas, this one included, sorted. */
  members(): string[];
  /** Stops the rounds and releases every Lease held; call after the boxes stopped. */
  stop(): Promise<void>;
}

interface Held {
  /** Monotonic start of the last successful renewal: the fence and the deadline count from it. */
  renewedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function startShard(options: ShardOptions): Shard {
  const { client, namespace, group, identity, leaseDurationMs, renewDeadlineMs, retryPeriodMs, logger } = options;
  const clock = options.clock ?? monotonicClock;
  const wallClock = options.wallClock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxMoves = options.maxMovesPerPeriod ?? 2;
  validateDurations({ leaseDurationMs, renewDeadlineMs, retryPeriodMs }, 'sharding');
  const log = logger.child({ controller: 'shard', identity });
  const collection = resourcePath(LEASE_RESOURCE, namespace);

  const lockFor = (role: 'member' | 'box', key: string, name: string) =>
    createLeaseLock({
      client,
      namespace,
      name,
      identity,
      leaseDurationMs,
      requestTimeoutMs: renewDeadlineMs,
      clock,
      wallClock,
      labels: { [SHARD_LABEL]: group, [SHARD_ROLE_LABEL]: role },
      annotations: { [SHARD_KEY_ANNOTATION]: key },
    });
  const self = lockFor('member', identity, memberLeaseName(group, identity));
  let selfRenewedAt: number | undefined;
  /** Other replicas' membership Leases, by identity (observed only, never written). */
  const peers = new Map<string, LeaseLock>();
  const boxLocks = new Map<string, LeaseLock>();
  const boxLock = (id: string) => {
    let lock = boxLocks.get(id);
    if (!lock) {
      lock = lockFor('box', id, boxLeaseName(group, id));
      boxLocks.set(id, lock);
    }
    return lock;
  };
  let wanted: string[] = [];
  const held = new Map<string, Held>();
  const handingOver = new Set<string>();
  let rounds = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let round: Promise<void> | undefined;
  const lifetime = new AbortController();

  const withinDeadline = (renewedAt: number) => clock.now() < renewedAt + renewDeadlineMs;

  function lose(id: string, reason: string): void {
    const h = held.get(id);
    if (!h) return;
    clearTimeout(h.timer);
    held.delete(id);
    handingOver.delete(id);
    log.info('box lease lost, stopping the box', { box: id, reason });
    options.onChange();
  }

  function renewed(id: string, startedAt: number): void {
    const h = held.get(id) ?? { renewedAt: startedAt, timer: undefined };
    clearTimeout(h.timer);
    h.renewedAt = startedAt;
    h.timer = setTimeout(
      () => lose(id, `not renewed within ${renewDeadlineMs} ms`),
      Math.max(0, startedAt + renewDeadlineMs - clock.now()),
    );
    held.set(id, h);
  }

  function live(): string[] {
    const now = clock.now();
    const members: string[] = [];
    if (selfRenewedAt !== undefined && withinDeadline(selfRenewedAt)) members.push(identity);
    for (const [peer, lock] of peers) {
      const o = lock.observation();
      if (o && o.record.holderIdentity === peer && isLeaseValid(o, now)) members.push(peer);
    }
    return members.sort();
  }

  async function renewMembership(signal: AbortSignal): Promise<void> {
    const startedAt = clock.now();
    const holding = selfRenewedAt !== undefined && withinDeadline(selfRenewedAt);
    try {
      if (await self.tryAcquireOrRenew(signal, { holding })) selfRenewedAt = startedAt;
    } catch (err) {
      if (!signal.aborted) log.error('renewing the membership lease failed', { err: errorField(err) });
    }
  }

  /** One LIST of every sharding Lease, folded into the observations; returns box Leases by box id. */
  async function observeLeases(signal: AbortSignal): Promise<Map<string, LeaseObject>> {
    const list = await client.request<{ items: LeaseObject[] }>({
      method: 'GET',
      path: collection,
      query: { labelSelector: `${SHARD_LABEL}=${group}` },
      signal,
      timeoutMs: renewDeadlineMs,
    });
    const boxes = new Map<string, LeaseObject>();
    const seenPeers = new Set<string>();
    for (const lease of list.items) {
      const key = lease.metadata.annotations?.[SHARD_KEY_ANNOTATION];
      const role = lease.metadata.labels?.[SHARD_ROLE_LABEL];
      if (!key) continue;
      if (role === 'member' && key !== identity) {
        seenPeers.add(key);
        let lock = peers.get(key);
        if (!lock) {
          lock = lockFor('member', key, lease.metadata.name);
          peers.set(key, lock);
        }
        lock.noteRead(lease);
      } else if (role === 'box') {
        boxes.set(key, lease);
        // A held lease's own record is the one this replica last wrote; the LIST may be older.
        if (!held.has(key)) boxLock(key).noteRead(lease);
      }
    }
    for (const peer of peers.keys()) if (!seenPeers.has(peer)) peers.delete(peer);
    return boxes;
  }

  async function renewBoxes(signal: AbortSignal): Promise<void> {
    await Promise.all(
      [...held.keys()].map(async (id) => {
        const startedAt = clock.now();
        try {
          if (await boxLock(id).tryAcquireOrRenew(signal, { holding: true })) renewed(id, startedAt);
          else lose(id, `lease is held by ${boxLock(id).observation()?.record.holderIdentity ?? 'another replica'}`);
        } catch (err) {
          if (!signal.aborted) log.error('renewing a box lease failed', { box: id, err: errorField(err) });
        }
      }),
    );
  }

  async function handOver(assignment: ReadonlyMap<string, string>, members: readonly string[]): Promise<boolean> {
    let changed = false;
    const wantedSet = new Set(wanted);
    let moves = 0;
    for (const id of held.keys()) {
      if (handingOver.has(id)) continue;
      const to = assignment.get(id);
      const gone = !wantedSet.has(id);
      const elsewhere = to !== undefined && to !== identity && members.includes(to);
      if (gone || (elsewhere && moves < maxMoves)) {
        if (!gone) moves++;
        handingOver.add(id);
        changed = true;
        log.info('handing a box over', { box: id, to: gone ? undefined : to });
      }
    }
    for (const id of [...handingOver]) {
      if (options.isRunning(id)) continue;
      try {
        await boxLock(id).release();
      } catch (err) {
        log.error('releasing a box lease failed', { box: id, err: errorField(err) });
      }
      const h = held.get(id);
      clearTimeout(h?.timer);
      held.delete(id);
      handingOver.delete(id);
      log.info('box lease released', { box: id });
    }
    return changed;
  }

  async function acquire(
    assignment: ReadonlyMap<string, string>,
    listed: ReadonlyMap<string, LeaseObject>,
    signal: AbortSignal,
  ): Promise<boolean> {
    const mine = wanted.filter((id) => assignment.get(id) === identity && !held.has(id));
    const results = await Promise.all(
      mine.map(async (id) => {
        const startedAt = clock.now();
        try {
          const known = listed.get(id);
          if (!(await boxLock(id).tryAcquireOrRenew(signal, known ? { known } : {}))) return false;
          renewed(id, startedAt);
          log.info('box lease acquired', { box: id });
          return true;
        } catch (err) {
          if (!signal.aborted) log.error('acquiring a box lease failed', { box: id, err: errorField(err) });
          return false;
        }
      }),
    );
    return results.some(Boolean);
  }

  async function runRound(): Promise<void> {
    const signal = lifetime.signal;
    // Renewals first: a failing LIST must not cost this replica its Leases.
    await Promise.all([renewMembership(signal), renewBoxes(signal)]);
    const listed = await observeLeases(signal);
    const members = live();
    const assignment = assignBoxes(wanted, members);
    let changed = await handOver(assignment, members);
    // The first round only announces this replica and observes the others, so replicas starting
    // together see each other before they claim anything.
    if (rounds > 0 && members.includes(identity)) changed = (await acquire(assignment, listed, signal)) || changed;
    rounds++;
    if (changed) options.onChange();
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      const startedAt = clock.now();
      round = runRound()
        .catch((err: unknown) => {
          if (!lifetime.signal.aborted) log.error('sharding round failed', { err: errorField(err) });
        })
        .finally(() => {
          round = undefined;
          const elapsed = clock.now() - startedAt;
          schedule(Math.max(0, jitter(retryPeriodMs, () => random() * 0.1) - elapsed));
        });
    }, delayMs);
  }
  log.info('sharding started', { namespace, group, leaseDurationMs, renewDeadlineMs, retryPeriodMs });
  schedule(0);

  return {
    identity,
    setBoxes(ids) {
      wanted = [...ids].sort();
    },
    owns(id) {
      const h = held.get(id);
      return h !== undefined && !handingOver.has(id) && withinDeadline(h.renewedAt);
    },
    fence(id) {
      return () => {
        const h = held.get(id);
        if (!h || !withinDeadline(h.renewedAt)) {
          throw new FencedError(`box ${id}: this replica no longer holds its Lease; the write was not sent`);
        }
      };
    },
    holders() {
      const now = clock.now();
      const result = new Map<string, string>();
      for (const id of wanted) {
        const h = held.get(id);
        if (h && withinDeadline(h.renewedAt)) {
          result.set(id, identity);
          continue;
        }
        const o = boxLocks.get(id)?.observation();
        if (o?.record.holderIdentity && isLeaseValid(o, now)) result.set(id, o.record.holderIdentity);
      }
      return result;
    },
    members: live,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      lifetime.abort(new Error('sharding stopped'));
      await round;
      const ids = [...held.keys()];
      for (const h of held.values()) clearTimeout(h.timer);
      held.clear();
      await Promise.all(
        [...ids.map((id) => boxLock(id)), self].map((lock) =>
          lock
            .release()
            .catch((err: unknown) => log.error('releasing a lease failed', { lease: lock.name, err: errorField(err) })),
        ),
      );
      log.info('sharding stopped, leases released', { boxes: ids.length });
    },
  };
}
