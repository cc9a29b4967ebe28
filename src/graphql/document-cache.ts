/**
 * The one cache of parsed documents, shared by HTTP (as Apollo's `documentStore`) and WebSocket.
 * It holds only documents that passed validation, is bounded by an estimate of their heap size,
 * and evicts the least recently used. A document over the size or token limit is refused before
 * it is parsed, since parsing is where an oversized document costs memory and CPU.
 */
import { createHash } from 'node:crypto';
import {
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  Lexer,
  parse,
  Source,
  TokenKind,
  type ValidationRule,
  validate,
} from 'graphql';
import type { Limits } from '../limits.js';
import { coded } from './errors.js';
import { limitExceeded } from './limits/limit-error.js';

/**
 * A parsed document with its locations and token list takes about 56 bytes of heap per byte of
 * source (measured on the example operations); a little more is counted to stay on the safe side.
 */
const HEAP_BYTES_PER_SOURCE_BYTE = 64;

/** The heap a parsed document takes, about: whatever holds it (a cache, a compiled operation's key) holds that. */
export function documentHeapBytes(document: DocumentNode): number {
  return (document.loc?.source.body.length ?? 0) * HEAP_BYTES_PER_SOURCE_BYTE;
}

export type DocumentLimits = Pick<Limits, 'maxDocumentBytes' | 'maxTokens' | 'documentCacheBytes'>;

/** What Apollo Server needs from a `documentStore` (its KeyValueCache<DocumentNode>). */
export interface DocumentStore {
  get(key: string): Promise<DocumentNode | undefined>;
  set(key: string, value: DocumentNode): Promise<void>;
  delete(key: string): Promise<boolean>;
}

export class DocumentCache {
  private readonly entries = new Map<string, { document: DocumentNode; bytes: number }>();
  /**
   * The key of each cached document by its text, so admission of a known text costs a Map lookup
   * instead of a SHA-256 of the text (Apollo hashes it once more itself). The texts are the cached
   * documents' own sources, already held.
   */
  private readonly keysByText = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly limits: DocumentLimits,
  ) {}

  /** Heap bytes the cached documents are estimated to take; never above `documentCacheBytes`. */
  get size(): { documents: number; bytes: number } {
    return { documents: this.entries.size, bytes: this.bytes };
  }

  /** The size and token limits; undefined when the text may be parsed. */
  admit(text: string): GraphQLError | undefined {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > this.limits.maxDocumentBytes) {
      return limitExceeded('maxDocumentBytes', bytes, this.limits.maxDocumentBytes, { httpStatus: 413 });
    }
    // Lexing is linear and the text is already within its size limit, so the count is exact.
    const tokens = countTokens(text);
    if (tokens > this.limits.maxTokens) {
      return limitExceeded('maxTokens', tokens, this.limits.maxTokens, { httpStatus: 400 });
    }
    return undefined;
  }

  /** Whether a text is cached, so HTTP can skip re-checking a document already admitted. */
  has(text: string): boolean {
    return this.keysByText.has(text);
  }

  /**
   * A valid document for the text, from the cache or parsed, checked and validated now (and then
   * cached); or the errors that stop it. Syntax errors come back as errors, never thrown.
   * `beforeValidation` runs linear checks (cost) first, since validating a fragment bomb is itself
   * the expensive part.
   */
  document(
    text: string,
    beforeValidation: (document: DocumentNode) => GraphQLError | undefined = () => undefined,
  ): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const key = hashOf(text);
    const cached = this.lookup(key);
    if (cached) return { document: cached };
    const refused = this.admit(text);
    if (refused) return { errors: [refused] };
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch (err) {
      return { errors: [coded(err, 'GRAPHQL_PARSE_FAILED')] };
    }
    const stopped = beforeValidation(document);
    if (stopped) return { errors: [stopped] };
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { errors: errors.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED')) };
    this.store(key, document);
    return { document };
  }

  /**
   * The same entries for Apollo, which keys them by a schema hash prefix and the SHA-256 of the
   * text; one process serves one schema, so the hash alone is the key.
   */
  apolloStore(): DocumentStore {
    const hashIn = (key: string) => key.slice(key.lastIndexOf(':') + 1);
    return {
      get: async (key) => this.lookup(hashIn(key)),
      set: async (key, document) => this.store(hashIn(key), document),
      delete: async (key) => this.remove(hashIn(key)),
    };
  }

  private lookup(key: string): DocumentNode | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-inserted so the Map's order stays least recently used first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.document;
  }

  private store(key: string, document: DocumentNode): void {
    const bytes = documentHeapBytes(document);
    if (bytes > this.limits.documentCacheBytes) return;
    this.remove(key);
    while (this.bytes + bytes > this.limits.documentCacheBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
    this.entries.set(key, { document, bytes });
    const text = document.loc?.source.body;
    if (text !== undefined) this.keysByText.set(text, key);
    this.bytes += bytes;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    const text = entry.document.loc?.source.body;
    if (text !== undefined && this.keysByText.get(text) === key) this.keysByText.delete(text);
    this.bytes -= entry.bytes;
    return true;
  }
}

/** The same key Apollo Server uses for a query text. */
function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Tokens in the text; a lexical error ends the count (parsing reports it, with its location). */
function countTokens(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // The parser reports the syntax error with its location.
  }
  return count;
}
