// A typed hook: computes a ConfigMap from the Greeting and reports what it wrote in status.
// Run it with `orkestra run --hooks-dir examples/hooks/modules`; edits take effect on the next
// reconcile, without a restart.
import { defineHook } from 'orkestra/hooks';

interface GreetingSpec {
  who?: string;
  language?: 'en' | 'fr';
}

interface GreetingStatus {
  greeting: string;
}

const WORDS = { en: 'Hello', fr: 'Bonjour' } as const;

export default defineHook<GreetingSpec, GreetingStatus>({
  sync(ctx) {
    const greeting = `${WORDS[ctx.parent.spec.language ?? 'en']}, ${ctx.parent.spec.who ?? 'world'}!`;
    return {
      children: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${ctx.parent.metadata.name}-greeting` },
          data: { greeting, region: String(ctx.args.region ?? '') },
        },
      ],
      status: { greeting },
    };
  },
  finalize() {
    // Nothing outside the cluster to clean up: let the deletion go on.
    return { finalized: true };
  },
});
