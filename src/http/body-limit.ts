/**
 * The `/graphql` body parser with the body size limit: a larger body is refused with a JSON 413
 * (naming the limit) before it is read, instead of Express's HTML error page.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { LIMITS } from '../limits.js';

export function bodyLimit(maxBytes: number): [RequestHandler, ErrorRequestHandler] {
  const tooLarge: ErrorRequestHandler = (err: { type?: string; length?: number }, _req, res, next) => {
    if (err?.type !== 'entity.too.large') {
      next(err);
      return;
    }
    const { variable, code } = LIMITS.maxBodyBytes;
    const actual = typeof err.length === 'number' ? err.length : undefined;
    const by = actual === undefined ? '' : ` ${actual} bytes is ${actual - maxBytes} over`;
    res.status(413).json({
      errors: [
        {
          message: `HTTP request body:${by || ' over'} the limit of ${maxBytes} bytes (${variable})`,
          extensions: { code, limit: variable, max: maxBytes, ...(actual === undefined ? {} : { actual }) },
        },
      ],
    });
  };
  return [express.json({ limit: maxBytes }), tooLarge];
}
