import type { TeamNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';
import { pageRequest, toConnection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { compact, recordFields } from './shared.js';

export const teamResolvers: Resolvers = {
  Query: {
    async teams(_, { filter, first, after }, ctx) {
      const provider = ctx.registry.listOwner('team');
      const page = await ctx.loaders.teams({ ...compact(filter), ...pageRequest({ first, after }, provider) });
      return toConnection(page, { after });
    },
    team(_, { id }, ctx) {
      const global = expectGlobalId(id, 'Team');
      return ctx.loaders.team(global.provider, global.nativeId);
    },
  },
  Team: {
    ...recordFields<TeamNode>('Team', 'team'),
    members: (parent, _, ctx) => ctx.loaders.members(parent.provider, parent.id),
    onCall: async (parent, _, ctx) =>
      (await ctx.loaders.members(parent.provider, parent.id)).filter((m) => m.onCallRole),
    async services(parent, { first, after }, ctx) {
      const provider = ctx.registry.listOwner('service');
      const page = await ctx.loaders.services({
        scope: { team: parent.name },
        ...pageRequest({ first, after }, provider),
      });
      return toConnection(page, { after });
    },
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
