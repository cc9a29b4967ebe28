/**
 * What a failed write tells its caller: a provider failure keeps a code of its own, the provider
 * and the capability (and `retryAfter` when the provider said when to come back), instead of an
 * internal error. A write is never retried here or anywhere below: a write that failed may still
 * have happened at the provider.
 */
import { GraphQLError } from 'graphql';
import { AdapterError } from '../../adapters/contract/index.js';
import { providerError } from '../graphql/errors.js';
import type { CallMiddleware } from './calls.js';

const WRITE_CODES: Partial<Record<AdapterError['code'], string>> = {
  RATE_LIMITED: 'PROVIDER_RATE_LIMITED',
  TIMEOUT: 'PROVIDER_TIMEOUT',
  PROVIDER_ERROR: 'PROVIDER_ERROR',
};

export function writeErrors(): CallMiddleware {
  return async (call, next) => {
    if (!call.write) return next(call);
    try {
      return await next(call);
    } catch (err) {
      if (err instanceof GraphQLError) throw err;
      const where = { provider: call.provider, capability: call.capability };
      const code = err instanceof AdapterError ? WRITE_CODES[err.code] : 'PROVIDER_ERROR';
      // What the caller can fix (not found, bad input, unsupported) keeps its code for userErrors.
      if (!code) throw providerError(err, call.provider, call.capability);
      const message =
        err instanceof AdapterError
          ? err.message
          : `${call.provider} failed to ${call.operation} for ${call.capability} (${err instanceof Error ? err.name : typeof err})`;
      throw new GraphQLError(message, {
        extensions: {
          code,
          ...where,
          ...(err instanceof AdapterError && err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}),
        },
      });
    }
  };
}
