import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './log.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

test('one JSON object per line with ts, level, msg and the stable context keys', () => {
  const { stream, lines } = capture();
  const log = createLogger('info', stream).child({ controller: 'k/web', crd: 'websites.demo.io' });
  log
    .child({ namespace: 'team-a', name: 'shop', reconcileID: 'r1' })
    .error('reconcile failed', { err: 'boom', durationMs: 12 });
  const entry = JSON.parse(lines[0] ?? '{}');
  assert.equal(entry.level, 'error');
  assert.equal(entry.msg, 'reconcile failed');
  assert.match(entry.ts, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(
    {
      controller: entry.controller,
      crd: entry.crd,
      namespace: entry.namespace,
      name: entry.name,
      reconcileID: entry.reconcileID,
      err: entry.err,
      durationMs: entry.durationMs,
    },
    {
      controller: 'k/web',
      crd: 'websites.demo.io',
      namespace: 'team-a',
      name: 'shop',
      reconcileID: 'r1',
      err: 'boom',
      durationMs: 12,
    },
  );
  assert.equal(entry.message, undefined, 'one message key: msg');
  assert.equal(entry.timestamp, undefined, 'one time key: ts');
});

test('the level set at start-up filters lower levels', () => {
  const { stream, lines } = capture();
  const log = createLogger('warn', stream);
  log.info('hidden');
  log.debug('hidden');
  log.warn('shown');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).msg),
    ['shown'],
  );
});

test('a disabled level costs no formatting: its fields are never read', () => {
  const { stream, lines } = capture();
  const log = createLogger('info', stream).child({ controller: 'k/web' });
  let reads = 0;
  const fields = {
    get durationMs() {
      reads++;
      return 1;
    },
  };
  log.child({ reconcileID: 'r1' }).debug('reconciled', fields);
  assert.equal(reads, 0);
  assert.equal(lines.length, 0);
  log.child({ reconcileID: 'r2' }).info('reconciled', fields);
  assert.equal(JSON.parse(lines[0] ?? '{}').reconcileID, 'r2');
  assert.ok(reads > 0, 'an enabled level formats as before');
});
