/**
 * Refuses an HTTP GraphQL document over the size or token limit before Apollo Server parses it;
 * documents already in the shared cache were admitted before and pass straight through.
 */
import type { RequestHandler } from 'express';
import type { DocumentCache } from '../graphql/document-cache.js';

export function documentAdmission(documents: DocumentCache): RequestHandler {
  return (req, res, next) => {
    const query: unknown =
      req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || documents.has(query)) {
      next();
      return;
    }
    const refused = documents.admit(query);
    if (!refused) {
      next();
      return;
    }
    const { http, ...extensions } = refused.extensions as { http?: { status?: number } };
    res.status(http?.status ?? 400).json({ errors: [{ message: refused.message, extensions }] });
  };
}
