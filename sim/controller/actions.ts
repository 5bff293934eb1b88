// What a scenario's `controller:` step can do to the far end while the phone runs: take a service down
// or bring it back, swap the firmware it serves. Each action is checked, so a typo fails the step.
import type { Controller } from './controller.ts';

export function applyControllerAction(controller: Controller, action: Record<string, unknown>): void {
  for (const [what, value] of Object.entries(action)) {
    const v = (value ?? {}) as Record<string, unknown>;
    switch (what) {
      case 'tftp':
        if (typeof v.down !== 'boolean') throw new Error('controller tftp action takes { down: true|false }');
        controller.tftp.down = v.down;
        break;
      case 'dhcp':
        if (typeof v.down !== 'boolean') throw new Error('controller dhcp action takes { down: true|false }');
        controller.setDhcpDown(v.down);
        break;
      default:
        throw new Error(`unknown controller action "${what}"`);
    }
  }
}
