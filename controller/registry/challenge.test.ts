import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenge } from './challenge.ts';

test('Bearer challenge with quoted params, commas inside quotes', () => {
  assert.deepEqual(
    parseChallenge(
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
    ),
    {
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    },
  );
});

test('Basic challenge and an empty header', () => {
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), {
    scheme: 'basic',
    params: { realm: 'Registry Realm' },
  });
  assert.equal(parseChallenge(''), undefined);
});
