/**
 * Datadog adapter config. It reads the keys OpsOrch's own Datadog adapter reads (`apiKey`,
 * `appKey`, `site`, `source`), so its `OPSORCH_<CAP>_CONFIG` works unchanged, plus API / UI URL
 * overrides (a proxy or a test server), log indexes, raw queries and the webhook token. Errors name
 * the key and never echo a value.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PAGES } from '../http/index.js';
import { SITE_NAMES, type Site, siteOf } from './sites.js';

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !new URL(value).username && !new URL(value).password, 'must not embed credentials')
  .transform((value) => value.replace(/\/+$/, ''));

const schema = z
  .object({
    apiKey: z.string().trim().min(1, 'is required (a Datadog API key)'),
    appKey: z.string().trim().min(1, 'is required (a Datadog application key)'),
    site: z
      .string()
      .default('datadoghq.com')
      .refine((s) => siteOf(s) !== undefined, `must be one of ${SITE_NAMES.join(', ')}`),
    /** OpsOrch's label for where records came from; kept in metadata. */
    source: z.string().min(1).default('datadog'),
    /** API root instead of the site's (a proxy, or a test server). */
    apiURL: httpUrl.optional(),
    /** Egress HTTP proxy every API call goes through (HTTPS as a CONNECT tunnel to the site's API host). */
    proxyURL: httpUrl.optional(),
    /** UI root for deep links instead of the site's. */
    uiURL: httpUrl.optional(),
    /** Log indexes searched; all when absent. */
    logIndexes: z
      .array(z.string().regex(/^[\w-]+$/, 'must be a log index name'))
      .min(1)
      .optional(),
    /** Logs per search request (Datadog serves up to 1000 per page); a larger `limit` follows cursors. */
    logPageSize: z.number().int().min(1).max(1000).default(1000),
    /** Let callers send Datadog search syntax with `raw: true`. Off: raw queries are refused. */
    allowRawQuery: z.boolean().default(false),
    /**
     * Token the Datadog webhook integration must present (as `Authorization: Bearer <token>`, set
     * in the webhook's custom headers, or as the basic-auth password). No token: no webhook.
     */
    webhookToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Incidents read per query at most (the incidents API pages by offset, 100 at a time). */
    maxIncidents: z.number().int().min(1).max(10_000).default(1_000),
    /** Pages one listing (logs, metrics, monitors, incidents, a timeline) follows before it fails with TOO_MANY_PAGES. */
    maxPages: z.number().int().positive().max(10_000).default(DEFAULT_MAX_PAGES),
    timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** A 429 asking for a longer wait than this fails at once with RATE_LIMITED. */
    maxRetryWaitMs: z.number().int().nonnegative().max(120_000).default(10_000),
  })
  .strict();

export type DatadogConfig = Omit<z.infer<typeof schema>, 'site'> & { site: Site; api: string; ui: string };

export function parseDatadogConfig(raw: Record<string, unknown>): DatadogConfig {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`).join('; '),
    );
  }
  const site = siteOf(result.data.site) as Site;
  return { ...result.data, site, api: result.data.apiURL ?? site.api, ui: result.data.uiURL ?? site.ui };
}
