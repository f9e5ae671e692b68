import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { type ApiClient, ApiError, type ApiRequest } from './api-client.ts';
import type { Clock } from './clock.ts';
import {
  type DecideInput,
  decide,
  formatMicroTime,
  jitter,
  type LeaderElection,
  type LeaderElectionOptions,
  type LeaseObject,
  type LeaseRecord,
  leaseSeconds,
  startLeaderElection,
  validateDurations,
} from './leader-election.ts';

// ---------------------------------------------------------------------------------------------
// The pure decision: one round of tryAcquireOrRenew.

const LEASE_MS = 3_000;
const WALL = new Date('2026-11-25T09:52:05.123Z');
const STAMP = '2026-11-25T09:52:05.123000Z';

function rec(overrides: Partial<LeaseRecord> = {}): LeaseRecord {
  return {
    holderIdentity: 'other',
    leaseDurationSeconds: 3,
    acquireTime: '2026-11-25T09:00:00.000000Z',
    renewTime: '2026-11-25T09:50:00.000000Z',
    leaseTransitions: 4,
    ...overrides,
  };
}

interface DecideCase {
  readonly name: string;
  readonly input: Partial<DecideInput>;
  /** Expected action, and for 'wait' the local expiry, for writes the record written. */
  readonly action: 'create' | 'update' | 'wait';
  readonly acquiring?: boolean;
  readonly expiresAt?: number;
  readonly record?: Partial<LeaseRecord>;
  /** Expected observedAt afterwards. */
  readonly observedAt?: number;
}

const NOW = 100_000;
const base: DecideInput = {
  previous: undefined,
  fetched: undefined,
  now: NOW,
  wallNow: WALL,
  identity: 'me',
  leaseDurationMs: LEASE_MS,
};

