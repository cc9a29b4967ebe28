/**
 * Refuses an HTTP GraphQL document over the size or token limit before Apollo Server parses it;
 * documents already in the shared cache were admitted before and pass straight through.
 */
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { DocumentCache } from '../graphql/document-cache.js';
import { sendJson } from './json-errors.js';

export function documentAdmission(documents: DocumentCache): RequestHandler {
  return (req, res, next) => {
    const query: unknown =
      req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    if (!refuseDocument(res, documents, query)) next();
  };
}

/** Answers a document over a limit with its JSON error; false when the document may go on to Apollo. */
export function refuseDocument(res: ServerResponse, documents: DocumentCache, query: unknown): boolean {
  if (typeof query !== 'string' || documents.has(query)) return false;
  const refused = documents.admit(query);
  if (!refused) return false;
  const { http, ...extensions } = refused.extensions as { http?: { status?: number } };
  sendJson(res, http?.status ?? 400, { errors: [{ message: refused.message, extensions }] });
  return true;
}
