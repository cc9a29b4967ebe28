/**
 * PagerDuty adapter config, with the keys OpsOrch's Go adapter reads so an existing
 * `OPSORCH_INCIDENT_CONFIG` works unchanged. Validated at construction; errors name the key and
 * never echo a value.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PAGES } from '../http/index.js';

const schema = z.object({
  apiToken: z.string().min(1, 'is required (a PagerDuty REST API key)'),
  apiURL: z.url({ protocol: /^https?$/ }).default('https://api.pagerduty.com'),
  /** A PagerDuty user's email, sent as `From` on writes; account API keys need it. */
  fromEmail: z.email().optional(),
  /** Service new incidents go to when the caller names none. */
  serviceID: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Pages one listing follows (100 records each) before it fails with TOO_MANY_PAGES. */
  maxPages: z.number().int().positive().max(10_000).default(DEFAULT_MAX_PAGES),
  /** How long the service and team directory (names → IDs) is reused. */
  directoryTtlMs: z.number().int().nonnegative().default(60_000),
  /** Signing secrets of the v3 webhook subscription; several while one is rotated. None: no webhook. */
  webhookSecrets: z
    .union([
      z.string().min(16, 'must be at least 16 characters'),
      z.array(z.string().min(16, 'must be at least 16 characters')).min(1),
    ])
    .optional(),
});

export type PagerDutyConfig = z.infer<typeof schema>;

export function parsePagerDutyConfig(raw: Record<string, unknown>): PagerDutyConfig {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new Error(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '),
  );
}
