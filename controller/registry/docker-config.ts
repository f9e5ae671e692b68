// Registry credentials from a Docker config file (`~/.docker/config.json`, or `$DOCKER_CONFIG/
// config.json`), the file `docker login` and `oras login` write. Only static entries of `auths`
// are read (`auth` = base64 "user:password", or `username`/`password`, or an `identitytoken`);
// credential helpers run external programs and are not supported.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RegistryCredentials {
  readonly username?: string;
  readonly password?: string;
  /** An OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint. */
  readonly identityToken?: string;
}

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

/** The `auths` key without scheme and trailing path: `https://host:5000/v1/` → `host:5000`. */
function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

/** Credentials for a registry host from a parsed config; exact key first, then scheme/path variants. */
export function credentialsFor(config: DockerConfig, registry: string): RegistryCredentials | undefined {
  const auths = config.auths ?? {};
  const entry = auths[registry] ?? Object.entries(auths).find(([key]) => hostOf(key) === registry)?.[1];
  if (!entry) return undefined;
  if (entry.identitytoken) return { identityToken: entry.identitytoken, username: entry.username };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Error(`docker config: the auth entry for ${registry} is not base64 "user:password"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== undefined) return { username: entry.username, password: entry.password ?? '' };
  return undefined;
}

/** Reads the Docker config file; a missing file means no credentials. */
export async function readDockerConfig(path = dockerConfigPath()): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (err) {
    throw new Error(`docker config ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
