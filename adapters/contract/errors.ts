/**
 * Errors an adapter returns or throws. The gateway turns them into GraphQL errors with a stable
 * `extensions.code`; anything else becomes PROVIDER_ERROR. Messages must never contain secrets.
 */

export type AdapterErrorCode =
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'TIMEOUT'
  | 'UNSUPPORTED'
  /** A listing still had more pages past the provider's `maxPages`. */
  | 'TOO_MANY_PAGES'
  | 'PROVIDER_ERROR';

export class AdapterError extends Error {
  readonly code: AdapterErrorCode;
  /** Seconds the caller should wait before retrying, when the provider said so. */
  readonly retryAfter?: number;

  constructor(code: AdapterErrorCode, message: string, options?: { retryAfter?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdapterError';
    this.code = code;
    this.retryAfter = options?.retryAfter;
  }
}

export function notFound(kind: string, id: string): AdapterError {
  return new AdapterError('NOT_FOUND', `${kind} ${JSON.stringify(id)} not found`);
}

export function badInput(message: string): AdapterError {
  return new AdapterError('BAD_USER_INPUT', message);
}

export function unsupported(operation: string): AdapterError {
  return new AdapterError('UNSUPPORTED', `this provider does not support ${operation}`);
}
