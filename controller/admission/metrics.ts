// Webhook metrics under controller-runtime's names, labels and buckets
// (pkg/webhook/internal/metrics/metrics.go): the `webhook` label is the request path, as there.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** prometheus.DefBuckets, which controller-runtime's webhook latency histogram uses. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface WebhookMetrics {
  /** Marks a request as in flight; call the returned function with the HTTP code when it is answered. */
  start(webhook: string): (code: number) => void;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const registers = [registry];
  const total = new Counter({
    name: 'controller_runtime_webhook_requests_total',
    help: 'Total number of admission requests by HTTP status code.',
    labelNames: ['webhook', 'code'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'controller_runtime_webhook_latency_seconds',
    help: 'Histogram of the latency of processing admission requests',
    labelNames: ['webhook'] as const,
    buckets: DEFAULT_BUCKETS,
    registers,
  });
  const inFlight = new Gauge({
    name: 'controller_runtime_webhook_requests_in_flight',
    help: 'Current number of admission requests being served.',
    labelNames: ['webhook'] as const,
    registers,
  });
  return {
    start(webhook) {
      const started = performance.now();
      inFlight.inc({ webhook });
      return (code) => {
        inFlight.dec({ webhook });
        latency.observe({ webhook }, (performance.now() - started) / 1000);
        total.inc({ webhook, code: String(code) });
      };
    },
  };
}
