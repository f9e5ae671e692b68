// The controller image built without Docker (deploy/image/): a valid, reproducible OCI layout,
// pushed to a real CNCF Distribution registry with oras and pulled back with the same digest,
// configured like deploy/Dockerfile (non-root, same entrypoint), holding only runtime
// dependencies, and actually running: unpacked into a directory and started read-only as its
// own uid, `orkestra run` from the image gets ready against the local control plane.
// The Debian base, Node and node_modules layers are cached in ~/.cache/orkestra/image, so a warm
// run only packs the sources.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../controller/cli/bundle.ts';
import type { BuiltImage } from '../deploy/image/build.ts';
import { readRuntimeStage } from '../deploy/image/dockerfile.ts';
import { type ImageConfig, readLayout } from '../deploy/image/oci-layout.ts';
import { publish } from '../deploy/image/publish.ts';
import { runInRootfs, unpackImage } from '../deploy/image/rootfs.ts';
import { type LocalRegistry, startRegistry } from './registry/registry.ts';
import { orasBinary } from './registry/tools.ts';
import { applyOrkestraCrds } from './support/crds.ts';
import { runCommand, testKubeconfig } from './support/kubectl.ts';
import { eventually } from './support/wait.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const DEV_ONLY = ['typescript', '@biomejs/biome', 'playwright-core', 'esbuild', 'fast-check', 'node', 'axe-core'];

let work: string;
let image: BuiltImage;
let registry: LocalRegistry;
let rootfs: string;
let config: ImageConfig;
let layerFiles: readonly string[];
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

async function build(out: string): Promise<BuiltImage> {
  const r = await runCommand(process.execPath, [`${root}deploy/image/build.ts`, '--out', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as BuiltImage;
}

/** Entries of a layer (tar.gz), without the trailing slash of directories. */
async function layerEntries(file: string): Promise<string[]> {
  const r = await runCommand('tar', ['-tzf', file]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.replace(/\/$/, ''));
}

function collect(child: ChildProcess): { out: () => string; err: () => string; exit: Promise<number> } {
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exit = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  return { out: () => out, err: () => err, exit };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'orkestra-image-e2e-'));
  const started = Date.now();
  await buildBundle(); // the image runs dist/orkestra (what `make image` builds first)
  image = await build(join(work, 'layout'));
  const cached = image.layerInfo.filter((l) => l.cached).map((l) => l.name);
  console.log(
    `# image built in ${((Date.now() - started) / 1000).toFixed(1)} s (cached: ${cached.join(', ') || 'none'}): ` +
      `${mib(image.compressedBytes)} compressed, ${mib(image.uncompressedBytes)} unpacked, ${image.layerInfo.length} layers`,
  );
  for (const l of image.layerInfo) console.log(`#   ${l.name}: ${mib(l.size)} / ${mib(l.uncompressedSize)}`);
  ({ config, layerFiles } = await readLayout(image.layout, image.tag));
  registry = await startRegistry();
});

