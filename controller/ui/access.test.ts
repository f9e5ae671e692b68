import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bearerMatches, isLoopback, uiAccess } from './access.ts';

const TOKEN = 'a-long-enough-token-123';

describe('Control Center access', () => {
  test('loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.3.2.1', '::1', '[::1]', 'localhost']) assert.ok(isLoopback(h), h);
    for (const h of ['0.0.0.0', '::', '', '10.0.0.1', '128.0.0.1', 'example.com']) assert.ok(!isLoopback(h), h);
  });

  test('open on loopback, token when given, refused elsewhere with the flags to pass', () => {
    assert.deepEqual(uiAccess({ host: '127.0.0.1', enabled: true }), { mode: 'open' });
    assert.deepEqual(uiAccess({ host: '0.0.0.0', enabled: false }), { mode: 'off' });
    assert.deepEqual(
      uiAccess({ host: '0.0.0.0', enabled: true, tokenFile: '/t' }, () => `${TOKEN}\n`),
      {
        mode: 'token',
        token: TOKEN,
      },
    );
    assert.throws(
      () => uiAccess({ host: '0.0.0.0', enabled: true }),
      /^Error: --listen 0\.0\.0\.0 is not a loopback address: pass --ui-token-file FILE .*or --ui=false/,
    );
    assert.throws(() => uiAccess({ host: '0.0.0.0', enabled: true, tokenFile: '/t' }, () => 'short'), /at least 16/);
    assert.throws(
      () => uiAccess({ host: '0.0.0.0', enabled: true, tokenFile: '/does/not/exist' }),
      /--ui-token-file \/does\/not\/exist: cannot read it \(ENOENT\)/,
    );
  });

  test('bearer check', () => {
    assert.ok(bearerMatches(`Bearer ${TOKEN}`, TOKEN));
    assert.ok(bearerMatches(`bearer  ${TOKEN}`, TOKEN));
    assert.ok(!bearerMatches(undefined, TOKEN));
    assert.ok(!bearerMatches(TOKEN, TOKEN));
    assert.ok(!bearerMatches(`Bearer ${TOKEN}x`, TOKEN));
    assert.ok(!bearerMatches('Bearer ', TOKEN));
  });
});
