import {
  type Alert,
  type AlertCapability,
  type AlertQuery,
  LIST_ORDERS,
  matchesText,
  notFound,
  oneOf,
  settleEach,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { page } from '../paging.js';
import { inScope, overlaps, parseRange } from '../scope.js';

export function alertCapability({ world }: OpsContext): AlertCapability {
  const matches = (query: AlertQuery) => {
    const active = query.activeWithin ? parseRange(query.activeWithin, 'activeWithin') : undefined;
    return (a: Alert) =>
      inScope(world, { service: a.service, environment: a.labels?.environment }, query.scope) &&
      oneOf(a.status, query.statuses) &&
      oneOf(a.severity, query.severities) &&
      matchesText(query.query, a.title, a.description, ...Object.values(a.labels ?? {})) &&
      overlaps(a.startsAt, a.endsAt, active);
  };
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const found = world.alerts.filter(matches(query));
        return page(found, query, LIST_ORDERS.alerts);
      }),
    getMany: async (ids) => {
      const byId = new Map(world.alerts.map((a) => [a.id, a]));
      return ids.map((id) => {
        const alert = byId.get(id);
        return alert ? copy(alert) : notFound('alert', id);
      });
    },
  };
}
