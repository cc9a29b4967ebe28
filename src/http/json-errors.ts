/**
 * Whatever goes wrong at the edge, the client gets a GraphQL-over-HTTP shaped JSON error with a
 * stable code: never Express's HTML page, a stack trace or a file path, whatever `NODE_ENV` says.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.js';

export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** Express's `res.status(s).json(body)` for a bare Node response too (the POST /graphql path has no Express). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** body-parser's error types, by what the client did wrong. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Only UTF-8 bodies are accepted' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported content encoding' },
  'request.aborted': { status: 400, code: 'BAD_REQUEST', message: 'The request was aborted' },
  'request.size.invalid': { status: 400, code: 'BAD_REQUEST', message: 'The request body length is wrong' },
  'stream.encoding.set': { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Too many parameters' },
};

/**
 * POST /graphql must say it sends JSON and send a JSON object; Apollo would answer anything else
 * with a plain-text 400.
 */
export function requireJsonPost(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && !req.is('application/json')) {
    refuseNotJson(res);
    return;
  }
  next();
}

/** After the JSON parser: the body must be one GraphQL request object. */
export function requireRequestObject(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'POST' && refuseNotRequestObject(res, req.body)) return;
  next();
}

/** The 415 for a POST /graphql that does not say it sends JSON. */
export function refuseNotJson(res: ServerResponse): void {
  sendJsonError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'POST /graphql needs Content-Type: application/json');
}

/** Answers a parsed body that is not one GraphQL request object with a 400; false when it is one. */
export function refuseNotRequestObject(res: ServerResponse, body: unknown): boolean {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return false;
  sendJsonError(res, 400, 'BAD_REQUEST', 'The request body must be a JSON object with a "query"');
  return true;
}

export const notFound: RequestHandler = (_req, res) => {
  sendJsonError(res, 404, 'NOT_FOUND', 'No such route');
};

export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => sendEdgeError(res, err, logger);
}

/** What went wrong at the edge, answered as JSON: a client's mistake by its code, anything else as a logged 500. */
export function sendEdgeError(res: ServerResponse, err: unknown, logger: Logger): void {
  const type = typeof err === 'object' && err !== null ? (err as { type?: unknown }).type : undefined;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (known) {
    sendJsonError(res, known.status, known.code, known.message);
    return;
  }
  const status = typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    sendJsonError(res, status, 'BAD_REQUEST', 'The request is malformed');
    return;
  }
  logger.error({ err }, 'unhandled error at the HTTP edge');
  sendJsonError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
}
