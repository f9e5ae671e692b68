// The controller SIGKILLed mid-converge (no shutdown: in-flight applies and status writes are
// cut off) and started again at once.
import type { Scenario } from '../scenario.ts';

export const controllerKill: Scenario = {
  name: 'controller-kill',
  title: 'controller SIGKILL mid-converge',
  runs: 20,
  async inject(env) {
    const [controller] = env.controllers;
    if (!controller) throw new Error('no controller');
    await controller.kill();
    const backAt = performance.now();
    await controller.start();
    return { backAt };
  },
};
