/** One log line per GraphQL operation: name, duration and error codes; never variables. */
import type { Logger } from '../../logger.js';
import type { ResponseStep } from './request-steps.js';

/**
 * `logger` is the gateway's, and the line is written through it with the request's ID as the
 * request's own logger would write it (the same keys in the same order), without making that
 * logger: a pino child per request was a twentieth of a list query's CPU.
 */
export function requestLog(logger: Logger): ResponseStep {
  return ({ operationName, errors, contextValue }, startedMs) => {
    if (!logger.isLevelEnabled('info')) return;
    logger.info(
      {
        requestId: contextValue.requestId,
        operation: operationName ?? null,
        durationMs: Math.round(performance.now() - startedMs),
        errors: errors?.map((e) => e.extensions?.code ?? 'UNKNOWN'),
      },
      'graphql request',
    );
  };
}
