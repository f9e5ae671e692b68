// orkestra push / pull / inspect against a real CNCF Distribution registry, plain HTTP and TLS
// with basic auth, and interoperability with the oras CLI in both directions.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type LocalRegistry, startRegistry } from './registry/registry.ts';
import { orasBinary } from './registry/tools.ts';
import { orkestra, runCommand } from './support/run-command.ts';

const exampleKatalog = fileURLToPath(new URL('../examples/katalogs/web-platform.yaml', import.meta.url));
const DIGEST = /^sha256:[a-f0-9]{64}$/;

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'orkestra-registry-test-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('plain-HTTP registry', () => {
  let registry: LocalRegistry;
  before(async () => {
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.close();
  });

  test('push prints the digest; pull returns the same bytes; inspect shows annotations and boxes', async () => {
    const ref = `oci://${registry.host}/patterns/web-platform:1.0.0`;
    const pushed = await orkestra(['push', exampleKatalog, ref, '--plain-http', '--source', 'https://git.example/p']);
    assert.equal(pushed.code, 0, pushed.stderr);
    const digest = pushed.stdout.toString().trim();
    assert.match(digest, DIGEST);

    const pulled = await orkestra(['pull', ref, '--plain-http']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(pulled.stdout, await readFile(exampleKatalog));

    const byDigest = join(work, 'by-digest.yaml');
    const pinned = await orkestra([
      'pull',
      `${registry.host}/patterns/web-platform@${digest}`,
      '--plain-http',
      '-o',
      byDigest,
    ]);
    assert.equal(pinned.code, 0, pinned.stderr);
    assert.deepEqual(await readFile(byDigest), await readFile(exampleKatalog));

    const inspected = await orkestra(['inspect', ref, '--plain-http', '-o', 'json']);
    assert.equal(inspected.code, 0, inspected.stderr);
    const info = JSON.parse(inspected.stdout.toString());
    assert.equal(info.digest, digest);
    assert.equal(info.artifactType, 'application/vnd.orkestra.katalog.v1');
    assert.equal(info.layer.mediaType, 'application/vnd.orkestra.katalog.layer.v1+yaml');
    assert.equal(info.annotations['org.opencontainers.image.title'], 'web-platform');
    assert.equal(info.annotations['org.opencontainers.image.version'], '1.0.0');
    assert.equal(info.annotations['org.opencontainers.image.source'], 'https://git.example/p');
    assert.equal(info.annotations['org.opencontainers.image.description'], 'Websites for product teams');
    assert.match(info.annotations['org.opencontainers.image.created'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(
      info.boxes.map((b: { name: string }) => b.name),
      ['database', 'website'],
    );
  });

  test('an invalid Katalog is refused with its field path and nothing is pushed', async () => {
    const bad = join(work, 'bad.yaml');
    const text = await readFile(exampleKatalog, 'utf8');
    await writeFile(bad, text.replace('workers: 1', 'workers: lots'));
    const ref = `${registry.host}/patterns/bad:1`;
    const pushed = await orkestra(['push', bad, ref, '--plain-http']);
    assert.equal(pushed.code, 1);
    assert.match(pushed.stderr, /^error: .*spec\.crds\.database\.operatorBox\.reconcile\.workers: must be integer/);
    const pulled = await orkestra(['pull', ref, '--plain-http']);
    assert.equal(pulled.code, 1);
    assert.match(pulled.stderr, /MANIFEST_UNKNOWN|NAME_UNKNOWN/);
  });

  test('oras pulls what orkestra pushed (same bytes); orkestra pulls what oras pushed', async () => {
    const oras = await orasBinary();
    const ref = `${registry.host}/interop/web-platform:2`;
    const pushed = await orkestra(['push', exampleKatalog, ref, '--plain-http']);
    assert.equal(pushed.code, 0, pushed.stderr);
    const out = join(work, 'oras-out');
    const orasPull = await runCommand(oras, ['pull', '--plain-http', '-o', out, ref]);
    assert.equal(orasPull.code, 0, orasPull.stderr);
    assert.deepEqual(await readFile(join(out, 'web-platform.yaml')), await readFile(exampleKatalog));

    const src = join(work, 'katalog.yaml');
    await writeFile(src, (await readFile(exampleKatalog, 'utf8')).replace('name: web-platform', 'name: from-oras'));
    const orasRef = `${registry.host}/interop/from-oras:1`;
    const orasPush = await runCommand(
      oras,
      [
        'push',
        '--plain-http',
        '--artifact-type',
        'application/vnd.orkestra.katalog.v1',
        orasRef,
        'katalog.yaml:application/vnd.orkestra.katalog.layer.v1+yaml',
      ],
      { cwd: work },
    );
    assert.equal(orasPush.code, 0, orasPush.stderr);
    const pulled = await orkestra(['pull', orasRef, '--plain-http']);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(pulled.stdout, await readFile(src));
  });
});

describe('TLS registry with basic auth', () => {
  let registry: LocalRegistry;
  before(async () => {
    registry = await startRegistry({ tls: true, users: { alice: 'wonderland' } });
  });
  after(async () => {
    await registry?.close();
  });

  test('push and pull with --ca-file and --username/--password', async () => {
    const ref = `${registry.host}/secure/web:1`;
    const flags = ['--ca-file', registry.caFile as string, '-u', 'alice', '-p', 'wonderland'];
    const pushed = await orkestra(['push', exampleKatalog, ref, ...flags]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const pulled = await orkestra(['pull', ref, ...flags]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(pulled.stdout, await readFile(exampleKatalog));
  });

  test('credentials from the Docker config file ($DOCKER_CONFIG)', async () => {
    const ref = `${registry.host}/secure/docker-config:1`;
    const dir = join(work, 'docker');
    await rm(dir, { recursive: true, force: true });
    await runCommand('mkdir', ['-p', dir]);
    const auth = Buffer.from('alice:wonderland').toString('base64');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    const env = { ...process.env, DOCKER_CONFIG: dir };
    const pushed = await orkestra(['push', exampleKatalog, ref, '--ca-file', registry.caFile as string], env);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stdout.toString().trim(), DIGEST);
  });

  test('no credentials, a wrong password, and an untrusted certificate each fail with a clear line', async () => {
    const ref = `${registry.host}/secure/web:1`;
    const env = { ...process.env, DOCKER_CONFIG: join(work, 'no-docker-config') };
    const anonymous = await orkestra(['pull', ref, '--ca-file', registry.caFile as string], env);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /^error: 127\.0\.0\.1:\d+ requires authentication/);
    const wrong = await orkestra(
      ['pull', ref, '--ca-file', registry.caFile as string, '-u', 'alice', '-p', 'nope'],
      env,
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /authentication failed for user "alice" \(HTTP 401\); check the username and password/);
    const untrusted = await orkestra(['pull', ref, '-u', 'alice', '-p', 'wonderland'], env);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /^error: .*(self-signed|unable to verify|certificate)/i);
  });
});

