import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError, type ApiRequest } from '../api-client.ts';
import type { Clock } from '../clock.ts';
import type { KubeObject } from '../object.ts';
import { AGGREGATE_PREFIX } from './aggregator.ts';
import { type CoreEvent, objectReference } from './core-event.ts';
import { createEventRecorder, type EventRecorderOptions } from './recorder.ts';

function fakeClock(start = 1_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const configMap = (name = 'cm', uid = 'u-1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', uid, resourceVersion: '42' },
});

const namespaceObject: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', uid: 'u-ns' } };

// Lets queued microtasks and promise continuations run; never waits for time to pass.
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function notFound(path: string): ApiError {
  return new ApiError('PATCH', path, 404, { reason: 'NotFound', message: 'events "x" not found' }, '');
}

interface FakeApi {
  readonly requests: ApiRequest[];
  readonly client: EventRecorderOptions['client'];
  /** Overrides the answer for the next calls; default: echo POST bodies, apply PATCHes. */
  handler: ((req: ApiRequest) => Promise<unknown>) | undefined;
}

function fakeApi(): FakeApi {
  const stored = new Map<string, CoreEvent>();
  const api: FakeApi = {
    requests: [],
    handler: undefined,
    client: {
      async request<T>(req: ApiRequest): Promise<T> {
        api.requests.push(req);
        if (api.handler) return (await api.handler(req)) as T;
        if (req.method === 'POST') {
          const ev = structuredClone(req.body) as CoreEvent;
          stored.set(`${req.path}/${ev.metadata.name}`, ev);
          return ev as T;
        }
        if (req.method === 'PATCH') {
          const ev = stored.get(req.path);
          if (!ev) throw notFound(req.path);
          Object.assign(ev, req.body);
          return ev as T;
        }
        throw new Error(`unexpected ${req.method}`);
      },
    },
  };
  return api;
}

function bodyOf(api: FakeApi, index: number): CoreEvent {
  const req = api.requests[index];
  assert.ok(req, `request ${index} was made`);
  return req.body as CoreEvent;
}

function recorder(api: FakeApi, clock: Clock, over: Partial<EventRecorderOptions> = {}) {
  let wall = Date.UTC(2025, 0, 2, 3, 4, 5);
  return createEventRecorder({
    client: api.client,
    component: 'orkestra',
    host: 'node-1',
    clock,
    wallClock: () => (wall += 1000),
    retryDelayMs: 0,
    ...over,
  });
}

