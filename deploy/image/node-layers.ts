// The two layers that make Node run the sources: Node's own binary (the `node` package of
// node_modules, checked to be the version deploy/Dockerfile's ARG NODE_IMAGE names) and the
// production node_modules, installed from the lockfile as the Dockerfile's deps stage does. Both
// are cached, keyed by their inputs and by this file.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RuntimeStage } from './dockerfile.ts';
import { cachedLayer, inputKey } from './layer.ts';

const run = promisify(execFile);
const recipe = () => readFile(new URL(import.meta.url));

/** Node's binary, checked to be the version deploy/Dockerfile builds from. */
export async function nodeLayer(repo: string, stage: RuntimeStage) {
  const binary = await realpath(join(repo, 'node_modules/.bin/node'));
  const { stdout } = await run(binary, ['--version']);
  const version = stdout.trim().replace(/^v/, '');
  const wanted = /^node:(\d+\.\d+\.\d+)/.exec(stage.nodeImage)?.[1];
  if (version !== wanted)
    throw new Error(
      `node_modules has Node ${version} but deploy/Dockerfile builds on ${stage.nodeImage}: make them the same version`,
    );
  const bytes = await readFile(binary);
  return cachedLayer(
    'node',
    inputKey(await recipe(), createHash('sha256').update(bytes).digest('hex')),
    { normalizeModes: true },
    async (root) => {
      await mkdir(join(root, 'usr/local/bin'), { recursive: true });
      await copyFile(binary, join(root, 'usr/local/bin/node'));
      await chmod(join(root, 'usr/local/bin/node'), 0o755);
    },
  );
}

/** The production dependencies, installed from the lockfile exactly as the Dockerfile's deps stage does. */
export async function dependenciesLayer(repo: string, workingDir: string) {
  const pkg = await readFile(join(repo, 'package.json'));
  const lock = await readFile(join(repo, 'package-lock.json'));
  const { stdout: npmVersion } = await run('npm', ['--version']);
  const key = inputKey(await recipe(), pkg, lock, npmVersion.trim());
  return cachedLayer('node-modules', key, { normalizeModes: true }, async (root) => {
    const app = join(root, workingDir);
    await mkdir(app, { recursive: true });
    await copyFile(join(repo, 'package.json'), join(app, 'package.json'));
    await copyFile(join(repo, 'package-lock.json'), join(app, 'package-lock.json'));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 16 << 20,
    });
    // package.json and the lockfile belong to the sources layer.
    await rm(join(app, 'package.json'));
    await rm(join(app, 'package-lock.json'));
  });
}