const decideCases: DecideCase[] = [
  {
    name: 'a missing lease is created, held by me, with no transitions',
    input: {},
    action: 'create',
    record: {
      holderIdentity: 'me',
      leaseDurationSeconds: 3,
      acquireTime: STAMP,
      renewTime: STAMP,
      leaseTransitions: 0,
    },
  },
  {
    name: 'a lease held by another, seen for the first time, is valid from now',
    input: { fetched: rec() },
    action: 'wait',
    expiresAt: NOW + 3_000,
    observedAt: NOW,
  },
  {
    name: 'an unchanged record keeps its observation time: still valid 2.999 s later',
    input: { previous: { record: rec(), observedAt: NOW - 2_999 }, fetched: rec() },
    action: 'wait',
    expiresAt: NOW + 1,
    observedAt: NOW - 2_999,
  },
  {
    name: 'an unchanged record observed exactly one lease duration ago has expired: acquire',
    input: { previous: { record: rec(), observedAt: NOW - 3_000 }, fetched: rec() },
    action: 'update',
    acquiring: true,
    record: {
      holderIdentity: 'me',
      leaseDurationSeconds: 3,
      acquireTime: STAMP,
      renewTime: STAMP,
      leaseTransitions: 5,
    },
    observedAt: NOW - 3_000,
  },
  {
    name: 'a renewed record (renewTime moved) restarts the observation, however old the previous one',
    input: {
      previous: { record: rec(), observedAt: NOW - 60_000 },
      fetched: rec({ renewTime: '2026-11-25T09:50:02.000000Z' }),
    },
    action: 'wait',
    expiresAt: NOW + 3_000,
    observedAt: NOW,
  },
  {
    name: 'skew: a renewTime one hour in the future does not keep an unchanged lease alive',
    input: {
      previous: { record: rec({ renewTime: '2026-11-25T10:52:05.000000Z' }), observedAt: NOW - 4_000 },
      fetched: rec({ renewTime: '2026-11-25T10:52:05.000000Z' }),
    },
    action: 'update',
    acquiring: true,
    record: { leaseTransitions: 5 },
  },
  {
    name: 'skew: a renewTime one hour in the past does not expire a lease that just changed',
    input: {
      previous: { record: rec({ renewTime: '2026-11-25T08:52:04.000000Z' }), observedAt: NOW - 2_000 },
      fetched: rec({ renewTime: '2026-11-25T08:52:05.000000Z' }),
    },
    action: 'wait',
    expiresAt: NOW + 3_000,
  },
  {
    name: "validity uses the record's own duration, not mine (another replica configured 15 s)",
    input: {
      previous: { record: rec({ leaseDurationSeconds: 15 }), observedAt: NOW - 10_000 },
      fetched: rec({ leaseDurationSeconds: 15 }),
    },
    action: 'wait',
    expiresAt: NOW + 5_000,
  },
  {
    name: 'my own lease is renewed: acquireTime and transitions kept, renewTime now',
    input: {
      previous: { record: rec({ holderIdentity: 'me' }), observedAt: NOW - 500 },
      fetched: rec({ holderIdentity: 'me' }),
    },
    action: 'update',
    acquiring: false,
    record: {
      holderIdentity: 'me',
      acquireTime: '2026-11-25T09:00:00.000000Z',
      renewTime: STAMP,
      leaseTransitions: 4,
      leaseDurationSeconds: 3,
    },
  },
  {
    name: 'my own lease is renewed even when it expired by local observation',
    input: {
      previous: { record: rec({ holderIdentity: 'me' }), observedAt: NOW - 30_000 },
      fetched: rec({ holderIdentity: 'me' }),
    },
    action: 'update',
    acquiring: false,
    record: { leaseTransitions: 4 },
  },
  {
    name: 'a released lease (holder empty, 1 s) is taken at once, counting a transition',
    input: { fetched: rec({ holderIdentity: '', leaseDurationSeconds: 1 }) },
    action: 'update',
    acquiring: true,
    record: { holderIdentity: 'me', leaseDurationSeconds: 3, acquireTime: STAMP, leaseTransitions: 5 },
    observedAt: NOW,
  },
  {
    name: 'a lease with no holder field and no times is taken at once',
    input: {
      fetched: {
        holderIdentity: '',
        leaseDurationSeconds: 0,
        acquireTime: undefined,
        renewTime: undefined,
        leaseTransitions: 0,
      },
    },
    action: 'update',
    acquiring: true,
    record: { leaseTransitions: 1, acquireTime: STAMP },
  },
  {
    name: 'my configured 1.5 s lease is written as 2 whole seconds',
    input: { leaseDurationMs: 1_500, fetched: rec({ holderIdentity: '' }) },
    action: 'update',
    acquiring: true,
    record: { leaseDurationSeconds: 2 },
  },
];

describe('decide (tryAcquireOrRenew without I/O)', () => {
  for (const c of decideCases) {
    test(c.name, () => {
      const { observation, decision } = decide({ ...base, ...c.input });
      assert.equal(decision.action, c.action);
      if (decision.action === 'wait') {
        assert.equal(decision.expiresAt, c.expiresAt);
        assert.equal(decision.holder, c.input.fetched?.holderIdentity);
      } else {
        for (const [k, v] of Object.entries(c.record ?? {})) {
          assert.deepEqual(decision.record[k as keyof LeaseRecord], v, `record.${k}`);
        }
        if (decision.action === 'update') assert.equal(decision.acquiring, c.acquiring);
      }
      if (c.observedAt !== undefined) assert.equal(observation?.observedAt, c.observedAt);
      if (c.input.fetched) assert.deepEqual(observation?.record, c.input.fetched);
    });
  }
});

