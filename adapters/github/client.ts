/**
 * Octokit with its throttling and retry plugins, held to the gateway's rules. Reads that fail with
 * a 5xx or a network error are retried twice; writes never are (a POST that timed out may have
 * been applied). A read that hits a rate limit — primary (`x-ratelimit-remaining: 0`, waiting for
 * `x-ratelimit-reset`) or secondary (`retry-after`) — is waited out, twice at most, when the wait
 * is at most `maxRetryWaitMs`; a longer wait, or any rate-limited write, fails at once as
 * RATE_LIMITED with `retryAfter`, and the caller decides whether to send it again. Every failure
 * becomes an AdapterError whose message is GitHub's own, summarized and redacted.
 */
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Agent, fetch as undiciFetch } from 'undici';
import { AdapterError, type AdapterErrorCode, type AdapterLogger } from '../contract/index.js';
import { redact } from '../http/index.js';
import type { GitHubConfig } from './config.js';

const GitHubOctokit = Octokit.plugin(throttling, retry);

export interface GitHubResponse<T> {
  data: T;
  headers: Record<string, string | number | undefined>;
  status: number;
}

export interface GitHubClient {
  /** `route` is Octokit's, e.g. `GET /repos/{owner}/{repo}/issues`. */
  request<T>(route: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<GitHubResponse<T>>;
  close(): Promise<void>;
}

const STATUS_CODES: Record<number, AdapterErrorCode> = {
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  410: 'NOT_FOUND',
  422: 'BAD_USER_INPUT',
  429: 'RATE_LIMITED',
};

interface OctokitError extends Error {
  status?: number;
  response?: { data?: unknown; headers?: Record<string, string | undefined> };
}

export function createGitHubClient(config: GitHubConfig, name: string, logger: AdapterLogger): GitHubClient {
  const secrets = [config.token, config.privateKey].filter((s): s is string => Boolean(s));
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const say = (level: 'warn' | 'error') => (message: string) =>
    logger[level]({ sdk: 'octokit' }, redact(String(message), secrets));
  /** Per attempt: the SDK's fetch gets the shared pool and a time-out. */
  const timedFetch = (url: string | URL, init: Parameters<typeof undiciFetch>[1] = {}) => {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    return undiciFetch(url, {
      ...init,
      dispatcher: agent,
      signal: init.signal ? AbortSignal.any([timeout, init.signal as AbortSignal]) : timeout,
    });
  };
  const wantRetry = (retryAfter: number, options: { method?: string }, _octokit: unknown, retryCount: number) =>
    isRead(options.method) && retryCount < 2 && retryAfter * 1000 <= config.maxRetryWaitMs;

  const octokit = new GitHubOctokit({
    baseUrl: config.apiURL,
    userAgent: 'opsorch-gateway',
    ...(config.token
      ? { auth: config.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: config.appId, privateKey: config.privateKey, installationId: config.installationId },
        }),
    request: { fetch: timedFetch },
    log: { debug: () => {}, info: () => {}, warn: say('warn'), error: say('error') },
    throttle: {
      id: name,
      retryAfterBaseValue: 1000,
      onRateLimit: wantRetry,
      onSecondaryRateLimit: wantRetry,
    },
    retry: { retries: 2, retryAfterBaseValue: 200, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  });

  function toAdapterError(route: string, err: unknown): AdapterError {
    if (err instanceof AdapterError) return err;
    const e = err as OctokitError;
    const where = route;
    if (typeof e?.status === 'number' && e.status >= 400 && e.status !== 500) {
      const headers = e.response?.headers ?? {};
      const limited =
        e.status === 429 ||
        (e.status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message)));
      const message = redact(`GitHub answered ${e.status} to ${where}: ${summary(e)}`, secrets);
      if (limited) return new AdapterError('RATE_LIMITED', message, { retryAfter: retryAfterOf(headers) });
      return new AdapterError(STATUS_CODES[e.status] ?? 'PROVIDER_ERROR', message);
    }
    if (e?.name === 'TimeoutError' || (/timeout|aborted/i.test(String(e?.message)) && !e?.status)) {
      return new AdapterError('TIMEOUT', `GitHub did not answer ${where} within ${config.timeoutMs} ms`);
    }
    if (e?.status === 500 && e.response) {
      return new AdapterError('PROVIDER_ERROR', redact(`GitHub answered 500 to ${where}: ${summary(e)}`, secrets));
    }
    if (err instanceof SyntaxError || /JSON/i.test(String(e?.message))) {
      return new AdapterError('PROVIDER_ERROR', `GitHub answered ${where} with malformed JSON`);
    }
    return new AdapterError('PROVIDER_ERROR', `GitHub cannot be reached for ${where}`);
  }

  return {
    async request<T>(route: string, params: Record<string, unknown> = {}, signal?: AbortSignal) {
      const write = !isRead(route.split(' ')[0]);
      try {
        const response = await octokit.request(route, {
          ...params,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { ...(signal ? { signal } : {}), ...(write ? { retries: 0 } : {}) },
        });
        return response as unknown as GitHubResponse<T>;
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        throw toAdapterError(route, err);
      }
    },
    close: () => agent.close(),
  };
}

function isRead(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** GitHub's `message` (and a validation error's `errors[].message|code`), 300 characters at most. */
function summary(e: OctokitError): string {
  const data = e.response?.data as
    | { message?: unknown; errors?: { message?: string; code?: string; field?: string }[] }
    | string
    | undefined;
  if (typeof data === 'string') return /^\s*</.test(data) ? 'HTML error page' : data.slice(0, 300);
  const parts = [typeof data?.message === 'string' ? data.message : e.message];
  for (const item of data?.errors ?? []) parts.push(item.message ?? [item.field, item.code].filter(Boolean).join(' '));
  const text = parts.filter(Boolean).join('; ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function retryAfterOf(headers: Record<string, string | undefined>): number {
  const after = Number(headers['retry-after']);
  if (Number.isFinite(after) && after > 0) return Math.ceil(after);
  const reset = Number(headers['x-ratelimit-reset']);
  if (Number.isFinite(reset) && reset > 0) return Math.max(1, Math.ceil(reset - Date.now() / 1000));
  return 60;
}
