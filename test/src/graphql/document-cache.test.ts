/** The shared document cache: what it admits, what it keeps, and its bound. */
import { specifiedRules } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../../src/graphql/document-cache.js';
import { buildSchema } from '../../../src/graphql/schema.js';

const schema = buildSchema();
const query = (n: number) => `query Q${n} { incidents(first: ${n}) { totalCount } }`;
/** The estimate the cache counts per document (64 heap bytes per source byte). */
const cost = (text: string) => text.length * 64;

describe('DocumentCache', () => {
  it('knows a text once its document is cached, whether it cached it or Apollo did', async () => {
    const documents = new DocumentCache(schema, specifiedRules, {
      maxDocumentBytes: 10_000,
      maxTokens: 1_000,
      documentCacheBytes: 1_000_000,
    });
    expect(documents.has(query(1))).toBe(false);
    expect(documents.document(query(1))).toHaveProperty('document');
    expect(documents.has(query(1))).toBe(true);
    // Apollo stores under its own key (schema hash prefix and the text's SHA-256).
    const parsed = documents.document(query(2));
    if (!('document' in parsed)) throw new Error('query 2 did not parse');
    const other = new DocumentCache(schema, specifiedRules, {
      maxDocumentBytes: 10_000,
      maxTokens: 1_000,
      documentCacheBytes: 1_000_000,
    });
    await other.apolloStore().set('apq:schema:abc123', parsed.document);
    expect(other.has(query(2))).toBe(true);
    await other.apolloStore().delete('apq:schema:abc123');
    expect(other.has(query(2))).toBe(false);
    expect(other.size).toEqual({ documents: 0, bytes: 0 });
  });

  it('stays within its byte bound past it, forgetting the least recently used texts', () => {
    const bound = cost(query(10)) * 5;
    const documents = new DocumentCache(schema, specifiedRules, {
      maxDocumentBytes: 10_000,
      maxTokens: 1_000,
      documentCacheBytes: bound,
    });
    for (let n = 10; n < 40; n++) documents.document(query(n));
    expect(documents.size.bytes).toBeLessThanOrEqual(bound);
    expect(documents.size.documents).toBe(5);
    for (let n = 10; n < 35; n++) expect(documents.has(query(n)), query(n)).toBe(false);
    for (let n = 35; n < 40; n++) expect(documents.has(query(n)), query(n)).toBe(true);
  });
});
