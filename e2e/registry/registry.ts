// A CNCF Distribution registry on a free loopback port, plain HTTP or TLS with the harness' own
// CA, optionally behind htpasswd basic auth. It can be stopped and started again on the same port
// with the same storage, so tests can take it away mid-run and bring it back.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { type Component, startComponent, waitUntilReady } from '../control-plane/component.ts';
import { freePort } from '../control-plane/ports.ts';
import { httpGet } from '../control-plane/probe.ts';
import { writeTestCertificates } from './tls.ts';
import { startTokenServer, type TokenServer } from './token-server.ts';
import { registryBinary } from './tools.ts';

export interface RegistryOptions {
  /** Serve HTTPS with a certificate signed by a CA written next to the storage (`caFile`). */
  readonly tls?: boolean;
  /** htpasswd users (name → password); when set, every request needs basic auth. */
  readonly users?: Readonly<Record<string, string>>;
  /** Users of a token service (the Bearer flow); when set, every request needs a token from it. */
  readonly tokenUsers?: Readonly<Record<string, string>>;
  /** Directory for config, storage and logs; default a fresh temporary one that `close` removes. */
  readonly dir?: string;
  readonly timeoutMs?: number;
}

export interface LocalRegistry {
  /** `127.0.0.1:PORT`, the registry part of an OCI reference. */
  readonly host: string;
  readonly plainHTTP: boolean;
  /** The CA that signed the registry's certificate (TLS only). */
  readonly caFile: string | undefined;
  readonly dir: string;
  readonly pid: () => number | undefined;
  /** Ends the process and keeps the storage; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the registry and removes its directory when the harness created it. */
  close(): Promise<void>;
}

// bcrypt's minimum cost: the registry checks every request's password, and test passwords are throw-away.
const BCRYPT_COST = 4;

export async function startRegistry(options: RegistryOptions = {}): Promise<LocalRegistry> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const binary = await registryBinary();
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'orkestra-registry-')));
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const certs = options.tls ? await writeTestCertificates(dir) : undefined;
  const lines = [
    'version: 0.1',
    'log: { level: warn, formatter: text, accesslog: { disabled: true } }',
    `storage: { filesystem: { rootdirectory: ${JSON.stringify(join(dir, 'data'))} }, delete: { enabled: true } }`,
    'http:',
    `  addr: ${host}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
  ];
  if (certs)
    lines.push(`  tls: { certificate: ${JSON.stringify(certs.certFile)}, key: ${JSON.stringify(certs.keyFile)} }`);
  if (options.users) {
    const htpasswd = join(dir, 'htpasswd');
    const entries = Object.entries(options.users).map(([user, pw]) => `${user}:${bcrypt.hashSync(pw, BCRYPT_COST)}`);
    await writeFile(htpasswd, `${entries.join('\n')}\n`, { mode: 0o600 });
    lines.push(`auth: { htpasswd: { realm: orkestra-test, path: ${JSON.stringify(htpasswd)} } }`);
  }
  let tokens: TokenServer | undefined;
  if (options.tokenUsers) {
    tokens = await startTokenServer(options.tokenUsers);
    const jwks = join(dir, 'jwks.json');
    await writeFile(jwks, tokens.jwks);
    lines.push(
      `auth: { token: { realm: ${JSON.stringify(tokens.realm)}, service: ${tokens.service}, issuer: ${tokens.issuer}, jwks: ${JSON.stringify(jwks)} } }`,
    );
  }
  const configFile = join(dir, 'config.yml');
  await writeFile(configFile, `${lines.join('\n')}\n`);
  const ca = certs ? await readFile(certs.caFile) : undefined;
  const base = `${certs ? 'https' : 'http'}://${host}`;

  let component: Component | undefined;
  async function start() {
    if (component && !component.exited()) return;
    // Tracing is on by default in Distribution v3; nothing collects it here.
    const c = startComponent('registry', binary, ['serve', configFile], join(dir, 'registry.log'), {
      OTEL_TRACES_EXPORTER: 'none',
    });
    component = c;
    await waitUntilReady(
      c,
      async () => {
        // /v2/ answers 200, or 401 behind auth: either way the registry serves.
        const r = await httpGet(`${base}/v2/`, { ca });
        return r.status === 200 || r.status === 401 || `HTTP ${r.status}`;
      },
      timeoutMs,
    );
  }
  async function stop() {
    await component?.stop(5_000);
  }
  try {
    await start();
  } catch (err) {
    await stop();
    await tokens?.close();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    plainHTTP: !certs,
    caFile: certs?.caFile,
    dir,
    pid: () => (component && !component.exited() ? component.pid : undefined),
    stop,
    start,
    async close() {
      await stop();
      await tokens?.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
