/** Every capability's resolvers, merged into the one map the schema is built with. */
import type { Resolvers } from '../src/generated/graphql.js';
import { alertResolvers } from './alerts.js';
import { connectionResolvers } from './connections.js';
import { deploymentResolvers } from './deployments.js';
import { incidentSubscriptionResolvers } from './incident-subscriptions.js';
import { incidentResolvers } from './incidents.js';
import { logResolvers } from './logs.js';
import { messagingResolvers } from './messaging.js';
import { metricResolvers } from './metrics.js';
import { nodeResolvers } from './node.js';
import { orchestrationResolvers } from './orchestration.js';
import { providerResolvers } from './providers.js';
import { scalarResolvers } from './scalars.js';
import { serviceResolvers } from './services.js';
import { teamResolvers } from './teams.js';
import { ticketResolvers } from './tickets.js';

const modules: Resolvers[] = [
  nodeResolvers,
  connectionResolvers,
  incidentResolvers,
  incidentSubscriptionResolvers,
  alertResolvers,
  logResolvers,
  metricResolvers,
  ticketResolvers,
  serviceResolvers,
  teamResolvers,
  deploymentResolvers,
  messagingResolvers,
  orchestrationResolvers,
  providerResolvers,
];

function merge(parts: Resolvers[]): Resolvers {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      merged[type] = { ...merged[type], ...(fields as Record<string, unknown>) };
    }
  }
  return merged as Resolvers;
}

export const resolvers: Resolvers = { ...merge(modules), ...scalarResolvers };
