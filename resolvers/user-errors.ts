/** Mutation input problems the caller can fix, reported as `userErrors` rather than thrown. */
import { GraphQLError } from 'graphql';
import { AdapterError } from '../adapters/contract/index.js';
import type { NodeKind } from '../src/data/models.js';
import type { UserError } from '../src/generated/graphql.js';
import { fromGlobalId, type GlobalId } from '../src/graphql/ids.js';

export function userError(code: UserError['code'], message: string, field?: string[]): UserError {
  return { code, message, field: field ?? null };
}

/** Decodes an ID argument of a mutation input into a user error rather than a thrown one. */
export function decodeInputId(id: string, kind: NodeKind, field: string[]): GlobalId | UserError {
  try {
    const global = fromGlobalId(id);
    if (global.kind !== kind) return userError('INVALID', `${field.at(-1)} must be a ${kind} ID`, field);
    return global;
  } catch {
    return userError('INVALID', `${field.at(-1)} is not a valid ID`, field);
  }
}

export function isUserError(value: unknown): value is UserError {
  return (
    typeof value === 'object' && value !== null && 'code' in value && 'message' in value && !(value instanceof Error)
  );
}

/**
 * Turns what a provider said about a write into a user error when the caller can fix it (unknown
 * record, invalid input, capability absent); anything else is the provider's failure and is thrown.
 */
export function mutationFailure(err: unknown, field: string[] = ['input']): UserError {
  const code = err instanceof GraphQLError ? err.extensions.code : err instanceof AdapterError ? err.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'NOT_FOUND') return userError('NOT_FOUND', message, field);
  if (code === 'BAD_USER_INPUT') return userError('INVALID', message, field);
  if (code === 'UNSUPPORTED') return userError('UNSUPPORTED', message, field);
  if (code === 'CAPABILITY_NOT_CONFIGURED') return userError('CAPABILITY_NOT_CONFIGURED', message, field);
  throw err;
}

export function requireText(value: string | null | undefined, field: string[], max = 10_000): UserError | null {
  if (value == null || value.trim() === '') return userError('BLANK', `${field.at(-1)} must not be blank`, field);
  if (value.length > max) return userError('TOO_LONG', `${field.at(-1)} must be at most ${max} characters`, field);
  return null;
}
