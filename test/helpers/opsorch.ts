/** OpsOrch Core and its mock plugins, built unmodified from upstream (../shared/opsorch/README.md). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Capability } from '../../adapters/contract/index.js';

/** `shared/opsorch/bin` beside the checkout, or beside a folder above it (a git worktree's); the bench's too. */
export function opsorchBin(): string {
  let dir = fileURLToPath(new URL('../..', import.meta.url));
  for (;;) {
    const candidate = join(dirname(dir), 'shared', 'opsorch', 'bin');
    if (existsSync(join(candidate, 'opsorch'))) return candidate;
    if (dirname(dir) === dir) throw new Error('OpsOrch binaries not found: expected ../shared/opsorch/bin');
    dir = dirname(dir);
  }
}

export const OPSORCH_BIN = opsorchBin();

/** Every capability and the OpsOrch mock plugin binary serving it. */
export const OPSORCH_PLUGINS: Record<Capability, string> = {
  incident: 'incidentplugin',
  alert: 'alertplugin',
  log: 'logplugin',
  metric: 'metricplugin',
  ticket: 'ticketplugin',
  messaging: 'messagingplugin',
  service: 'serviceplugin',
  deployment: 'deploymentplugin',
  team: 'teamplugin',
  orchestration: 'orchestrationplugin',
  secret: 'secretplugin',
};

/** Every capability on its OpsOrch mock plugin, as environment variables (`OPSORCH_<CAP>_PLUGIN`). */
export const OPSORCH_PLUGIN_ENV: Record<string, string> = Object.fromEntries(
  Object.entries(OPSORCH_PLUGINS).map(([capability, plugin]) => [
    `OPSORCH_${capability.toUpperCase()}_PLUGIN`,
    `${OPSORCH_BIN}/${plugin}`,
  ]),
);