describe('registry behind a token service (WWW-Authenticate: Bearer)', () => {
  let registry: LocalRegistry;
  before(async () => {
    registry = await startRegistry({ tokenUsers: { ci: 'token-pass' } });
  });
  after(async () => {
    await registry?.close();
  });

  test('push and pull get a token with the credentials; a wrong password is refused by the token service', async () => {
    const ref = `${registry.host}/tokened/web:1`;
    const flags = ['--plain-http', '-u', 'ci', '-p', 'token-pass'];
    const pushed = await orkestra(['push', exampleKatalog, ref, ...flags]);
    assert.equal(pushed.code, 0, pushed.stderr);
    const pulled = await orkestra(['pull', ref, ...flags]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.deepEqual(pulled.stdout, await readFile(exampleKatalog));
    const wrong = await orkestra(['pull', ref, '--plain-http', '-u', 'ci', '-p', 'nope']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error: 127\.0\.0\.1:\d+: the token service 127\.0\.0\.1:\d+ refused the credentials/);
  });
});

describe('make registry-up / registry-down', () => {
  test('up writes host:port to STATE_DIR/registry; down stops it and leaves nothing behind', async () => {
    const stateDir = join(work, 'state');
    const cli = fileURLToPath(new URL('./registry/cli.ts', import.meta.url));
    const up = await runCommand(process.execPath, [cli, 'up', '--state-dir', stateDir]);
    assert.equal(up.code, 0, up.stderr);
    const host = (await readFile(join(stateDir, 'registry'), 'utf8')).trim();
    assert.match(host, /^127\.0\.0\.1:\d+$/);
    const res = await fetch(`http://${host}/v2/`);
    assert.equal(res.status, 200);
    const down = await runCommand(process.execPath, [cli, 'down', '--state-dir', stateDir]);
    assert.equal(down.code, 0, down.stderr);
    for (const left of ['registry', 'registry.json', 'registry-data', 'registry.log'])
      assert.equal(existsSync(join(stateDir, left)), false, `${left} left behind`);
    await assert.rejects(fetch(`http://${host}/v2/`));
  });
});
