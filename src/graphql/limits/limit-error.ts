/**
 * The error a client gets past any limit: its own code, and a message naming the limit, its
 * variable and by how much the request went over it, so a caller knows what to change.
 */
import { GraphQLError } from 'graphql';
import { LIMITS, type LimitName } from '../../limits.js';

export function limitExceeded(
  name: LimitName,
  actual: number,
  max: number,
  options: { httpStatus?: number; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  const limit = LIMITS[name];
  return new GraphQLError(
    `${limit.description}: ${actual} ${limit.unit} is ${actual - max} over the limit of ${max} (${limit.variable})`,
    {
      extensions: {
        code: limit.code,
        limit: limit.variable,
        max,
        actual,
        ...options.extensions,
        ...(options.httpStatus ? { http: { status: options.httpStatus } } : {}),
      },
    },
  );
}
