/**
 * Jira Cloud adapter config, with the keys OpsOrch's Go adapter reads (`apiURL`, `email`,
 * `apiToken`, `projectKey`). Validated at construction; errors name the key and never echo a value.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PAGES } from '../http/index.js';

const schema = z.object({
  /** The site, e.g. `https://acme.atlassian.net`; deep links are built on it. */
  apiURL: z.url({ protocol: /^https?$/ }),
  email: z.email(),
  apiToken: z.string().min(1, 'is required (an Atlassian API token)'),
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key such as OPS'),
  /** Issue type new tickets are created as. */
  issueType: z.string().min(1).default('Task'),
  timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  /** Issues per search request. */
  pageSize: z.number().int().min(1).max(100).default(50),
  /** Search pages one listing follows before it fails with TOO_MANY_PAGES. */
  maxPages: z.number().int().positive().max(10_000).default(DEFAULT_MAX_PAGES),
});

export type JiraConfig = z.infer<typeof schema>;

export function parseJiraConfig(raw: Record<string, unknown>): JiraConfig {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new Error(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '),
  );
}
