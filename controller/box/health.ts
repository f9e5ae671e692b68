// A box's health from the outcomes of its reconciles: Degraded after `failureThreshold`
// consecutive failures, Running again after the next success.

export interface HealthSnapshot {
  readonly degraded: boolean;
  readonly consecutiveFailures: number;
  readonly successes: number;
  readonly failures: number;
  readonly lastError: string;
  readonly lastErrorAt: string | undefined;
  readonly lastSuccessAt: string | undefined;
}

export interface Health {
  success(): void;
  failure(err: string): void;
  snapshot(): HealthSnapshot;
  setThreshold(threshold: number): void;
}

export function createHealth(failureThreshold: number, now: () => Date = () => new Date()): Health {
  let threshold = failureThreshold;
  let consecutive = 0;
  let successes = 0;
  let failures = 0;
  let lastError = '';
  let lastErrorAt: string | undefined;
  let lastSuccessAt: string | undefined;
  return {
    success() {
      consecutive = 0;
      successes++;
      lastSuccessAt = now().toISOString();
    },
    failure(err) {
      consecutive++;
      failures++;
      lastError = err;
      lastErrorAt = now().toISOString();
    },
    setThreshold(t) {
      threshold = t;
    },
    snapshot: () => ({
      degraded: consecutive >= threshold,
      consecutiveFailures: consecutive,
      successes,
      failures,
      lastError,
      lastErrorAt,
      lastSuccessAt,
    }),
  };
}
