/**
 * Automatic persisted queries: a client sends a query's SHA-256 instead of its text, and its text
 * only when the gateway answers `PERSISTED_QUERY_NOT_FOUND`. Apollo Server implements the protocol;
 * this is its store, one per process and bounded by the bytes of the query texts it holds. An
 * evicted query costs its client one round trip to register it again, never an error.
 */
import type { PersistedQueryOptions } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

export function persistedQueries(maxBytes: number): PersistedQueryOptions {
  return {
    cache: new InMemoryLRUCache<string>({
      maxSize: maxBytes,
      // Keys are hashes of fixed length; the query text is what grows.
      sizeCalculation: (query: string, key: string) => Buffer.byteLength(query) + key.length,
    }),
  };
}
