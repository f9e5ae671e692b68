// Messages between the main thread and a typed-hook worker.
import type { HookRequest } from './contract.ts';

export type ToWorker =
  | { readonly type: 'call'; readonly url: string; readonly fn: 'sync' | 'finalize'; readonly request: HookRequest }
  | { readonly type: 'readResult'; readonly readId: number; readonly result?: unknown; readonly error?: string };

export type FromWorker =
  | { readonly type: 'result'; readonly response: unknown }
  | { readonly type: 'error'; readonly message: string }
  | {
      readonly type: 'read';
      readonly readId: number;
      readonly op: 'get' | 'list';
      readonly ref: Readonly<Record<string, string | undefined>>;
    };
