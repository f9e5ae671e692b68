// The HTTP hook client against real loopback servers: TLS verified against a custom CA (and
// refused without it), the auth header, the timeout, the response size limit, and what each
// failure says and whether it is retried.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HookRequest } from './contract.ts';
import { HookError } from './hook-error.ts';
import { postHook } from './http-hook.ts';

const request: HookRequest = {
  parent: { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' } },
  children: {},
  rendered: [],
  args: {},
  finalizing: false,
  related: {},
};

let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('{}');
const plain = http.createServer((req, res) => handler(req, res));
let tls: https.Server;
let dir: string;
let ca: string;
const url = (s: http.Server | https.Server, scheme: string) =>
  `${scheme}://127.0.0.1:${(s.address() as AddressInfo).port}/sync`;

const failure = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('the call succeeded'),
    (err: unknown) => {
      assert.ok(err instanceof HookError);
      return err;
    },
  );

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'orkestra-hook-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hook-ca'].concat([
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  tls = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: ca }, (req, res) => handler(req, res));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
});
after(() => {
  plain.close();
  tls.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTP hooks', () => {
  test('POSTs the request as JSON with the auth header and returns the checked response', async () => {
    let got: { method?: string; auth?: string; body?: HookRequest } = {};
    handler = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got = {
          method: req.method,
          auth: req.headers['x-token'] as string,
          body: JSON.parse(String(Buffer.concat(chunks))),
        };
        res.end(JSON.stringify({ status: { ok: true }, resyncAfterSeconds: 3 }));
      });
    };
    const response = await postHook({
      url: url(plain, 'http'),
      request,
      timeoutMs: 2000,
      headers: { 'X-Token': 's3' },
    });
    assert.deepEqual(response, { status: { ok: true }, resyncAfterSeconds: 3 });
    assert.deepEqual(got, { method: 'POST', auth: 's3', body: request });
  });

  test('TLS is verified: the custom CA is accepted, the system roots refuse the self-signed server', async () => {
    handler = (_req, res) => res.end('{"status":{"tls":true}}');
    assert.deepEqual(await postHook({ url: url(tls, 'https'), request, timeoutMs: 2000, ca }), {
      status: { tls: true },
    });
    const err = await failure(postHook({ url: url(tls, 'https'), request, timeoutMs: 2000 }));
    assert.match(err.message, /self-signed certificate/);
  });

  test('5xx is retried; 4xx is not; both carry the code and the first 200 bytes of the body', async () => {
    handler = (_req, res) => {
      res.statusCode = 503;
      res.end(`busy ${'y'.repeat(400)}`);
    };
    const busy = await failure(postHook({ url: url(plain, 'http'), request, timeoutMs: 2000 }));
    assert.equal(busy.retryable, true);
    assert.equal(busy.code, '503');
    assert.equal(
      busy.message,
      `hook POST ${url(plain, 'http')} answered 503 Service Unavailable: busy ${'y'.repeat(195)}…`,
    );
    handler = (_req, res) => {
      res.statusCode = 400;
      res.end('no');
    };
    const bad = await failure(postHook({ url: url(plain, 'http'), request, timeoutMs: 2000 }));
    assert.equal(bad.retryable, false);
    assert.match(bad.message, /answered 400 Bad Request: no$/);
  });

  test('invalid JSON and an oversized response are refused', async () => {
    handler = (_req, res) => res.end('<html>');
    const invalid = await failure(postHook({ url: url(plain, 'http'), request, timeoutMs: 2000 }));
    assert.match(invalid.message, /answered 200 with invalid JSON: <html>$/);
    handler = (_req, res) => res.end(JSON.stringify({ status: { big: 'z'.repeat(5000) } }));
    const big = await failure(postHook({ url: url(plain, 'http'), request, timeoutMs: 2000, maxResponseBytes: 1000 }));
    assert.match(big.message, /response larger than 1000 bytes/);
  });

  test('a hook that does not answer in time is a retryable timeout', async () => {
    handler = () => {};
    const slow = await failure(postHook({ url: url(plain, 'http'), request, timeoutMs: 200 }));
    assert.equal(slow.code, 'timeout');
    assert.equal(slow.retryable, true);
    assert.match(slow.message, /no answer within 200 ms/);
    plain.closeAllConnections();
  });
});
