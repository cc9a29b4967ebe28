import type { CallContext, Health } from '../contract/index.js';
import type { HttpClient, RequestOptions } from './client.js';

/**
 * A provider is healthy when a cheap authenticated request succeeds; the client's error message
 * is already summarized and redacted, so it can be shown as the reason.
 */
export async function probeHealth(
  http: HttpClient,
  path: string,
  ctx: CallContext,
  options: Omit<RequestOptions, 'signal'> = {},
): Promise<Health> {
  try {
    await http.get(path, { ...options, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    return { status: 'HEALTHY' };
  } catch (err) {
    return { status: 'DOWN', message: err instanceof Error ? err.message : 'unreachable' };
  }
}
