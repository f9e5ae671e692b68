// What a webhook handler needs of one box: its compiled rules and how to fail. Built from the
// Katalog alone, so every replica (a standby too) answers without asking the API server.
import type { Box } from '../../api-types/box.ts';
import { type CompiledBox, compileBoxCached } from '../box/compiled-box.ts';

export type FailurePolicy = 'Fail' | 'Ignore';

export interface AdmissionBox {
  /** `katalog/box`, the box id. */
  readonly id: string;
  readonly compiled: CompiledBox;
  readonly failurePolicy: FailurePolicy;
}

/** The box's rules, or undefined when its templates or rules do not compile (the box is Failed). */
export function admissionBox(id: string, name: string, box: Box): AdmissionBox | undefined {
  try {
    return {
      id,
      compiled: compileBoxCached(name, box),
      failurePolicy: box.admission?.webhooks?.failurePolicy ?? 'Fail',
    };
  } catch {
    return undefined;
  }
}
