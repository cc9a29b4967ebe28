/**
 * Slack adapter config. `token` is the key OpsOrch's own Slack adapter reads, so its
 * `OPSORCH_MESSAGING_CONFIG` works unchanged; the rest are optional. Errors name the key and never
 * echo a value.
 */
import { z } from 'zod';

const schema = z.object({
  /** Bot (`xoxb-`) or user (`xoxp-`) OAuth token with `chat:write`. */
  token: z.string().min(1, 'is required (a Slack bot token, xoxb-...)'),
  /** Web API root; only changed for a proxy or a test server. */
  apiURL: z
    .url({ protocol: /^https?$/ })
    .default('https://slack.com/api/')
    .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** A 429 asking for a longer wait than this fails at once with RATE_LIMITED. */
  maxRetryWaitMs: z.number().int().nonnegative().max(60_000).default(5_000),
});

export type SlackConfig = z.infer<typeof schema>;

export function parseSlackConfig(raw: Record<string, unknown>): SlackConfig {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new Error(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '),
  );
}
