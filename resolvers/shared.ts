/** Helpers every capability module shares: sources, IDs, scopes, time ranges and user errors. */
import { GraphQLError } from 'graphql';
import { AdapterError, type Capability, type Scope, type TimeRange } from '../adapters/contract/index.js';
import type { NodeKind } from '../src/data/models.js';
import type { UserError } from '../src/generated/graphql.js';
import { badUserInput } from '../src/graphql/errors.js';
import { fromGlobalId, type GlobalId, toGlobalId } from '../src/graphql/ids.js';

type Stamped = { provider: string; id: string };
type Nullable<T> = { [K in keyof T]?: T[K] | null };

/** `id` and `source` for a record type. */
export function recordFields<P extends Stamped>(kind: NodeKind, capability: Capability) {
  return {
    id: (parent: P) => toGlobalId(kind, parent.provider, parent.id),
    source: (parent: P) => ({
      provider: parent.provider,
      capability: capability.toUpperCase() as Uppercase<Capability>,
      nativeId: parent.id,
    }),
  } as const;
}

/** Drops GraphQL nulls so adapters see absent keys, never null filters. */
export function compact<T extends object>(input: Nullable<T> | null | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!input) return out;
  for (const [k, v] of Object.entries(input)) {
    if (v !== null && v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

export function toScope(scope: Nullable<Scope> | null | undefined): Scope | undefined {
  const out = compact(scope);
  return Object.keys(out).length ? out : undefined;
}

export function checkRange(range: TimeRange | null | undefined, argument: string): TimeRange | undefined {
  if (!range) return undefined;
  if (Date.parse(range.start) > Date.parse(range.end)) {
    throw badUserInput(`${argument}: start (${range.start}) is after end (${range.end})`, argument);
  }
  return range;
}

const HOUR = 3_600_000;

/** A window that defaults to the last hour, checked for order. */
export function windowOf(
  start: string | null | undefined,
  end: string | null | undefined,
  argument: string,
): TimeRange {
  const endMs = end ? Date.parse(end) : Date.now();
  const startMs = start ? Date.parse(start) : endMs - HOUR;
  return checkRange(
    { start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString() },
    argument,
  ) as TimeRange;
}

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

/** Resolves to null when a record is gone, so a dangling link does not fail its parent. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions.code === 'NOT_FOUND') return null;
    throw err;
  }
}
