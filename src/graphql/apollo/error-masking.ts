/**
 * Errors reach clients with a stable `extensions.code` and never a stack trace. An error the
 * gateway did not anticipate is logged in full and shown only as an internal error.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import { type ExecutionResult, type FormattedExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { LIMITS } from '../../limits.js';
import type { Logger } from '../../logger.js';
import { redactSecrets } from '../../redaction.js';

const KNOWN_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CAPABILITY_NOT_CONFIGURED',
  'PROVIDER_ERROR',
  'PROVIDER_RATE_LIMITED',
  'PROVIDER_TIMEOUT',
  'PROVIDER_UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'TIMEOUT',
  'UNSUPPORTED',
  'TOO_MANY_PAGES',
  'CANCELLED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // Every limit's own code.
  ...Object.values(LIMITS)
    .map((limit) => limit.code)
    .filter((code) => /^[A-Z_]+$/.test(code)),
]);

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

export function createErrorFormatter(logger: Logger): ErrorFormatter {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    if (typeof code === 'string' && KNOWN_CODES.has(code)) return withoutSecrets({ ...formatted, extensions });
    // Apollo's own refusals of a malformed request (a persisted-query hash that does not match its
    // query...) carry a 4xx status: the client's mistake, not an internal error to log with a stack.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const clientCode = typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : 'BAD_REQUEST';
      return withoutSecrets({ message: formatted.message, extensions: { code: clientCode } });
    }
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** A message or extension a provider wrote may quote a credential, in any encoding. */
function withoutSecrets(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return JSON.parse(redactSecrets(JSON.stringify(formatted))) as GraphQLFormattedError;
}

/**
 * Apollo formats every error it sends; graphql-ws and graphql-sse do not. They call these with each
 * error and result instead, so a client sees an error the same way whichever transport it uses.
 */
export function formatGraphQLError(format: ErrorFormatter, error: GraphQLError): GraphQLFormattedError {
  // Anything else already went through a formatter (or is a library's plain refusal): format it as is.
  return error instanceof GraphQLError ? format(error.toJSON(), error) : format(error, error);
}

export function formatResult(format: ErrorFormatter, result: ExecutionResult): FormattedExecutionResult {
  const { errors, ...rest } = result;
  return errors?.length ? { ...rest, errors: errors.map((e) => formatGraphQLError(format, e)) } : rest;
}
