/**
 * GitHub adapter config. It accepts the keys of OpsOrch's own GitHub adapters unchanged —
 * `token`, `owner`, `repo`, `defaultState` (tickets and deployments) and `organization` (teams) —
 * and adds GitHub App auth, GitHub Enterprise, webhooks and limits. Errors name the key and never
 * echo a value.
 */
import { z } from 'zod';
import { DEFAULT_MAX_PAGES } from '../http/index.js';

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})$/;

const schema = z
  .object({
    /** A personal access or installation token. Not together with GitHub App auth. */
    token: z.string().min(1).optional(),
    /** GitHub App auth: the app's ID, its private key (PEM) and the installation to act as. */
    appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a number')]).optional(),
    privateKey: z.string().includes('PRIVATE KEY', { message: 'must be a PEM private key' }).optional(),
    installationId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a number')]).optional(),
    /** Repository owner and name: issues are tickets, deployments (or workflow runs) are deployments. */
    owner: z.string().regex(NAME, 'must be a GitHub user or organization name').optional(),
    repo: z.string().regex(NAME, 'must be a repository name').optional(),
    /** The organization whose teams are teams; defaults to `owner`. */
    organization: z.string().regex(NAME, 'must be a GitHub organization name').optional(),
    /** OpsOrch's ticket adapter reads it but never uses it; accepted so its config works unchanged. */
    defaultState: z.enum(['open', 'closed']).default('open'),
    /** The service name the repository's tickets and deployments belong to. */
    service: z.string().min(1).optional(),
    /** REST API root; GitHub Enterprise Server: `https://<host>/api/v3`. */
    apiURL: z
      .url({ protocol: /^https?$/ })
      .default('https://api.github.com')
      .transform((u) => u.replace(/\/+$/, '')),
    /** GitHub's web root, for links the API does not give; derived from `apiURL` when absent. */
    webURL: z
      .url({ protocol: /^https?$/ })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
    /** `deployments` (the Deployments API), `actions` (workflow runs), or `auto`: runs only while the repository has no deployments. */
    deploymentSource: z.enum(['auto', 'deployments', 'actions']).default('auto'),
    /** Secrets of the repository's webhook (X-Hub-Signature-256); more than one while rotating. */
    webhookSecret: z.union([z.string().min(16), z.array(z.string().min(16)).min(1)]).optional(),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /** A rate limit asking for a longer wait than this fails at once with RATE_LIMITED. */
    maxRetryWaitMs: z.number().int().nonnegative().max(120_000).default(5_000),
    /** Records per GitHub request (1–100). */
    pageSize: z.number().int().min(1).max(100).default(50),
    /** GitHub pages one listing follows before it fails with TOO_MANY_PAGES. */
    maxPages: z.number().int().positive().max(10_000).default(DEFAULT_MAX_PAGES),
  })
  .superRefine((c, ctx) => {
    const app = c.appId !== undefined || c.privateKey !== undefined || c.installationId !== undefined;
    if (app) {
      for (const key of ['appId', 'privateKey', 'installationId'] as const) {
        if (c[key] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'GitHub App auth needs appId, privateKey and installationId',
          });
      }
      if (c.token)
        ctx.addIssue({ code: 'custom', path: ['token'], message: 'use either token or GitHub App auth, not both' });
    } else if (!c.token) {
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: 'is required (or appId, privateKey and installationId)',
      });
    }
    if (c.repo && !c.owner) ctx.addIssue({ code: 'custom', path: ['owner'], message: 'is required with repo' });
    if (!c.repo && !c.organization && !c.owner) {
      ctx.addIssue({
        code: 'custom',
        path: ['repo'],
        message: 'owner and repo (tickets, deployments) or organization (teams) is required',
      });
    }
  });

export type GitHubConfig = z.infer<typeof schema>;

export function parseGitHubConfig(raw: Record<string, unknown>): GitHubConfig {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new Error(
    result.error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; '),
  );
}
