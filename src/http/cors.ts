/**
 * CORS as OpsOrch Core answers it: three headers on every response, set before anything else (so a
 * 401 carries them too), the configured origin echoed as is, and every OPTIONS request answered
 * 200 with an empty body before authentication. Without authentication configured and without
 * `OPSORCH_CORS_ORIGIN`, no CORS headers are sent at all: a loopback gateway that trusts everyone
 * must not let a web page in another tab call it.
 */
import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

export function corsHeaders(origin: string | undefined): RequestHandler {
  return (req, res, next) => {
    setCorsHeaders(res, origin);
    if (req.method === 'OPTIONS') {
      res.status(200).setHeader('Content-Length', '0');
      res.end();
      return;
    }
    next();
  };
}

export function setCorsHeaders(res: ServerResponse, origin: string | undefined): void {
  if (origin === undefined) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  res.setHeader('Access-Control-Allow-Methods', 'GET,POST,PATCH,OPTIONS');
}
