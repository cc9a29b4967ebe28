import { LIST_ORDERS } from '../adapters/contract/index.js';
import type { AlertNode } from '../src/data/models.js';
import type { AlertFilter, Resolvers } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { alertSilence } from './alert-silence.js';
import { checkRange, compact, toScope } from './arguments.js';
import { serviceOf } from './joins.js';
import { recordFields } from './records.js';

export function alertQuery(filter: AlertFilter | null | undefined) {
  return {
    ...compact(filter),
    scope: toScope(filter?.scope),
    activeWithin: checkRange(filter?.activeWithin, 'filter.activeWithin'),
  };
}

export const alertResolvers: Resolvers = {
  Query: {
    async alerts(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.alerts, (page) =>
        ctx.data.alerts.list({ ...alertQuery(filter), ...page }),
      );
    },
    alert(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Alert');
      return ctx.data.alerts.get(global.provider, global.nativeId);
    },
  },
  Mutation: { alertSilence },
  Alert: {
    ...recordFields<AlertNode>('Alert', 'alert'),
    labels: (parent) => parent.labels ?? {},
    service: (parent, _, ctx) => serviceOf(ctx, parent),
  },
};
