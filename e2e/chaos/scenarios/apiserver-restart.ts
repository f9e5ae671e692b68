// kube-apiserver stopped and started again on the same port and etcd, down for about a second
// beyond its own shutdown: every connection and watch of the controller breaks. A graceful
// shutdown that takes more than 5 s (it waits for in-flight requests) ends with SIGKILL.
import type { Scenario } from '../scenario.ts';

export const apiserverRestart: Scenario = {
  name: 'apiserver-restart',
  title: 'kube-apiserver restart',
  runs: 5,
  async inject(env) {
    await env.cp.restart('apiserver', { downtimeMs: 1_000, graceMs: 5_000 });
    return { backAt: performance.now() };
  },
};
