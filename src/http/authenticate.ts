/**
 * Every HTTP request proves who it is before it reaches anything else, refused exactly as OpsOrch
 * Core refuses it: 401, `WWW-Authenticate: Bearer`, `text/plain` body `unauthorized`, the same for
 * a missing, wrong, expired or revoked credential, so the answer tells an attacker nothing. Only
 * liveness (`/healthz`) and provider webhooks (which carry their own signatures) are exempt.
 */
import type { ServerResponse } from 'node:http';
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
    refuseUnauthenticated(res, audit, {
      requestId: res.locals.requestId as string | undefined,
      operation: `${req.method} ${req.path}`,
      error: outcome.error,
    });
  };
}

/** The 401 for a credential that did not prove who is asking, recorded in the audit log. */
export function refuseUnauthenticated(
  res: ServerResponse,
  audit: AuditLog,
  refused: { requestId: string | undefined; operation: string; error: string },
): void {
  audit.record({
    requestId: refused.requestId,
    actor: null,
    operation: refused.operation,
    action: 'http.authenticate',
    outcome: 'denied',
    errorCode: `UNAUTHENTICATED_${refused.error.toUpperCase()}`,
  });
  res.removeHeader('X-Request-ID');
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', 'Bearer');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end('unauthorized\n');
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
