/** One log line per GraphQL operation: name, duration and error codes; never variables. */
import type { Logger } from '../../logger.js';
import type { ResponseStep } from './request-steps.js';

/** `logger` is the gateway's: below info level a request makes no per-request logger at all. */
export function requestLog(logger: Logger): ResponseStep {
  return ({ operationName, errors, contextValue }, startedMs) => {
    if (!logger.isLevelEnabled('info')) return;
    contextValue.logger.info(
      {
        operation: operationName ?? null,
        durationMs: Math.round(performance.now() - startedMs),
        errors: errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
      },
      'graphql request',
    );
  };
}
