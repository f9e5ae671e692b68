import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, manifestReference, parseReference } from './reference.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

test('parses host:port, nested repositories, tags and digests, with or without oci://', () => {
  assert.deepEqual(parseReference('oci://127.0.0.1:5000/patterns/postgres:1.2.0'), {
    registry: '127.0.0.1:5000',
    repository: 'patterns/postgres',
    tag: '1.2.0',
    digest: undefined,
  });
  const pinned = parseReference(`registry.example/a/b/c@${DIGEST}`);
  assert.equal(pinned.digest, DIGEST);
  assert.equal(pinned.tag, undefined);
  assert.equal(manifestReference(pinned), DIGEST);
  assert.equal(manifestReference(parseReference('registry.example/a')), 'latest');
  assert.equal(formatReference(parseReference(`r.example:443/x:v1@${DIGEST}`)), `r.example:443/x:v1@${DIGEST}`);
});

test('refuses references without a registry, with upper-case repositories or short digests', () => {
  assert.throws(() => parseReference('postgres:1.2'), /expected HOST\/REPOSITORY/);
  assert.throws(() => parseReference('r.example/Patterns:1'), /not a valid repository/);
  assert.throws(() => parseReference('r.example/p@sha256:abc'), /digest must be sha256/);
  assert.throws(() => parseReference('r.example/p:-bad'), /not a valid tag/);
});
