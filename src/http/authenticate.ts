/**
 * Every HTTP request proves who it is before it reaches anything else, refused exactly as OpsOrch
 * Core refuses it: 401, `WWW-Authenticate: Bearer`, `text/plain` body `unauthorized`, the same for
 * a missing, wrong, expired or revoked credential, so the answer tells an attacker nothing. Only
 * liveness (`/healthz`) and provider webhooks (which carry their own signatures) are exempt.
 */
import type { Request, RequestHandler } from 'express';
import type { AuditLog } from '../auth/audit.js';
import type { Authenticator } from '../auth/authenticator.js';

const EXEMPT = [/^\/healthz$/, /^\/webhooks\//];

export function authenticateRequests(authenticator: Authenticator, audit: AuditLog): RequestHandler {
  return async (req, res, next) => {
    if (EXEMPT.some((p) => p.test(req.path))) return next();
    const outcome = await authenticator.authenticate(presentedBy(req));
    if ('principal' in outcome) {
      res.locals.principal = outcome.principal;
      return next();
    }
    audit.record({
      requestId: res.locals.requestId as string | undefined,
      actor: null,
      operation: `${req.method} ${req.path}`,
      action: 'http.authenticate',
      outcome: 'denied',
      errorCode: `UNAUTHENTICATED_${outcome.error.toUpperCase()}`,
    });
    res.removeHeader('X-Request-ID');
    res.status(401);
    res.setHeader('WWW-Authenticate', 'Bearer');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end('unauthorized\n');
  };
}

export function presentedBy(req: Pick<Request, 'headers' | 'socket'>) {
  return {
    authorization: req.headers.authorization,
    remoteAddress: req.socket.remoteAddress,
    header: (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
  };
}
