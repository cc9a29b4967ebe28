import { LIST_ORDERS, type Scope } from '../adapters/contract/index.js';
import type { ServiceNode } from '../src/data/models.js';
import type { Resolvers, ServiceFilter } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import type { EarlyResolver } from '../src/graphql/lookahead.js';
import { alertQuery } from './alerts.js';
import { compact, toScope, windowOf } from './arguments.js';
import { deploymentQuery } from './deployments.js';
import { incidentStatsOf } from './incident-stats.js';
import { incidentQuery } from './incidents.js';
import { teamByName } from './joins.js';
import { logsFor } from './logs.js';
import { metricsFor } from './metrics.js';
import { recordFields } from './records.js';
import { ticketQuery } from './tickets.js';

export function serviceQuery(filter: ServiceFilter | null | undefined) {
  return { ...compact(filter), scope: toScope(filter?.scope) };
}

/** Narrows a filter's scope to one service, whatever scope the caller gave. */
function inService<F extends { scope?: Scope | undefined }>(query: F, service: ServiceNode): F {
  return { ...query, scope: { ...query.scope, ...serviceScope(service) } };
}

/** A service as a scope: by name, and by ID for providers whose records name services by ID. */
function serviceScope(service: ServiceNode): Scope {
  return { service: service.name, serviceId: service.id };
}

export const serviceResolvers: Resolvers = {
  Query: {
    async services(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.services, (page) =>
        ctx.data.services.list({
          ...serviceQuery(filter),
          ...page,
        }),
      );
    },
    service(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Service');
      return ctx.data.services.get(global.provider, global.nativeId);
    },
  },
  Service: {
    ...recordFields<ServiceNode>('Service', 'service'),
    name: (parent, _, ctx) => ctx.data.services.canonicalName(parent.provider, parent.name),
    aliases: (parent) => parent.aliases ?? [],
    team: (parent, _, ctx, info) => teamByName(ctx, parent.team, info),
    async onCall(parent, _, ctx) {
      if (!parent.team) return [];
      const members = await ctx.data.teams.membersByReference(parent.team);
      return (members ?? []).filter((m) => m.onCallRole);
    },
    async incidents(parent, { filter, first, after }, ctx) {
      const query = inService(incidentQuery(filter), parent);
      return connection({ first, after }, LIST_ORDERS.incidents, (page) =>
        ctx.data.incidents.list({ ...query, ...page }),
      );
    },
    async alerts(parent, { filter, first, after }, ctx) {
      const query = inService(alertQuery(filter), parent);
      return connection({ first, after }, LIST_ORDERS.alerts, (page) => ctx.data.alerts.list({ ...query, ...page }));
    },
    async deployments(parent, { filter, first, after }, ctx) {
      const query = inService(deploymentQuery(filter), parent);
      return connection({ first, after }, LIST_ORDERS.deployments, (page) =>
        ctx.data.deployments.list({ ...query, ...page }),
      );
    },
    async tickets(parent, { filter, first, after }, ctx) {
      const query = inService(ticketQuery(filter), parent);
      return connection({ first, after }, LIST_ORDERS.tickets, (page) => ctx.data.tickets.list({ ...query, ...page }));
    },
    logs(parent, { query, levels, start, end, limit }, ctx) {
      const window = windowOf(start, end, 'start');
      return logsFor(ctx, {
        ...window,
        limit,
        scope: serviceScope(parent),
        ...(query ? { query } : {}),
        ...(levels?.length ? { levels } : {}),
      });
    },
    metrics(parent, { names, start, end, step }, ctx) {
      return metricsFor(ctx, serviceScope(parent), names, windowOf(start, end, 'start'), step);
    },
    incidentStats: (parent, { range }, ctx) => incidentStatsOf(ctx, serviceScope(parent), range),
  },
};

/**
 * A service's children that need only its record, for the look-ahead of a field that reads the
 * service (an incident's): they start the moment the service is known.
 */
const serviceFields = serviceResolvers.Service as Record<string, EarlyResolver<ServiceNode, GatewayContext>>;
export const byServiceRecord: Readonly<Partial<Record<string, EarlyResolver<ServiceNode, GatewayContext>>>> =
  Object.fromEntries(
    ['team', 'onCall', 'incidents', 'alerts', 'deployments', 'tickets', 'logs', 'metrics'].map((field) => [
      field,
      serviceFields[field],
    ]),
  );
