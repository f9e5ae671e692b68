import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { credentialsFor, dockerConfigPath, readDockerConfig } from './docker-config.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('auth is base64 user:password; the password may contain colons', () => {
  const config = { auths: { 'reg.example:5000': { auth: b64('alice:s3:cr3t') } } };
  assert.deepEqual(credentialsFor(config, 'reg.example:5000'), { username: 'alice', password: 's3:cr3t' });
});

test('keys written as URLs (docker login to Docker Hub style) match the host', () => {
  const config = { auths: { 'https://reg.example/v1/': { username: 'bob', password: 'pw' } } };
  assert.deepEqual(credentialsFor(config, 'reg.example'), { username: 'bob', password: 'pw' });
  assert.equal(credentialsFor(config, 'other.example'), undefined);
});

test('an identity token is kept for the token endpoint', () => {
  const config = { auths: { 'reg.example': { identitytoken: 'refresh-me', username: '<token>' } } };
  assert.deepEqual(credentialsFor(config, 'reg.example'), { identityToken: 'refresh-me', username: '<token>' });
});

test('DOCKER_CONFIG points at the directory; a missing file means no credentials', async () => {
  assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/etc/docker-x' }), '/etc/docker-x/config.json');
  const dir = await mkdtemp(join(tmpdir(), 'docker-config-'));
  try {
    assert.deepEqual(await readDockerConfig(join(dir, 'config.json')), {});
    await writeFile(join(dir, 'config.json'), '{not json');
    await assert.rejects(readDockerConfig(join(dir, 'config.json')), /not valid JSON/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
