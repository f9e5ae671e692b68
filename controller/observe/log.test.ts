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
