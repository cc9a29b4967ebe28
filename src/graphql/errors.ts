/**
 * Every error a client sees carries a stable `extensions.code`. Provider failures also name the
 * provider and capability, so a console can show which tool is down while the rest renders.
 */
import { GraphQLError } from 'graphql';
import type { Capability } from '../../adapters/contract/index.js';
import { AdapterError } from '../../adapters/contract/index.js';

export type GatewayErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CAPABILITY_NOT_CONFIGURED'
  | 'PROVIDER_ERROR'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UNSUPPORTED'
  | 'TOO_MANY_PAGES'
  /** The caller left (or the gateway is stopping) before the work was done. */
  | 'CANCELLED'
  | 'INTERNAL_SERVER_ERROR';

export function gatewayError(
  code: GatewayErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/**
 * A graphql-js error (parse, validation, variables) with the code Apollo Server gives it over HTTP,
 * for the paths that run graphql-js without Apollo (the document cache, subscriptions).
 */
export function coded(error: unknown, code: string): GraphQLError {
  if (!(error instanceof GraphQLError)) return new GraphQLError(String(error), { extensions: { code } });
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    extensions: { ...error.extensions, code },
  });
}

export function badUserInput(message: string, argument?: string): GraphQLError {
  return gatewayError('BAD_USER_INPUT', message, argument ? { argument } : {});
}

export function capabilityNotConfigured(capability: Capability): GraphQLError {
  return gatewayError(
    'CAPABILITY_NOT_CONFIGURED',
    `no provider is configured for the ${capability} capability (set OPSORCH_${capability.toUpperCase()}_PROVIDER or OPSORCH_${capability.toUpperCase()}_PLUGIN)`,
    { capability },
  );
}

/**
 * Wraps whatever an adapter threw or returned as an item error. Adapter messages are kept because
 * adapters are responsible for keeping secrets out of them; anything that is not an AdapterError is
 * an unexpected failure whose message may not be safe, so only its class reaches the client.
 */
export function providerError(err: unknown, provider: string, capability: Capability): GraphQLError {
  if (err instanceof GraphQLError) return err;
  if (err instanceof AdapterError) {
    const code: GatewayErrorCode = err.code === 'PROVIDER_ERROR' ? 'PROVIDER_ERROR' : err.code;
    return gatewayError(code, err.message, {
      provider,
      capability,
      ...(err.retryAfter === undefined ? {} : { retryAfter: err.retryAfter }),
    });
  }
  const name = err instanceof Error ? err.name : typeof err;
  return new GraphQLError(`${provider} failed to serve ${capability} (${name})`, {
    extensions: { code: 'PROVIDER_ERROR', provider, capability },
    originalError: err instanceof Error ? err : undefined,
  });
}
