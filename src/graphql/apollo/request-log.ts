/** One log line per GraphQL operation: name, duration and error codes; never variables. */
import type { Logger } from '../../logger.js';
import type { ResponseStep } from './request-steps.js';

/**
 * `logger` is the gateway's, and the line is written through it with the request's ID as the
 * request's own logger would write it (the same keys in the same order), without making that
 * logger: a pino child per request was a twentieth of a list query's CPU.
 *
 * The line is written by one child made here without the gateway's redaction paths. Its keys are
 * fixed and none of them is a path pino redacts, and its values are strings, a number and a list of
 * strings, with no object a path could reach into: redaction never changed the line, but pino ran
 * its wildcard paths (`*.config`, `*.token`, ...) over every key of it, two thirds of the line's cost
 * (about 35k instructions a list). The values still pass the gateway's secret masking, the stream
 * hook every line of the logger and its children is written through.
 */
export function requestLog(logger: Logger): ResponseStep {
  const line = logger.child({}, { redact: [] });
  return ({ operationName, errors, contextValue }, startedMs) => {
    if (!line.isLevelEnabled('info')) return;
    line.info(
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