describe('event recorder', () => {
  test('creates a complete core/v1 Event, then patches count and lastTimestamp', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    rec.event(configMap(), 'Normal', 'Synced', 'all good');
    await rec.flush();
    assert.equal(api.requests.length, 1);
    const post = api.requests[0];
    assert.equal(post?.method, 'POST');
    assert.equal(post?.path, '/api/v1/namespaces/ns/events');
    const body = post?.body as CoreEvent;
    assert.match(body.metadata.name, /^cm\.[0-9a-f]+$/);
    assert.equal(body.metadata.namespace, 'ns');
    assert.deepEqual(body.involvedObject, objectReference(configMap()));
    assert.equal(body.type, 'Normal');
    assert.equal(body.reason, 'Synced');
    assert.equal(body.message, 'all good');
    assert.deepEqual(body.source, { component: 'orkestra', host: 'node-1' });
    assert.equal(body.reportingComponent, 'orkestra');
    assert.equal(body.reportingInstance, 'node-1');
    assert.equal(body.count, 1);
    assert.match(body.firstTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(body.lastTimestamp, body.firstTimestamp);

    rec.event(configMap(), 'Normal', 'Synced', 'all good');
    await rec.flush();
    const patch = api.requests[1];
    assert.equal(patch?.method, 'PATCH');
    assert.equal(patch?.contentType, 'application/merge-patch+json');
    assert.equal(patch?.path, `/api/v1/namespaces/ns/events/${body.metadata.name}`);
    const patchBody = patch?.body as { count: number; lastTimestamp: string };
    assert.equal(patchBody.count, 2);
    assert.ok(patchBody.lastTimestamp > body.lastTimestamp);

    rec.event(configMap(), 'Normal', 'Synced', 'all good');
    await rec.flush();
    assert.equal(bodyOf(api, 2).count, 3);
    assert.deepEqual(
      { created: rec.stats().created, patched: rec.stats().patched, dropped: rec.stats().dropped },
      { created: 1, patched: 2, dropped: 0 },
    );
  });

  test('event() returns before any request is made, and repeats still queued fold into one write', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    rec.event(configMap(), 'Normal', 'Synced', 'x');
    rec.event(configMap(), 'Normal', 'Synced', 'x');
    rec.event(configMap(), 'Warning', 'Failed', 'y');
    assert.equal(api.requests.length, 0, 'nothing sent synchronously');
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => [r.method, (r.body as CoreEvent).reason, (r.body as CoreEvent).count]),
      [
        ['POST', 'Synced', 2],
        ['POST', 'Failed', 1],
      ],
    );
    assert.equal(rec.stats().coalesced, 1);
    assert.equal(rec.stats().accepted, 3);
  });

  test('distinct keys are written in the order they were recorded', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    for (let i = 0; i < 5; i++) rec.event(configMap(), 'Normal', `R${i}`, 'm');
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => (r.body as CoreEvent).reason),
      ['R0', 'R1', 'R2', 'R3', 'R4'],
    );
  });

  test('a PATCH that finds the Event gone creates a new one', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    rec.event(configMap(), 'Warning', 'Failed', 'boom');
    await rec.flush();
    const firstName = bodyOf(api, 0).metadata.name;
    api.handler = async (req) => {
      if (req.method === 'PATCH') throw notFound(req.path);
      return req.body;
    };
    rec.event(configMap(), 'Warning', 'Failed', 'boom');
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => r.method),
      ['POST', 'PATCH', 'POST'],
    );
    const recreated = api.requests[2]?.body as CoreEvent;
    assert.notEqual(recreated.metadata.name, firstName);
    assert.equal(recreated.count, 1);
    api.handler = undefined;
    rec.event(configMap(), 'Warning', 'Failed', 'boom');
    await rec.flush();
    assert.equal(api.requests[3]?.method, 'PATCH');
    assert.equal(api.requests[3]?.path, `/api/v1/namespaces/ns/events/${recreated.metadata.name}`);
  });

  test('past the dedup window a new Event is created instead of a patch', async () => {
    const api = fakeApi();
    const clock = fakeClock();
    const rec = recorder(api, clock, { dedupWindowMs: 60_000 });
    rec.event(configMap(), 'Normal', 'Synced', 'x');
    await rec.flush();
    clock.advance(60_001);
    rec.event(configMap(), 'Normal', 'Synced', 'x');
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => r.method),
      ['POST', 'POST'],
    );
  });

  test('events about cluster-scoped objects go to default, with no involvedObject namespace', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    rec.event(namespaceObject, 'Warning', 'Stuck', 'finalizer pending');
    await rec.flush();
    assert.equal(api.requests[0]?.path, '/api/v1/namespaces/default/events');
    const body = api.requests[0]?.body as CoreEvent;
    assert.equal(body.metadata.namespace, 'default');
    assert.equal(body.involvedObject.namespace, undefined);
    assert.equal(body.involvedObject.kind, 'Namespace');
  });

  test('a hot loop on one object is cut off by the spam filter and counted', async () => {
    const api = fakeApi();
    const clock = fakeClock();
    const warnings: string[] = [];
    const rec = recorder(api, clock, { logger: { warn: (m) => warnings.push(m) } });
    for (let i = 0; i < 100; i++) rec.event(configMap(), 'Normal', 'Tick', `tick ${i % 5}`);
    rec.event(configMap('other', 'u-2'), 'Normal', 'Tick', 'tick');
    await rec.flush();
    assert.equal(rec.stats().rateLimited, 75);
    assert.equal(rec.stats().dropped, 75);
    assert.equal(rec.stats().accepted, 26);
    assert.equal(api.requests.length, 6, 'five distinct messages on cm, one on other');
    assert.equal(warnings.length, 1, 'drops are logged, but not once per drop');
    clock.advance(300_000);
    rec.event(configMap(), 'Normal', 'Tick', 'tick 0');
    assert.equal(rec.stats().rateLimited, 75, 'the bucket refilled one token');
    await rec.flush();
  });

  test('a full queue drops and counts instead of blocking', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock(), { queueSize: 2 });
    rec.event(configMap('a', 'ua'), 'Normal', 'R', 'm');
    rec.event(configMap('b', 'ub'), 'Normal', 'R', 'm');
    rec.event(configMap('c', 'uc'), 'Normal', 'R', 'm');
    rec.event(configMap('a', 'ua'), 'Normal', 'R', 'm'); // folds into the queued write, needs no slot
    assert.equal(rec.stats().queueFull, 1);
    assert.equal(rec.stats().queued, 2);
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => [(r.body as CoreEvent).involvedObject.name, (r.body as CoreEvent).count]),
      [
        ['a', 2],
        ['b', 1],
      ],
    );
  });

  test('never throws: bad objects, bad types, a throwing logger', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock(), {
      logger: {
        warn() {
          throw new Error('logger down');
        },
      },
    });
    assert.doesNotThrow(() => rec.event(null as unknown as KubeObject, 'Normal', 'R', 'm'));
    assert.doesNotThrow(() => rec.event({ apiVersion: 'v1', kind: 'X', metadata: { name: '' } }, 'Normal', 'R', 'm'));
    assert.doesNotThrow(() => rec.event(configMap(), 'Bogus' as 'Normal', 'R', 'm'));
    assert.doesNotThrow(() => rec.event(configMap(), 'Normal', '', 'm'));
    await rec.flush();
    assert.equal(rec.stats().invalid, 4);
    assert.equal(api.requests.length, 0);
  });

  test('long messages are truncated to 1024 bytes', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock());
    rec.event(configMap(), 'Warning', 'Long', 'x'.repeat(5000));
    await rec.flush();
    assert.equal(bodyOf(api, 0).message.length, 1024);
  });

  test('transport errors are retried; API rejections are not', async () => {
    const api = fakeApi();
    const warnings: string[] = [];
    const rec = recorder(api, fakeClock(), { logger: { warn: (m) => warnings.push(m) } });
    let failures = 2;
    api.handler = async (req) => {
      if (failures-- > 0) throw new Error('socket hang up');
      return req.body;
    };
    rec.event(configMap(), 'Normal', 'R', 'm');
    await rec.flush();
    assert.equal(api.requests.length, 3);
    assert.deepEqual([rec.stats().created, rec.stats().retries, rec.stats().failed], [1, 2, 0]);

    api.handler = async (req) => {
      throw new ApiError('POST', req.path, 422, { reason: 'Invalid', message: 'bad' }, '');
    };
    rec.event(configMap(), 'Warning', 'Other', 'm');
    await rec.flush();
    assert.equal(api.requests.length, 4, 'no retry after a 422');
    assert.equal(rec.stats().failed, 1);
    assert.deepEqual(warnings, ['event not written']);
  });

  test('gives up after maxTries', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock(), { maxTries: 3 });
    api.handler = async () => {
      throw new ApiError('POST', '/', 503, undefined, 'unavailable');
    };
    rec.event(configMap(), 'Normal', 'R', 'm');
    await rec.flush();
    assert.equal(api.requests.length, 3);
    assert.equal(rec.stats().failed, 1);
  });

  test('stop() cuts a retry wait short, tries the rest once, and refuses new events', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock(), { retryDelayMs: 3_600_000 });
    api.handler = async () => {
      throw new Error('connection refused');
    };
    rec.event(configMap('a', 'ua'), 'Normal', 'R', 'm');
    rec.event(configMap('b', 'ub'), 'Normal', 'R', 'm');
    while (rec.stats().retries === 0) await tick();
    await rec.stop();
    assert.deepEqual(
      api.requests.map((r) => (r.body as CoreEvent).involvedObject.name),
      ['a', 'b'],
    );
    assert.equal(rec.stats().failed, 2);
    rec.event(configMap(), 'Normal', 'R', 'm');
    assert.equal(rec.stats().afterStop, 1);
    await rec.flush();
  });

  test('flush() with nothing queued resolves at once', async () => {
    const rec = recorder(fakeApi(), fakeClock());
    await rec.flush();
    assert.equal(rec.stats().queued, 0);
  });

  test('combined events patch one Event whose message follows the latest', async () => {
    const api = fakeApi();
    const rec = recorder(api, fakeClock(), { aggregateMaxEvents: 2 });
    rec.event(configMap(), 'Warning', 'Failed', 'first');
    await rec.flush();
    rec.event(configMap(), 'Warning', 'Failed', 'second');
    await rec.flush();
    rec.event(configMap(), 'Warning', 'Failed', 'third');
    await rec.flush();
    assert.deepEqual(
      api.requests.map((r) => [r.method, (r.body as CoreEvent).message]),
      [
        ['POST', 'first'],
        ['POST', `${AGGREGATE_PREFIX}second`],
        ['PATCH', `${AGGREGATE_PREFIX}third`],
      ],
    );
  });
});
