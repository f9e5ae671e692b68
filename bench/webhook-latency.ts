// Webhook latency for a box with 10 validation rules (field and CEL) and 3 mutation rules: the
// HTTPS server in this process, called over loopback with keep-alive as the API server calls it.
// Prints p50/p99 per webhook. `node bench/webhook-latency.ts [requests]`
import { Agent, request } from 'node:https';
import { generateCa, generateServing } from '../controller/admission/certificate-issuer.ts';
import { answer, startWebhookServer } from '../controller/admission/server.ts';
import { compileBox } from '../controller/box/compiled-box.ts';
import { silentLogger } from '../controller/observe/log.ts';
import { percentile } from './stats.ts';

const N = Number(process.argv[2] ?? 2000);
const ca = generateCa(new Date());
const compiled = compileBox('web', {
  apiTypes: { group: 'demo.io', version: 'v1', kind: 'Web' },
  admission: {
    validation: {
      rules: [
        { field: 'spec.replicas', lte: 10, message: 'at most 10 replicas' },
        { field: 'spec.replicas', gte: 1, message: 'at least 1 replica' },
        { field: 'spec.image', exists: true, message: 'image is required' },
        { field: 'spec.image', regex: '^[a-z0-9./-]+(:[a-z0-9.-]+)?$', message: 'image reference' },
        { field: 'spec.port', between: [1, 65535], message: 'port range' },
        { field: 'spec.tier', in: ['web', 'api', 'worker'], message: 'known tier' },
        { cel: "self.spec.image.contains(':')", message: 'pin an image tag', action: 'warn' },
        { cel: 'self.spec.replicas <= 3 || self.spec.tier != "worker"', message: 'workers scale to 3' },
        { cel: "request.userInfo.username != 'mallory'", message: 'not mallory' },
        { cel: 'oldSelf == null || self.spec.port == oldSelf.spec.port', message: 'port is immutable' },
      ],
    },
    mutation: {
      rules: [
        { field: 'spec.port', default: 8080 },
        { field: 'spec.tier', default: 'web' },
        { field: 'spec.url', default: 'http://{{ .metadata.name }}:{{ .spec.port }}' },
      ],
    },
  },
});
const server = await startWebhookServer({
  host: '127.0.0.1',
  port: 0,
  tls: generateServing(ca, ['127.0.0.1'], new Date()),
  lookup: () => ({ id: 'k/web', compiled, failurePolicy: 'Fail' }),
  logger: silentLogger,
});
const agent = new Agent({ keepAlive: true, ca: ca.cert, maxSockets: 1 });
const body = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u',
    operation: 'UPDATE',
    userInfo: { username: 'alice', groups: ['system:authenticated'] },
    object: {
      apiVersion: 'demo.io/v1',
      kind: 'Web',
      metadata: { name: 'shop', namespace: 'team-a', labels: { app: 'shop' } },
      spec: { replicas: 3, image: 'nginx:1.27', port: 8080, tier: 'web' },
    },
    oldObject: {
      apiVersion: 'demo.io/v1',
      kind: 'Web',
      metadata: { name: 'shop', namespace: 'team-a', labels: { app: 'shop' } },
      spec: { replicas: 2, image: 'nginx:1.27', port: 8080, tier: 'web' },
    },
  },
});

function call(path: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: 'POST', agent }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const path of ['/validate/k/web', '/mutate/k/web']) {
  for (let i = 0; i < 200; i++) await call(path); // warm-up: JIT, TLS session
  const times: number[] = [];
  for (let i = 0; i < N; i++) times.push(await call(path));
  const p = (q: number) => percentile(times, q).toFixed(2);
  console.log(`${path}: ${N} requests, p50 ${p(50)} ms, p99 ${p(99)} ms`);
}
// The same work without the network: parse, evaluate, serialise. On a loaded machine the HTTPS
// p99 above is mostly waiting for a CPU; this is what the handler itself costs.
const entry = { id: 'k/web', compiled, failurePolicy: 'Fail' as const };
for (const kind of ['validate', 'mutate'] as const) {
  const times: number[] = [];
  for (let i = 0; i < N + 200; i++) {
    const started = performance.now();
    JSON.stringify(answer(kind, entry, 'k/web', JSON.parse(body)));
    if (i >= 200) times.push(performance.now() - started);
  }
  const p = (q: number) => percentile(times, q).toFixed(3);
  console.log(`${kind} handler alone: p50 ${p(50)} ms, p99 ${p(99)} ms`);
}
agent.destroy();
await server.close();
