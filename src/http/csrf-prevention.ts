/**
 * Apollo Server's CSRF prevention, made at the edge instead of inside Apollo. A browser sends a
 * cross-site request without a CORS preflight only with a simple content type (or none); such a
 * request is refused unless it carries a header only a script that passed a preflight can set.
 * POST /graphql never reaches Apollo without `application/json` (both paths refuse anything else
 * with a 415 first), so for a POST the check could only pass, yet Apollo made it on every request:
 * a MIME parse of the content type, about 7.7k instructions. Apollo's is off (server.ts); this one
 * runs on the requests Express hands Apollo, where the rule and its answer are Apollo's.
 */
import type { RequestHandler } from 'express';
import { sendJsonError } from './json-errors.js';

/** The content types a cross-site form or `fetch` may send without a preflight. */
const SIMPLE_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** Headers a browser sends cross-site only after a preflight (Apollo's recommended pair). */
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const;

const REFUSAL =
  'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either ' +
  "specify a 'content-type' header (with a type that is not one of " +
  `${[...SIMPLE_TYPES].join(', ')}) or provide a non-empty value for one of the following headers: ` +
  `${PREFLIGHT_HEADERS.join(', ')}\n`;

export const refuseCrossSiteRequests: RequestHandler = (req, res, next) => {
  const type = req.headers['content-type'];
  const simple = type === undefined || SIMPLE_TYPES.has(essenceOf(type));
  if (simple && !PREFLIGHT_HEADERS.some((name) => (req.headers[name]?.length ?? 0) > 0)) {
    sendJsonError(res, 400, 'BAD_REQUEST', REFUSAL);
    return;
  }
  next();
};

/** A media type without its parameters, as the MIME sniffing standard compares them. */
function essenceOf(contentType: string): string {
  const end = contentType.indexOf(';');
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}
