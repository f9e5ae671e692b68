// The declarative controller run in the test process against the real API server, the way
// `orkestra run` wires it (root controller, operator boxes, shared child watches, Events), so a
// suite can look inside (boxes, request counters) while everything it talks to is real.

import { createTypedHooks } from '../../controller/hooks/typed-hooks.ts';
import { type ApiClient, isNotFound } from '../../controller/kube/api-client.ts';
import { createChildWatches } from '../../controller/kube/child-watches.ts';
import { createDiscovery } from '../../controller/kube/discovery.ts';
import { createEventRecorder, type EventRecorder } from '../../controller/kube/events/recorder.ts';
import { silentLogger } from '../../controller/observe/log.ts';
import { declarativeBoxes } from '../../controller/reconcile/declarative-reconciler.ts';
import { type RootController, startRootController } from '../../controller/root/root-controller.ts';

export interface InProcessController {
  readonly root: RootController;
  readonly events: EventRecorder;
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /** As `orkestra run --hooks-dir`. */
  readonly hooksDir?: string;
  /** Told of every hook call, as the hook metrics are. */
  readonly observeHook?: (box: string, code: string, seconds: number) => void;
}

/** Starts the controller on `client` (give it a client of its own to count its requests). */
export function startInProcessController(client: ApiClient, options: InProcessOptions = {}): InProcessController {
  const watches = createChildWatches(client);
  const events = createEventRecorder({ client, component: 'orkestra' });
  const typed = createTypedHooks(options.hooksDir);
  const boxes = declarativeBoxes({
    client,
    discovery: createDiscovery(client),
    childWatches: watches,
    events,
    hooks: { typed, ...(options.observeHook ? { observe: options.observeHook } : {}) },
  });
  const root = startRootController({ client, logger: silentLogger, events, ...boxes });
  return {
    root,
    events,
    async stop() {
      await root.stop();
      await watches.stopAll();
      await events.stop();
      await typed.close();
    },
  };
}

/** GET that resolves to undefined on 404. */
export async function getOrUndefined<T>(client: ApiClient, path: string): Promise<T | undefined> {
  try {
    return await client.request<T>({ method: 'GET', path });
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
