import { LIST_ORDERS } from '../adapters/contract/index.js';
import type { TeamNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { compact } from './arguments.js';
import { incidentStatsOf } from './incident-stats.js';
import { recordFields } from './records.js';

export const teamResolvers: Resolvers = {
  Query: {
    async teams(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.teams, (page) =>
        ctx.data.teams.list({ ...compact(filter), ...page }),
      );
    },
    team(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Team');
      return ctx.data.teams.get(global.provider, global.nativeId);
    },
  },
  Team: {
    ...recordFields<TeamNode>('Team', 'team'),
    members: (parent, _, ctx) => ctx.data.teams.membersOf(parent),
    onCall: async (parent, _, ctx) => (await ctx.data.teams.membersOf(parent)).filter((m) => m.onCallRole),
    nextOnCall: (parent, _, ctx) => ctx.data.teams.nextOnCallOf(parent),
    async services(parent, { first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.services, (page) =>
        ctx.data.services.list({
          scope: { team: parent.name, teamId: parent.id },
          ...page,
        }),
      );
    },
    incidentStats: (parent, { range }, ctx) => incidentStatsOf(ctx, { team: parent.name, teamId: parent.id }, range),
  },
  TeamMember: {
    onCall: (parent) => Boolean(parent.onCallRole),
    source: (parent) => ({
      provider: parent.provider,
      capability: 'TEAM',
      nativeId: parent.id ?? parent.handle ?? parent.email ?? parent.name,
    }),
  },
};