describe('helpers', () => {
  test('formatMicroTime always writes six fractional digits', () => {
    for (const [date, expected] of [
      [WALL, STAMP],
      [new Date(0), '1970-01-01T00:00:00.000000Z'],
      [new Date('2026-01-02T03:04:05.9Z'), '2026-01-02T03:04:05.900000Z'],
    ] as const) {
      assert.equal(formatMicroTime(date), expected);
      assert.match(formatMicroTime(date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    }
  });

  test('jitter spreads candidates over [retry, 2.2 * retry)', () => {
    for (const [random, expected] of [
      [0, 2_000],
      [0.5, 3_200],
      [0.999, 4_397.6],
    ] as const) {
      assert.ok(Math.abs(jitter(2_000, () => random) - expected) < 1e-6, `random ${random}`);
    }
  });

  test('leaseSeconds rounds up to whole seconds, at least 1', () => {
    for (const [ms, s] of [
      [15_000, 15],
      [3_000, 3],
      [1_500, 2],
      [200, 1],
    ] as const) {
      assert.equal(leaseSeconds(ms), s);
    }
  });

  test('validateDurations enforces lease > renewDeadline > 1.2 * retryPeriod > 0', () => {
    validateDurations({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    validateDurations({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 });
    for (const bad of [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
      { leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 },
      { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 },
      { leaseDurationMs: -1, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    ]) {
      assert.throws(() => validateDurations(bad), /leader election/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The elector loop against an in-memory API server, with mocked timers and Date.

const dateClock: Clock = { now: () => Date.now() };
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Moves mocked time forward in small steps, letting request promises settle in between. */
async function advance(t: TestContext, ms: number, step = 10): Promise<void> {
  await flush();
  for (let left = ms; left > 0; left -= step) {
    t.mock.timers.tick(Math.min(step, left));
    await flush();
  }
}

/** Advances until `check` holds; returns the mocked time it took. */
async function until(t: TestContext, what: string, check: () => boolean, maxMs = 60_000): Promise<number> {
  const start = Date.now();
  await flush();
  while (!check()) {
    if (Date.now() - start > maxMs) assert.fail(`never: ${what}`);
    t.mock.timers.tick(10);
    await flush();
  }
  return Date.now() - start;
}

const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

/** One Lease behind GET/POST/PUT with resourceVersion checks, like the API server. */
function fakeServer() {
  let lease: LeaseObject | undefined;
  let rv = 0;
  const state = {
    calls: [] as string[],
    failing: false,
    hanging: false,
    get lease() {
      return lease;
    },
    /** Writes as another party would, bumping the resourceVersion. */
    tamper(spec: Partial<NonNullable<LeaseObject['spec']>>) {
      assert.ok(lease);
      lease = {
        ...lease,
        metadata: { ...lease.metadata, resourceVersion: String(++rv) },
        spec: { ...lease.spec, ...spec },
      };
    },
  };
  const fail = (req: ApiRequest, status: number, reason: string): never => {
    throw new ApiError(req.method, req.path, status, { reason, message: reason }, '');
  };
  const client: ApiClient = {
    server: 'fake',
    observe() {},
    openStreams: () => [],
    close() {},
    stream: () => Promise.reject(new Error('no watch')),
    async request<T>(req: ApiRequest): Promise<T> {
      state.calls.push(req.method);
      if (state.hanging) {
        // Never answers; like the real client, gives up at the request timeout or on abort.
        await new Promise((_, reject) => {
          if (req.signal?.aborted) reject(req.signal.reason);
          req.signal?.addEventListener('abort', () => reject(req.signal?.reason));
          setTimeout(() => reject(new Error(`${req.method}: timed out`)), req.timeoutMs ?? 30_000);
        });
      }
      await Promise.resolve();
      if (req.signal?.aborted) throw req.signal.reason;
      if (state.failing) fail(req, 500, 'InternalError');
      const copy = <V>(v: V): V => structuredClone(v);
      if (req.method === 'GET') return lease ? copy(lease as T) : fail(req, 404, 'NotFound');
      const body = copy(req.body as LeaseObject);
      for (const field of ['acquireTime', 'renewTime'] as const) {
        const v = body.spec?.[field];
        if (v !== undefined && v !== null && !MICRO.test(v)) fail(req, 422, `Invalid ${field} ${v}`);
      }
      if (req.method === 'POST') {
        if (lease) fail(req, 409, 'AlreadyExists');
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return copy(lease as T);
      }
      if (req.method === 'PUT') {
        if (!lease) fail(req, 404, 'NotFound');
        if (body.metadata.resourceVersion !== lease?.metadata.resourceVersion) fail(req, 409, 'Conflict');
        lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
        return copy(lease as T);
      }
      return fail(req, 405, 'MethodNotAllowed');
    },
  };
  return { client, state };
}

interface Recorded {
  elector: LeaderElection;
  events: string[];
  errors: string[];
  signals: AbortSignal[];
}

function elect(client: ApiClient, identity: string, extra: Partial<LeaderElectionOptions> = {}): Recorded {
  const events: string[] = [];
  const errors: string[] = [];
  const signals: AbortSignal[] = [];
  const elector = startLeaderElection({
    client,
    namespace: 'default',
    name: 'orkestra',
    identity,
    leaseDurationMs: 3_000,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 500,
    clock: dateClock,
    random: () => 0,
    logger: { info() {}, error: (msg) => errors.push(msg) },
    onStartedLeading(signal) {
      signals.push(signal);
      events.push('started');
      signal.addEventListener('abort', () => events.push('signal aborted'));
    },
    onStoppedLeading: () => events.push('stopped'),
    onNewLeader: (who) => events.push(`leader ${who}`),
    ...extra,
  });
  return { elector, events, errors, signals };
}

function fakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-11-25T09:52:05.123Z') });
}

describe('startLeaderElection against an in-memory API server', () => {
  test('creates a missing lease, leads, and renews every retryPeriod with MicroTime stamps', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    assert.deepEqual(a.events, ['leader a', 'started']);
    assert.equal(a.elector.leader(), 'a');
    assert.deepEqual(state.calls, ['GET', 'POST']);
    const spec = state.lease?.spec;
    assert.equal(spec?.holderIdentity, 'a');
    assert.equal(spec?.leaseDurationSeconds, 3);
    assert.equal(spec?.leaseTransitions, 0);
    const acquired = spec?.acquireTime ?? '';
    assert.match(acquired, MICRO);
    assert.equal(spec?.renewTime, acquired);
    await advance(t, 500);
    assert.deepEqual(state.calls, ['GET', 'POST', 'PUT'], 'renewal takes the optimistic fast path');
    assert.equal(state.lease?.spec?.renewTime, formatMicroTime(new Date(Date.parse(acquired) + 500)));
    assert.equal(state.lease?.spec?.acquireTime, acquired);
    await advance(t, 5_000);
    assert.equal(state.calls.length, 2 + 11);
    assert.ok(a.elector.isLeader());
    assert.deepEqual(a.events, ['leader a', 'started']);
    await a.elector.stop();
  });

  test('two candidates racing for a missing lease: exactly one wins, the other follows it', async (t) => {
    fakeTime(t);
    const { client } = fakeServer();
    const a = elect(client, 'a');
    const b = elect(client, 'b');
    await until(t, 'someone leads', () => a.elector.isLeader() || b.elector.isLeader());
    await advance(t, 10_000);
    const leaders = [a, b].filter((x) => x.elector.isLeader());
    assert.equal(leaders.length, 1);
    assert.equal(a.elector.leader(), b.elector.leader());
    const follower = a.elector.isLeader() ? b : a;
    assert.ok(!follower.events.includes('started'));
    assert.deepEqual(follower.errors, [], 'a lost race (409) is not an error');
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  test('a killed leader is replaced when its lease expires by local observation, not before', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    const b = elect(client, 'b');
    await advance(t, 2_000);
    assert.ok(!b.elector.isLeader());
    assert.equal(b.elector.leader(), 'a');
    await a.elector.stop({ release: false });
    assert.equal(state.lease?.spec?.holderIdentity, 'a', 'not released');
    const took = await until(t, 'b leads', () => b.elector.isLeader());
    // a renewed at most one retryPeriod before the kill; b saw that within one retryPeriod (random 0).
    assert.ok(took >= 3_000 - 500, `took ${took} ms`);
    assert.ok(took <= 3_000 + 500 + 10, `took ${took} ms`);
    assert.equal(state.lease?.spec?.holderIdentity, 'b');
    assert.equal(state.lease?.spec?.leaseTransitions, 1);
    assert.deepEqual(b.events, ['leader a', 'leader b', 'started']);
    await b.elector.stop();
  });

  test('a standby tries again the moment the lease it saw expires, not up to 2.2 retry periods later', async (t) => {
    fakeTime(t);
    const { client } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    // b's reads, timed: its last one before the kill saw a's last renewal, and starts the 3 s.
    const reads: number[] = [];
    const timed = {
      ...client,
      request: <T>(req: ApiRequest) => {
        if (req.method === 'GET') reads.push(Date.now());
        return client.request<T>(req);
      },
    } as ApiClient;
    // The longest jitter: b tries every 1,100 ms, and without the expiry-aligned retry took the
    // lease up to 1,100 ms after it expired.
    const b = elect(timed, 'b', { random: () => 0.9999 });
    await advance(t, 2_450);
    await a.elector.stop({ release: false });
    const expiry = (reads.at(-1) ?? 0) + 3_000;
    await until(t, 'b leads', () => b.elector.isLeader());
    const late = Date.now() - expiry;
    assert.ok(late >= 0 && late <= 20, `b took the lease ${late} ms after it expired`);
    await b.elector.stop();
  });

  test('a leader whose wall clock is an hour behind keeps its lease (remote times are not compared)', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a', { wallClock: () => new Date(Date.now() - 3_600_000) });
    await until(t, 'a leads', () => a.elector.isLeader());
    const b = elect(client, 'b', { wallClock: () => new Date(Date.now() + 3_600_000) });
    await advance(t, 20_000);
    assert.ok(a.elector.isLeader());
    assert.ok(!b.elector.isLeader());
    assert.equal(state.lease?.spec?.holderIdentity, 'a');
    await Promise.all([a.elector.stop(), b.elector.stop()]);
  });

  test('a leader that cannot renew steps down at renewDeadline, then re-acquires when the server recovers', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    await advance(t, 500); // one successful renewal, starting now
    const lastRenewal = Date.now();
    state.failing = true;
    const stepped = await until(t, 'a steps down', () => !a.elector.isLeader());
    assert.equal(Date.now() - lastRenewal, 2_000, `stepped down ${stepped} ms later`);
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped']);
    assert.ok(a.signals[0]?.aborted);
    assert.ok(a.errors.length > 0, 'failures are logged');
    state.failing = false;
    await until(t, 'a leads again', () => a.elector.isLeader());
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped', 'started']);
    assert.equal(a.signals.length, 2);
    assert.ok(!a.signals[1]?.aborted);
    await a.elector.stop();
  });

  test('a hung renewal still steps down at renewDeadline, and stop() does not hang on it', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    state.hanging = true;
    await advance(t, 2_000);
    assert.ok(!a.elector.isLeader());
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped']);
    await advance(t, 600); // a candidate round is now hanging
    // stop() cancels the hanging round at once; the release attempt is bounded by renewDeadline.
    let stopped = false;
    const stopping = a.elector.stop().then(() => {
      stopped = true;
    });
    const took = await until(t, 'stop() resolves', () => stopped);
    assert.ok(took <= 2_000 + 10, `stop() took ${took} ms`);
    await stopping;
    assert.ok(a.errors.includes('failed to release lease'));
  });

  test('a leader that finds the lease held by someone else steps down at once', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    state.tamper({ holderIdentity: 'intruder', leaseTransitions: 1 });
    const took = await until(t, 'a steps down', () => !a.elector.isLeader());
    assert.ok(took <= 500 + 10, `took ${took} ms`);
    assert.equal(a.elector.leader(), 'intruder');
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped', 'leader intruder']);
    await a.elector.stop();
    assert.equal(state.lease?.spec?.holderIdentity, 'intruder', 'stop() does not release a lease it does not hold');
  });

  test('stop() aborts the term, releases the lease, then calls onStoppedLeading; no timer is left', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a', {
      onStoppedLeading: () => a.events.push(`stopped (lease holder "${state.lease?.spec?.holderIdentity}")`),
    });
    await until(t, 'a leads', () => a.elector.isLeader());
    await advance(t, 1_000);
    const transitions = state.lease?.spec?.leaseTransitions;
    const stopping = a.elector.stop();
    assert.equal(a.elector.stop(), stopping, 'idempotent');
    await stopping;
    assert.ok(!a.elector.isLeader());
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped (lease holder "")']);
    const spec = state.lease?.spec;
    assert.equal(spec?.holderIdentity, '');
    assert.equal(spec?.leaseDurationSeconds, 1);
    assert.equal(spec?.leaseTransitions, transitions);
    assert.match(spec?.renewTime ?? '', MICRO);
    const calls = state.calls.length;
    await advance(t, 60_000, 100);
    assert.equal(state.calls.length, calls, 'no request after stop');
    assert.equal(a.events.length, 4, 'no callback after stop');
  });

  test('a released lease is taken on the standby’s next try', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    const b = elect(client, 'b');
    await advance(t, 1_000);
    await a.elector.stop();
    const took = await until(t, 'b leads', () => b.elector.isLeader());
    assert.ok(took <= 500 + 10, `took ${took} ms`);
    assert.equal(state.lease?.spec?.leaseTransitions, 1);
    await b.elector.stop();
  });

  test('stop({ release: false }) leaves the lease held', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a');
    await until(t, 'a leads', () => a.elector.isLeader());
    await a.elector.stop({ release: false });
    assert.equal(state.lease?.spec?.holderIdentity, 'a');
    assert.equal(state.lease?.spec?.leaseDurationSeconds, 3);
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped']);
  });

  test('aborting the options signal stops and releases; an already aborted signal never starts', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const shutdown = new AbortController();
    const a = elect(client, 'a', { signal: shutdown.signal });
    await until(t, 'a leads', () => a.elector.isLeader());
    shutdown.abort();
    await until(t, 'a released', () => state.lease?.spec?.holderIdentity === '');
    assert.deepEqual(a.events, ['leader a', 'started', 'signal aborted', 'stopped']);
    const calls = state.calls.length;
    const b = elect(client, 'b', { signal: AbortSignal.abort() });
    await advance(t, 5_000);
    assert.equal(state.calls.length, calls);
    assert.ok(!b.elector.isLeader());
    await b.elector.stop();
  });

  test('callback failures are logged and never break the loop', async (t) => {
    fakeTime(t);
    const { client, state } = fakeServer();
    const a = elect(client, 'a', {
      onNewLeader: () => {
        throw new Error('new leader boom');
      },
      onStartedLeading: () => Promise.reject(new Error('started boom')),
      onStoppedLeading: () => {
        throw new Error('stopped boom');
      },
    });
    await until(t, 'a leads', () => a.elector.isLeader());
    await advance(t, 2_000);
    assert.ok(a.elector.isLeader());
    assert.equal(state.lease?.spec?.holderIdentity, 'a');
    await a.elector.stop();
    assert.deepEqual(a.errors.sort(), ['onNewLeader failed', 'onStartedLeading failed', 'onStoppedLeading failed']);
  });

  test('rejects nonsense durations and empty names synchronously', () => {
    const { client } = fakeServer();
    assert.throws(() => elect(client, 'a', { renewDeadlineMs: 3_000 }), /renewDeadline/);
    assert.throws(() => elect(client, 'a', { name: '' }), /name/);
    assert.throws(() => elect(client, '', {}), /identity/);
  });
});
