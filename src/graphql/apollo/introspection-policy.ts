/**
 * Introspection follows one policy: allowed when the gateway allows it (on for loopback and
 * development, off in production unless `OPSORCH_INTROSPECTION=true`), and never for a caller
 * without the `read` scope. `__typename` is not introspection and is always allowed.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import type { GatewayContext } from '../context.js';

export function introspectionPolicyPlugin(allowed: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          if (allowed && contextValue.caller.principal.scopes.has('read')) return;
          if (validate(schema, document, [NoSchemaIntrospectionCustomRule]).length === 0) return;
          throw new GraphQLError('Introspection is not allowed for this caller', {
            extensions: { code: 'FORBIDDEN', http: { status: 403 } },
          });
        },
      };
    },
  };
}
