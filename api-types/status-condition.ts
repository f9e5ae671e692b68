import { type Static, Type } from './schema.ts';

/** metav1.Condition, as kstatus (Flux) and Argo CD read it. */
export const StatusCondition = Type.Object(
  {
    type: Type.String({
      description: 'Condition type, e.g. Ready.',
      pattern: '^([a-z0-9.-]+/)?[A-Za-z0-9_.-]+$',
      maxLength: 316,
    }),
    status: Type.Union([Type.Literal('True'), Type.Literal('False'), Type.Literal('Unknown')]),
    observedGeneration: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Generation the condition was set for.' }),
    ),
    lastTransitionTime: Type.String({ format: 'date-time', description: 'Last change of status.' }),
    reason: Type.String({
      description: 'CamelCase reason.',
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      maxLength: 1024,
      minLength: 1,
    }),
    message: Type.String({ description: 'Human-readable details.', maxLength: 32768 }),
  },
  { description: 'A standard condition.' },
);
export type StatusCondition = Static<typeof StatusCondition>;

export function conditionsList(description: string) {
  return Type.Array(StatusCondition, {
    description,
    maxItems: 16,
    // Merged per type under server-side apply instead of replaced whole.
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
}

/**
 * Stamps lastTransitionTime the metav1.Condition way: it keeps the previous time of a condition
 * of the same type whose status did not change, and takes `now` otherwise.
 */
export function withTransitionTimes(
  conditions: readonly Omit<StatusCondition, 'lastTransitionTime'>[],
  previous: readonly StatusCondition[] | undefined,
  now: string,
): StatusCondition[] {
  return conditions.map((c) => {
    const prev = previous?.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  });
}

type UnstampedCondition = Omit<StatusCondition, 'lastTransitionTime'>;

/**
 * Reconciling and Stalled beside a Ready condition, the kstatus convention Flux's health checks
 * and the Argo CD health script in deploy/argocd/ read. Stalled (retrying cannot help until the
 * object changes) wins; otherwise Ready=False means still reconciling, for `progressingReason`.
 */
export function progressConditions(
  ready: UnstampedCondition,
  stalled: { readonly reason: string; readonly message: string } | undefined,
  progressingReason: string,
): UnstampedCondition[] {
  const observedGeneration = ready.observedGeneration ?? 0;
  const reconciling = ready.status === 'False' && !stalled;
  return [
    reconciling
      ? { type: 'Reconciling', status: 'True', reason: progressingReason, message: ready.message, observedGeneration }
      : {
          type: 'Reconciling',
          status: 'False',
          reason: stalled ? 'Stalled' : 'Reconciled',
          message: '',
          observedGeneration,
        },
    stalled
      ? { type: 'Stalled', status: 'True', reason: stalled.reason, message: stalled.message, observedGeneration }
      : { type: 'Stalled', status: 'False', reason: 'NotStalled', message: '', observedGeneration },
  ];
}
