/**
 * Provider error bodies are summarized, never echoed: they can be large, HTML, or quote back what
 * we sent (including credentials). The summary keeps the provider's own error text, cut short,
 * with every known secret and anything shaped like a credential masked.
 */

import { maskSecrets, secretPatterns } from './secret-forms.js';

const MAX_SUMMARY = 300;
const MASK = '[redacted]';

/** Credentials that show up in text even when we never configured them as secrets; group 1 is kept. */
const CREDENTIAL_PATTERNS: RegExp[] = [
  /\b(authorization["']?\s*[:=]\s*["']?)[^"'\n,;}]+/gi,
  /\b(Token\s+token=)[^\s"',;]+/gi,
  /\b((?:Basic|Bearer)\s+)[A-Za-z0-9+/=._~-]{6,}/gi,
  /\b((?:api[_-]?key|api[_-]?token|access[_-]?token|token|secret|password)["']?\s*[:=]\s*["']?)[^\s"',;&}]+/gi,
];

/** Masks every secret (and its common encodings) and credential-shaped text in a string. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = maskSecrets(text, secretPatterns(secrets));
  for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, `$1${MASK}`);
  return out;
}

/**
 * The human-readable part of an error body, in the shapes real providers use: PagerDuty
 * `{error:{message,errors[]}}`, Jira `{errorMessages[],errors{field:msg}}`, Prometheus
 * `{error,errorType}`, Alertmanager `{message}` or a bare string; anything else is cut to its start.
 */
export function summarizeErrorBody(body: string, contentType: string | null, secrets: readonly string[]): string {
  const text = contentType?.includes('json') ? fromJson(body) : fromText(body, contentType);
  const short = text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
  return redact(short, secrets);
}

function fromText(body: string, contentType: string | null): string {
  // An HTML error page says nothing useful past its title, and may reflect the request.
  if (contentType?.includes('html') || /^\s*</.test(body)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
    return title ? `HTML page "${title}"` : 'HTML error page';
  }
  return body.replace(/\s+/g, ' ').trim();
}

function fromJson(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fromText(body, null);
  }
  const parts = messagesOf(parsed);
  return parts.length ? [...new Set(parts)].join('; ') : 'no error message in the response';
}

function messagesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  const record = value as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ['message', 'error', 'errorMessage', 'errorMessages', 'errors', 'detail', 'title', 'reason']) {
    const v = record[key];
    if (v === undefined || v === null) continue;
    if (key === 'errors' && typeof v === 'object' && !Array.isArray(v)) {
      for (const [field, msg] of Object.entries(v as Record<string, unknown>)) {
        if (typeof msg === 'string') out.push(`${field}: ${msg}`);
      }
      continue;
    }
    out.push(...messagesOf(v));
  }
  return out;
}