after(async () => {
  await registry?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('controller image (OCI layout, no Docker)', () => {
  test('the layout is a valid OCI image layout: index, manifest, config and layers match their digests', async () => {
    const index = JSON.parse(await readFile(join(image.layout, 'index.json'), 'utf8'));
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], image.tag);
    assert.deepEqual(index.manifests[0].platform, { architecture: 'amd64', os: 'linux' });
    const read = await readLayout(image.layout, image.tag);
    assert.equal(read.manifestDescriptor.digest, image.manifest.digest);
    assert.equal(read.manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
    assert.deepEqual(
      read.manifest.layers.map((l) => l.mediaType),
      Array(4).fill('application/vnd.oci.image.layer.v1.tar+gzip'),
    );
    assert.deepEqual(
      read.config.rootfs.diff_ids,
      image.layerInfo.map((l) => l.diffId),
    );
  });

  test('a second build gives the same manifest digest (reproducible layers)', async () => {
    const again = await build(join(work, 'again'));
    assert.equal(again.manifest.digest, image.manifest.digest);
    assert.deepEqual(
      again.layerInfo.map((l) => l.digest),
      image.layerInfo.map((l) => l.digest),
    );
  });

  test('pushed to the local registry with oras and pulled back with the same digest', async () => {
    const oras = await orasBinary();
    const ref = `${registry.host}/orkestra:${image.tag}`;
    const published = await publish(image.layout, ref, oras, true);
    assert.equal(published.pushedDigest, image.manifest.digest);
    assert.equal(published.pulledDigest, image.manifest.digest);
    // Asked independently of the publish code: what the registry serves under the tag.
    const r = await runCommand(oras, ['manifest', 'fetch', '--descriptor', '--plain-http', ref]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).digest, image.manifest.digest);
    console.log(`# pushed and pulled back ${ref}@${image.manifest.digest}`);
  });

  test('config: a numeric non-root user and the entrypoint, command, working directory and env of deploy/Dockerfile', async () => {
    const c = config.config;
    assert.equal(c.User, '1000:1000');
    assert.notEqual(Number(c.User.split(':')[0]), 0);
    assert.deepEqual(c.Entrypoint, ['node', '--max-semi-space-size=4', 'dist/orkestra/main.js']);
    assert.deepEqual(c.Cmd, ['run']);
    assert.equal(c.WorkingDir, '/app');
    assert.ok(c.Env.includes('NODE_ENV=production'), c.Env.join(' '));
    assert.ok(c.Env.includes('MALLOC_ARENA_MAX=2'), c.Env.join(' '));
    assert.ok(c.Env.some((e) => e.startsWith('PATH=') && e.includes('/usr/local/bin')));
    assert.deepEqual(Object.keys(c.ExposedPorts), ['8080/tcp']);
    const stage = await readRuntimeStage(`${root}deploy/Dockerfile`);
    assert.equal(c.User, stage.user);
    assert.deepEqual(c.Entrypoint, stage.entrypoint);
    assert.deepEqual(c.Cmd, stage.cmd);
    assert.equal(c.WorkingDir, stage.workingDir);
    const devVersion = JSON.parse(await readFile(`${root}package.json`, 'utf8')).devDependencies.node;
    assert.equal(stage.nodeImage, `node:${devVersion}-slim`, 'the Dockerfile builds on the Node the script ships');
  });

  test('node_modules holds the runtime dependencies only: no devDependency inside', async () => {
    const entries = new Set(await layerEntries(layerFiles[2] as string));
    const lock = JSON.parse(await readFile(`${root}package-lock.json`, 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const dev = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev);
    assert.ok(dev.length > 20, 'the lockfile marks the dev-only packages');
    const inside = dev.filter(([path]) => entries.has(`app/${path}`)).map(([path]) => path);
    assert.deepEqual(inside, [], 'dev-only packages in the image');
    for (const name of DEV_ONLY) assert.ok(!entries.has(`app/node_modules/${name}`), name);
    const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies))
      assert.ok(entries.has(`app/node_modules/${name}/package.json`), `dependency ${name} missing`);
  });

  test('the sources layer holds what the Dockerfile copies, without tests or the UI sources', async () => {
    const entries = await layerEntries(layerFiles[3] as string);
    const top = new Set(entries.filter((e) => /^app\/[^/]+$/.test(e)).map((e) => e.slice(4)));
    assert.deepEqual([...top].sort(), ['api-types', 'controller', 'crds', 'dist', 'package-lock.json', 'package.json']);
    assert.deepEqual(
      entries.filter((e) => e.endsWith('.test.ts') || /controller\/ui\/app\/.*\.tsx?$/.test(e)),
      [],
    );
    for (const must of [
      'app/controller/cli/main.ts',
      'app/dist/orkestra/main.js',
      'app/dist/orkestra/main.js.map',
      'app/controller/ui/assets/app.js',
      'app/crds/orkestra.orkspace.io_katalogs.yaml',
    ])
      assert.ok(entries.includes(must), must);
  });

  test('unpacked, the image runs as uid 1000 in /app on a read-only root file system', async () => {
    rootfs = join(work, 'rootfs');
    const started = Date.now();
    await unpackImage(image.layout, rootfs, image.tag);
    console.log(`# unpacked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const help = collect(runInRootfs(rootfs, config, { args: ['--help'] }));
    assert.equal(await help.exit, 0, help.err());
    assert.match(help.out(), /^Usage: orkestra /);
    const probe = collect(
      runInRootfs(rootfs, config, {
        entrypoint: ['node', '-e'],
        args: [
          `const fs = require('node:fs');
           let write = 'written';
           try { fs.writeFileSync('/app/x', ''); } catch (e) { write = e.code; }
           fs.writeFileSync('/tmp/scratch', 'ok');
           console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), cwd: process.cwd(),
             user: require('node:os').userInfo().username, write, node: process.version }));`,
        ],
      }),
    );
    assert.equal(await probe.exit, 0, probe.err());
    const seen = JSON.parse(probe.out());
    const devVersion = JSON.parse(await readFile(`${root}package.json`, 'utf8')).devDependencies.node;
    assert.deepEqual(seen, { uid: 1000, gid: 1000, cwd: '/app', user: 'node', write: 'EROFS', node: `v${devVersion}` });
  });

  test('orkestra run from the unpacked image gets ready against the control plane and exits 0 on SIGTERM', async () => {
    assert.ok(rootfs, 'unpacked by the previous test');
    await applyOrkestraCrds();
    const child = runInRootfs(rootfs, config, {
      args: ['run', '--kubeconfig', '/tmp/kubeconfig', '--listen', '127.0.0.1:0', '--no-webhooks', '--ui', 'false'],
      tmpFiles: { kubeconfig: testKubeconfig() },
    });
    const run = collect(child);
    try {
      const address = await eventually(
        'the controller in the image to listen',
        () => {
          for (const line of run.err().split('\n')) {
            if (!line.startsWith('{')) continue;
            const l = JSON.parse(line) as { msg?: string; address?: string };
            if (l.msg === 'serving health, metrics and API') return l.address;
          }
          return undefined;
        },
        60_000,
        200,
      );
      const ready = await eventually(
        '/readyz',
        async () => {
          const r = await fetch(`http://${address}/readyz`);
          if (!r.ok)
            throw new Error(`HTTP ${r.status} ${await r.text()}; last log: ${run.err().trim().split('\n').at(-1)}`);
          return r.text();
        },
        60_000,
        200,
      );
      assert.ok(ready);
    } finally {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
    assert.equal(await run.exit, 0, run.err().split('\n').slice(-5).join('\n'));
  });
});
