import type { CircuitStatus } from '../src/data/provider-resilience.js';
import type { Resolvers } from '../src/generated/graphql.js';
import { gatewayError } from '../src/graphql/errors.js';
import type { ProviderHealth } from '../src/providers/health.js';

export const providerResolvers: Resolvers = {
  Query: {
    providers(_, __, ctx) {
      if (!ctx.caller.principal.scopes.has('read')) {
        throw gatewayError('FORBIDDEN', 'the read scope is needed to list providers');
      }
      return ctx.data.providers.list();
    },
  },
  ProviderStatus: {
    capability: (parent) => parent.capability.toUpperCase() as Uppercase<typeof parent.capability>,
    async health(parent, _, ctx) {
      const health: Omit<ProviderHealth, 'latencyMs'> & { latencyMs?: number; circuit: CircuitStatus } =
        (await ctx.data.providers.health(parent.provider)) ?? {
          status: 'UNKNOWN',
          checkedAt: new Date().toISOString(),
          circuit: 'CLOSED',
        };
      // What a provider says about itself can quote its configuration: only admins read it.
      if (ctx.caller.principal.scopes.has('admin')) return health;
      const { message: _message, ...rest } = health;
      return rest;
    },
  },
};
