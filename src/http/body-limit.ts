/**
 * The `/graphql` body parser with the body size limit: a larger body is refused with a JSON 413
 * (naming the limit) before it is read, instead of Express's HTML error page.
 */
import type { ServerResponse } from 'node:http';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { LIMITS } from '../limits.js';
import { sendJson } from './json-errors.js';

export function bodyLimit(maxBytes: number): [RequestHandler, ErrorRequestHandler] {
  const tooLarge: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (!refuseTooLarge(res, err, maxBytes)) next(err);
  };
  return [express.json({ limit: maxBytes }), tooLarge];
}

/** Answers the body parser's `entity.too.large` with the limit's JSON 413; false for any other error. */
export function refuseTooLarge(res: ServerResponse, err: unknown, maxBytes: number): boolean {
  const { type, length } = (err ?? {}) as { type?: string; length?: number };
  if (type !== 'entity.too.large') return false;
  const { variable, code } = LIMITS.maxBodyBytes;
  const actual = typeof length === 'number' ? length : undefined;
  const by = actual === undefined ? '' : ` ${actual} bytes is ${actual - maxBytes} over`;
  sendJson(res, 413, {
    errors: [
      {
        message: `HTTP request body:${by || ' over'} the limit of ${maxBytes} bytes (${variable})`,
        extensions: { code, limit: variable, max: maxBytes, ...(actual === undefined ? {} : { actual }) },
      },
    ],
  });
  return true;
}
