/**
 * The seeded mock provider: a deterministic demo world (services, teams, incidents, alerts,
 * tickets, deployments, runbooks, logs and metrics) served in-process through every capability.
 */
import type { Adapter, AdapterFactory, CapabilityMap } from '../contract/index.js';
import { alertCapability } from './capabilities/alert.js';
import { serviceCapability, teamCapability } from './capabilities/catalog.js';
import { deploymentCapability } from './capabilities/deployment.js';
import { incidentCapability } from './capabilities/incident.js';
import { messagingCapability } from './capabilities/messaging.js';
import { orchestrationCapability } from './capabilities/orchestration.js';
import { secretCapability } from './capabilities/secret.js';
import { logCapability, metricCapability } from './capabilities/telemetry.js';
import { ticketCapability } from './capabilities/ticket.js';
import { parseConfig } from './config.js';
import { EventBus } from './events.js';
import { createDelay, withDelay } from './latency.js';
import { startLive } from './live.js';
import type { OpsContext } from './ops/context.js';
import { buildWorld } from './world/index.js';
import { createClock } from './world/time.js';

export type { MockConfig } from './config.js';

export const createMockAdapter: AdapterFactory = (config, env): Adapter => {
  const options = parseConfig(config);
  const world = buildWorld({
    seed: options.seed,
    anchor: options.now,
    secrets: options.secrets,
    clock: options.followsWallClock ? createClock(options.now, Date.now, options.now) : undefined,
  });
  const bus = new EventBus();
  const ctx: OpsContext = { world, bus };

  const capabilities: CapabilityMap = {
    incident: incidentCapability(ctx),
    alert: alertCapability(ctx),
    log: logCapability(ctx),
    metric: metricCapability(ctx),
    ticket: ticketCapability(ctx),
    messaging: messagingCapability(ctx),
    service: serviceCapability(ctx),
    deployment: deploymentCapability(ctx),
    team: teamCapability(ctx),
    orchestration: orchestrationCapability(ctx),
    secret: secretCapability(ctx),
  };
  if (options.latencyMs > 0) {
    const delay = createDelay(options.latencyMs, options.seed);
    for (const name of Object.keys(capabilities) as (keyof CapabilityMap)[]) {
      Object.assign(capabilities, { [name]: withDelay(capabilities[name], delay) });
    }
  }

  let stopLive = options.live ? startLive(ctx, options.liveIntervalMs, env.logger) : undefined;
  env.logger.debug(
    { seed: options.seed, now: new Date(options.now).toISOString(), live: options.live },
    'mock world built',
  );

  return {
    kind: 'mock',
    capabilities,
    checkHealth: async () => ({ status: 'HEALTHY', message: null }),
    onEvent: (listener) => bus.on(listener),
    close: async () => {
      stopLive?.();
      stopLive = undefined;
      bus.clear();
    },
  };
};
