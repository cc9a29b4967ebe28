/**
 * The HTTP client every real-provider adapter shares: one keep-alive connection pool per adapter,
 * a time-out per attempt, reads retried after a 429 (after the wait the provider asked for, within
 * bounds, else with jittered exponential back-off), writes never retried, and
 * failures turned into AdapterErrors whose messages are safe to show a client.
 */
import { DelegateBackoff, handleWhen, type IRetryBackoffContext, retry } from 'cockatiel';
import { Agent, fetch, ProxyAgent, type Response } from 'undici';
import { AdapterError, type AdapterErrorCode } from '../contract/index.js';
import { retryDelayMs } from './rate-limit.js';
import { redact, summarizeErrorBody } from './redact.js';

export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface HttpClientOptions {
  /** Provider root, e.g. `https://api.pagerduty.com`; request paths are appended to it. */
  baseUrl: string;
  /** Provider name used in error messages, e.g. `PagerDuty`. */
  provider: string;
  /** Sent with every request (auth, Accept). Credential headers' values never appear in an error. */
  headers?: Record<string, string>;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** PEM bundle trusted in addition to nothing else, for providers behind a private CA. */
  ca?: string;
  /** Retries of a read (GET, HEAD, or `read: true`) after a 429; default 2. Writes get none. */
  retries?: number;
  /** A 429 asking for a longer wait than this fails at once with RATE_LIMITED; default 5 s. */
  maxRetryWaitMs?: number;
  /** More values never to show in an error (passwords, tokens not sent as headers). */
  secrets?: string[];
  /** Egress HTTP proxy (`http://proxy:3128`): requests go through it, HTTPS ones as a CONNECT tunnel. */
  proxy?: string;
}

export interface RequestOptions {
  /** Arrays repeat the key, so name it as the provider expects (`statuses[]`, `match[]`). */
  query?: Record<string, QueryValue>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** A POST that only reads (a search): retried after a 429 like a GET. */
  read?: boolean;
}

export interface HttpClient {
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** Parsed JSON for JSON responses, text otherwise, undefined when the body is empty. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  close(): Promise<void>;
}

const STATUS_CODES: Record<number, AdapterErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'BAD_USER_INPUT',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

const SENSITIVE_HEADER = /auth|token|key|secret|cookie|session/i;

/** Without a reset header, 429s back off exponentially from this. */
const DEFAULT_BACKOFF_MS = 500;

/** Methods that are safe to repeat. */
const READS = new Set(['GET', 'HEAD']);

/** Carries the wait a 429 asked for from the failed attempt to the retry policy's backoff. */
class RateLimitedError extends AdapterError {
  constructor(
    message: string,
    readonly waitMs: number | undefined,
  ) {
    super('RATE_LIMITED', message, waitMs === undefined ? undefined : { retryAfter: Math.ceil(waitMs / 1000) });
  }
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl);
  if (base.username || base.password) {
    throw new Error('the URL must not contain credentials; configure them as separate keys');
  }
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxWait = options.maxRetryWaitMs ?? 5_000;
  const secrets = [
    ...Object.entries(options.headers ?? {})
      .filter(([name]) => SENSITIVE_HEADER.test(name))
      .map(([, value]) => value),
    ...(options.secrets ?? []),
  ].flatMap(secretForms);
  const pool = { keepAliveTimeout: 30_000, connections: 16 };
  const agent = options.proxy
    ? new ProxyAgent({ uri: options.proxy, ...pool, ...(options.ca ? { requestTls: { ca: options.ca } } : {}) })
    : new Agent({ ...pool, ...(options.ca ? { connect: { ca: options.ca } } : {}) });

  // Only reads are retried: a write that failed may still have happened at the provider.
  const readPolicy = retry(
    handleWhen((err) => err instanceof RateLimitedError && (err.waitMs ?? 0) <= maxWait),
    {
      maxAttempts: options.retries ?? 2,
      backoff: new DelegateBackoff<IRetryBackoffContext<unknown>>(({ attempt, result }) => {
        const asked = 'error' in result && result.error instanceof RateLimitedError ? result.error.waitMs : undefined;
        // Full jitter, so clients that failed together do not come back together.
        return asked ?? Math.random() * DEFAULT_BACKOFF_MS * 2 ** (attempt - 1);
      }),
    },
  );

  function urlFor(path: string, query: RequestOptions['query']): URL {
    const url = new URL(base.origin);
    url.pathname = `${basePath}${path.startsWith('/') ? path : `/${path}`}`;
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    return url;
  }

  async function attempt(method: string, path: string, opts: RequestOptions): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    const where = `${method} ${path.split('?')[0]}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(urlFor(path, opts.query), {
        method,
        dispatcher: agent,
        signal,
        headers: {
          ...options.headers,
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      text = await response.text();
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      if (timeout.aborted) {
        throw new AdapterError('TIMEOUT', `${options.provider} did not answer ${where} within ${timeoutMs} ms`);
      }
      throw new AdapterError('PROVIDER_ERROR', `${options.provider} cannot be reached (${networkReason(err)})`);
    }
    if (response.ok) return parseBody(text, response.headers.get('content-type'));

    const summary = summarizeErrorBody(text, response.headers.get('content-type'), secrets);
    const message = redact(`${options.provider} answered ${response.status} to ${where}: ${summary}`, secrets);
    if (response.status === 429) throw new RateLimitedError(message, retryDelayMs(response.headers));
    throw new AdapterError(STATUS_CODES[response.status] ?? 'PROVIDER_ERROR', message);
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    try {
      if (!READS.has(method) && !opts.read) return (await attempt(method, path, opts)) as T;
      return (await readPolicy.execute(() => attempt(method, path, opts), opts.signal)) as T;
    } catch (err) {
      // The retry wrapper's own class is an implementation detail: callers see a plain AdapterError.
      if (err instanceof RateLimitedError) {
        throw new AdapterError('RATE_LIMITED', err.message, {
          retryAfter: err.retryAfter ?? Math.ceil(maxWait / 1000),
        });
      }
      throw err;
    }
  }

  return {
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    close: () => agent.close(),
  };
}

/** A header value and its parts: `Token token=abc` hides `abc` too, `Basic x` hides `x` decoded. */
function secretForms(value: string): string[] {
  const forms = [value];
  const credential = /^(?:\S+\s+)?(?:token=)?(\S+)$/i.exec(value)?.[1];
  if (credential && credential !== value) forms.push(credential);
  if (/^Basic\s+/i.test(value) && credential) {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    forms.push(decoded, ...decoded.split(':').slice(1));
  }
  return forms.filter((f) => f.length >= 4);
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      throw new AdapterError('PROVIDER_ERROR', 'the provider answered with malformed JSON');
    }
  }
  return text;
}

function networkReason(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
