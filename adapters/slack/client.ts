/**
 * Slack Web API calls through `@slack/web-api`, with the gateway's error rules: Slack's error
 * words become AdapterError codes; a read that hits a 429 is waited out (its `Retry-After`) when
 * that is short; a write is never re-sent, whatever the failure — the SDK's own retries are off —
 * so a rate-limited `chat.postMessage` fails at once as RATE_LIMITED with `retryAfter` and its
 * caller decides whether to post again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { AdapterError, type AdapterErrorCode, type AdapterLogger } from '../contract/index.js';
import { redact, summarizeErrorBody } from '../http/index.js';
import type { SlackConfig } from './config.js';

export type SlackCall = (method: string, args: Record<string, unknown>, signal?: AbortSignal) => Promise<SlackResult>;
export type SlackResult = Record<string, unknown> & { ok: boolean };

const ERROR_CODES: Record<string, AdapterErrorCode> = {
  not_authed: 'UNAUTHENTICATED',
  invalid_auth: 'UNAUTHENTICATED',
  account_inactive: 'UNAUTHENTICATED',
  token_revoked: 'UNAUTHENTICATED',
  token_expired: 'UNAUTHENTICATED',
  no_permission: 'FORBIDDEN',
  missing_scope: 'FORBIDDEN',
  not_in_channel: 'FORBIDDEN',
  restricted_action: 'FORBIDDEN',
  is_archived: 'FORBIDDEN',
  channel_not_found: 'NOT_FOUND',
  thread_not_found: 'NOT_FOUND',
  message_not_found: 'NOT_FOUND',
  invalid_blocks: 'BAD_USER_INPUT',
  invalid_blocks_format: 'BAD_USER_INPUT',
  msg_too_long: 'BAD_USER_INPUT',
  no_text: 'BAD_USER_INPUT',
  invalid_arguments: 'BAD_USER_INPUT',
  invalid_thread_ts: 'BAD_USER_INPUT',
  ratelimited: 'RATE_LIMITED',
};

/** Web API methods that only read; every other method may change something and is sent once. */
const READ_METHOD = /^(auth\.test|.+\.(list|info|history|replies|members|getPermalink|lookupByEmail))$/;

function isRead(method: string): boolean {
  return READ_METHOD.test(method);
}

const HTTP_CODES: Record<number, AdapterErrorCode> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

/** The SDK's own log lines go to the adapter's logger, redacted; its debug chatter is dropped. */
function sdkLogger(logger: AdapterLogger, secrets: string[]): Logger {
  const say =
    (level: 'warn' | 'error') =>
    (...msgs: unknown[]) =>
      logger[level]({ sdk: '@slack/web-api' }, redact(msgs.map(String).join(' '), secrets));
  return {
    debug: () => {},
    info: () => {},
    warn: say('warn'),
    error: say('error'),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}

export function createSlackCall(config: SlackConfig, logger: AdapterLogger): SlackCall {
  const secrets = [config.token];
  const client = new WebClient(config.token, {
    slackApiUrl: config.apiURL,
    timeout: config.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    logger: sdkLogger(logger, secrets),
  });

  function toAdapterError(method: string, err: unknown): AdapterError {
    if (err instanceof WebAPIRateLimitedError) {
      return new AdapterError('RATE_LIMITED', `Slack rate-limited ${method} (retry after ${err.retryAfter} s)`, {
        retryAfter: err.retryAfter,
      });
    }
    if (err instanceof WebAPIPlatformError) {
      const word = String(err.data.error);
      const code = ERROR_CODES[word] ?? 'PROVIDER_ERROR';
      return new AdapterError(code, redact(`Slack answered ${word} to ${method}`, secrets));
    }
    if (err instanceof WebAPIHTTPError) {
      const body = typeof err.body === 'string' ? err.body : '';
      const summary = summarizeErrorBody(body, err.headers['content-type'] ?? null, secrets);
      return new AdapterError(
        HTTP_CODES[err.statusCode] ?? 'PROVIDER_ERROR',
        redact(`Slack answered ${err.statusCode} to ${method}: ${summary}`, secrets),
      );
    }
    if (err instanceof WebAPIRequestError) {
      const original = err.original;
      if (original.name === 'TimeoutError' || original.name === 'AbortError') {
        return new AdapterError('TIMEOUT', `Slack did not answer ${method} within ${config.timeoutMs} ms`);
      }
      return new AdapterError('PROVIDER_ERROR', `Slack cannot be reached for ${method}`);
    }
    if (err instanceof SyntaxError) {
      return new AdapterError('PROVIDER_ERROR', `Slack answered ${method} with malformed JSON`);
    }
    return new AdapterError('PROVIDER_ERROR', `Slack call ${method} failed`);
  }

  return async (method, args, signal) => {
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        const result = (await client.apiCall(method, args)) as SlackResult;
        if (typeof result?.ok !== 'boolean') {
          throw new AdapterError('PROVIDER_ERROR', `Slack answered ${method} without an ok field`);
        }
        return result;
      } catch (err) {
        if (err instanceof AdapterError) throw err;
        const error = toAdapterError(method, err);
        const waitMs = (error.retryAfter ?? Number.POSITIVE_INFINITY) * 1000;
        if (error.code !== 'RATE_LIMITED' || !isRead(method) || attempt >= 2 || waitMs > config.maxRetryWaitMs) {
          throw error;
        }
        await sleep(waitMs, undefined, signal ? { signal } : {});
      }
    }
  };
}
