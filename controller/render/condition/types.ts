/** What a condition is evaluated against. */
export interface ConditionInput {
  /** The custom resource; `field` paths are relative to it, CEL sees it as `self`. */
  readonly self: unknown;
  /** The previous version on update; CEL sees null when absent. */
  readonly oldSelf?: unknown;
  /** Observed children by kind (`deployments`, `services`, …); CEL sees an empty map when absent. */
  readonly children?: Record<string, unknown[]>;
  /** The admission request (operation, userInfo, …); absent at reconcile, where CEL sees null. */
  readonly request?: unknown;
}

/** The outcome of a condition, with the reason it is false because of an error. */
export interface ConditionOutcome {
  readonly result: boolean;
  /**
   * Set only when `result` is false because evaluation failed: a CEL runtime error (no such key,
   * no matching overload, …) or a CEL result that is not a bool. Starts with the `where` of the
   * failing condition, e.g. `spec.crds.web.admission.validation.rules[1]: CEL evaluation failed:
   * field not found: replicas`, ready to be reported. A condition that is merely false has no error.
   */
  readonly error?: string;
}

/**
 * A compiled condition (or gate). Calling it answers whether it holds; `evaluateWithReason`
 * evaluates the same way and also says why it is false when an error made it so. Both are pure:
 * no state is kept between calls, so one compiled condition serves concurrent reconciles.
 */
export interface CompiledCondition {
  (input: ConditionInput): boolean;
  evaluateWithReason(input: ConditionInput): ConditionOutcome;
  /** The Katalog field path the condition was compiled from. */
  readonly where: string;
}
