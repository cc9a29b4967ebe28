/** Reads of a linked record that may be gone. */
import { GraphQLError } from 'graphql';

/** Null when the record is gone (`NOT_FOUND`), so a dangling link does not fail what links to it. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof GraphQLError && err.extensions.code === 'NOT_FOUND') return null;
    throw err;
  }
}
