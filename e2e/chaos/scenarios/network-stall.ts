// The network between the controller and the API server stalls: the proxy holds every byte
// both ways (and every new connection) for the stall, then lets them through.
import type { Scenario } from '../scenario.ts';

export const networkStall: Scenario = {
  name: 'network-stall',
  title: 'network stall (blackhole)',
  runs: 3,
  async inject(env) {
    env.proxy.blackhole(true);
    // The fault is the passage of time: nothing to poll for.
    await new Promise((r) => setTimeout(r, env.scale.stallMs));
    env.proxy.blackhole(false);
    return { backAt: performance.now() };
  },
};
