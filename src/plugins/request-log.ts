/** One log line per GraphQL operation: name, duration and error codes; never variables. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';

export function requestLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, errors }) {
          contextValue.logger.info(
            {
              operation: operationName ?? null,
              durationMs: Math.round(performance.now() - started),
              errors: errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
