import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCa, generateServing } from '../admission/certificate-issuer.ts';
import { createApiClient } from './api-client.ts';
import type { Credentials } from './credentials.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Under Node's threshold for external strings (about 1 MB), so each answer's text is on the V8 heap.
const BODY_BYTES = 512 << 10;
const CONNECTIONS = 16;

describe('api client over TLS keep-alive connections', () => {
  let server: Server;
  let base: string;
  let credentials: Credentials;

  before(async () => {
    const ca = generateCa(new Date());
    const serving = generateServing(ca, ['127.0.0.1'], new Date());
    // A fresh 512 KiB answer per request, held back a moment so that the requests overlap and
    // the agent opens one connection for each.
    server = createServer({ key: serving.key, cert: serving.cert }, (_req, res) => {
      const body = JSON.stringify({ kind: 'List', items: [], pad: `${Math.random()}`.padEnd(BODY_BYTES, 'x') });
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    credentials = { headers: {}, tls: { ca: Buffer.from(ca.cert) } };
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('pooled connections do not keep the answers of their requests alive', async () => {
    const client = createApiClient(
      { server: base, credentials: { current: async () => credentials, rejected: async () => undefined } },
      { maxSockets: CONNECTIONS },
    );
    try {
      gc();
      const before = process.memoryUsage();
      const answers = await Promise.all(
        Array.from({ length: CONNECTIONS }, () => client.request<{ pad: string }>({ method: 'GET', path: '/list' })),
      );
      assert.equal(answers.length, CONNECTIONS);
      assert.ok(answers.every((a) => a.pad.length === BODY_BYTES));
      answers.length = 0;
      gc();
      const after = process.memoryUsage();
      // Each connection now idles in the pool. Were their first requests' answers still
      // reachable, the text of all 16 would remain: 8 MiB.
      // The V8 heap only: the bodies' buffers are external memory, whose accounting lags collection.
      const retained = after.heapUsed - before.heapUsed;
      assert.ok(
        retained < 4 * BODY_BYTES,
        `${(retained / 2 ** 20).toFixed(1)} MiB retained after ${CONNECTIONS} answers`,
      );
    } finally {
      client.close();
    }
  });
});
