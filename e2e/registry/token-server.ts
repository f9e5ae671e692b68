// A minimal token service for the registry's Bearer flow (the Docker registry token spec): it
// checks Basic credentials against a user list and issues an ES256 JWT granting the requested
// repository actions, signed with a key the registry trusts through a JWKS file. Enough to
// exercise a client's WWW-Authenticate: Bearer handling against the real registry.
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenServer {
  /** The realm the registry sends clients to. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** JSON Web Key Set with the signing key, for the registry's `auth.token.jwks`. */
  readonly jwks: string;
  close(): Promise<void>;
}

const KEY_ID = 'orkestra-test';
const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function jwt(key: KeyObject, claims: object): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: KEY_ID }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${b64url(signature)}`;
}

export async function startTokenServer(users: Readonly<Record<string, string>>): Promise<TokenServer> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
  const service = 'orkestra-test-registry';
  const issuer = 'orkestra-test-issuer';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    const auth = req.headers.authorization ?? '';
    const [user, password] = auth.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(/:(.*)/s)
      : [];
    if (url.pathname !== '/token' || user === undefined || users[user] !== password) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }));
      return;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = jwt(key, {
      iss: issuer,
      sub: user,
      aud: url.searchParams.get('service') ?? service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'ES256', use: 'sig' };
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    jwks: JSON.stringify({ keys: [jwk] }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
