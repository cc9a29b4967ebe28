import type { Resolvers } from '../src/generated/graphql.js';

export const providerResolvers: Resolvers = {
  Query: {
    providers(_, __, ctx) {
      return ctx.data.providers.list();
    },
  },
  ProviderStatus: {
    capability: (parent) => parent.capability.toUpperCase() as Uppercase<typeof parent.capability>,
    health(parent, _, ctx) {
      return ctx.data.providers.health(parent.provider) ?? { status: 'UNKNOWN', checkedAt: new Date().toISOString() };
    },
  },
};
