import type { Resolvers } from '../src/generated/graphql.js';

export const providerResolvers: Resolvers = {
  Query: {
    providers(_, __, ctx) {
      return ctx.registry.instances.flatMap((instance) =>
        instance.capabilities.map((capability) => ({ capability, provider: instance.name, kind: instance.kind })),
      );
    },
  },
  ProviderStatus: {
    capability: (parent) => parent.capability.toUpperCase() as Uppercase<typeof parent.capability>,
    health(parent, _, ctx) {
      const instance = ctx.registry.instances.find((i) => i.name === parent.provider);
      if (!instance) return { status: 'UNKNOWN', checkedAt: new Date().toISOString() };
      return ctx.loaders.health(instance);
    },
  },
};
