/** One log line per GraphQL operation: name, duration and error codes; never variables. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '../../logger.js';
import type { GatewayContext } from '../context.js';

/** `logger` is the gateway's: below info level requests get no hooks and no per-request logger at all. */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!logger.isLevelEnabled('info')) return;
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
