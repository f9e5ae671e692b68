import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { compileBox } from '../box/compiled-box.ts';
import type { LogFields, Logger } from '../observe/log.ts';
import type { AdmissionBox } from './admission-box.ts';
import { generateCa, generateServing } from './certificate-issuer.ts';
import { createWebhookMetrics } from './metrics.ts';
import { startWebhookServer, type WebhookServer } from './server.ts';

const lines: { level: string; msg: string; fields?: LogFields }[] = [];
const logger: Logger = {
  debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
  info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
  warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
  error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
  child: () => logger,
};

const now = new Date();
const ca = generateCa(now);
const first = generateServing(ca, ['127.0.0.1'], now);
const box: AdmissionBox = {
  id: 'k/web',
  failurePolicy: 'Fail',
  compiled: compileBox('web', {
    apiTypes: { group: 'demo.io', version: 'v1', kind: 'Web' },
    admission: { validation: { rules: [{ field: 'spec.replicas', lte: 10, message: 'at most 10 replicas' }] } },
  }),
};

let server: WebhookServer;
let ready = true;
const registry = new Registry();

function post(path: string, body: string, caCert = ca.cert) {
  return new Promise<{ status: number; body: string; servedCert: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method: 'POST', ca: caCert, agent: false },
      (res) => {
        const servedCert =
          res.socket && 'getPeerCertificate' in res.socket
            ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256
            : '';
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, servedCert }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const review = (spec: Record<string, unknown>) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u', operation: 'CREATE', userInfo: {}, object: { apiVersion: 'demo.io/v1', kind: 'Web', spec } },
  });

describe('webhook server', () => {
  before(async () => {
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      tls: first,
      lookup: (id) => (id === 'k/web' ? box : undefined),
      ready: () => ready,
      logger,
      metrics: createWebhookMetrics(registry),
      maxBodyBytes: 64 * 1024,
    });
  });
  after(() => server.close());

  test('answers an AdmissionReview from the compiled rules', async () => {
    const res = await post('/validate/k/web', review({ replicas: 20 }));
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body);
    assert.equal(body.response.allowed, false);
    assert.equal(body.response.status.message, 'spec.replicas: at most 10 replicas');
  });

  test('a malformed body gets 400 and a log line; the server keeps serving', async () => {
    for (const bad of [
      '{not json',
      '[]',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
    ]) {
      lines.length = 0;
      const res = await post('/validate/k/web', bad);
      assert.equal(res.status, 400);
      assert.match(JSON.parse(res.body).message, /^malformed review: /);
      assert.ok(lines.some((l) => l.level === 'warn' && l.msg === 'malformed webhook request'));
    }
    assert.equal((await post('/validate/k/web', review({ replicas: 1 }))).status, 200);
  });

  test('a body over the limit gets 413', async () => {
    const res = await post('/validate/k/web', review({ blob: 'x'.repeat(100 * 1024) }));
    assert.equal(res.status, 413);
  });

  test('unknown paths get 404; until the rules are loaded requests get 503', async () => {
    assert.equal((await post('/nope', '{}')).status, 404);
    ready = false;
    try {
      assert.equal((await post('/validate/k/web', review({}))).status, 503);
    } finally {
      ready = true;
    }
  });

  test('a swapped certificate serves new connections; requests keep succeeding', async () => {
    const before = (await post('/validate/k/web', review({ replicas: 1 }))).servedCert;
    const next = generateServing(ca, ['127.0.0.1'], new Date());
    // Requests racing the swap: none may fail.
    const during = Array.from({ length: 20 }, () => post('/validate/k/web', review({ replicas: 1 })));
    server.setCertificate(next);
    const results = await Promise.all(during);
    assert.ok(results.every((r) => r.status === 200));
    const afterSwap = (await post('/validate/k/web', review({ replicas: 1 }))).servedCert;
    assert.notEqual(afterSwap, before);
  });

  test('metrics carry the path and code', async () => {
    const text = await registry.metrics();
    assert.match(text, /controller_runtime_webhook_requests_total\{webhook="\/validate\/k\/web",code="400"\} 3/);
    assert.match(text, /controller_runtime_webhook_requests_total\{webhook="other",code="404"\} 1/);
    assert.match(text, /controller_runtime_webhook_requests_in_flight\{webhook="\/validate\/k\/web"\} 0/);
  });
});
