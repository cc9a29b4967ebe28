/**
 * GitHub as the ticket (issues), deployment (Deployments API, else Actions workflow runs) and team
 * provider, over Octokit with its throttling and retry plugins, with token or GitHub App auth, and
 * webhooks for deployment statuses and issues.
 */
import type { Adapter, AdapterFactory, CapabilityMap } from '../contract/index.js';
import { createGitHubClient } from './client.js';
import { parseGitHubConfig } from './config.js';
import { deploymentCapability } from './deployments.js';
import { teamCapability } from './teams.js';
import { type RepoRef, ticketCapability } from './tickets.js';
import { githubWebhook } from './webhook.js';

export const createGitHubAdapter: AdapterFactory = (raw, env) => {
  const config = parseGitHubConfig(raw);
  const http = createGitHubClient(config, env.name, env.logger);
  const web =
    config.webURL ??
    (config.apiURL === 'https://api.github.com' ? 'https://github.com' : config.apiURL.replace(/\/api\/v3$/, ''));
  const capabilities: Partial<CapabilityMap> = {};
  let ref: RepoRef | undefined;
  if (config.owner && config.repo) {
    ref = { owner: config.owner, repo: config.repo, service: config.service ?? config.repo, web };
    capabilities.ticket = ticketCapability(http, ref, config.pageSize, config.maxPages);
    capabilities.deployment = deploymentCapability(
      http,
      ref,
      config.pageSize,
      config.deploymentSource,
      config.maxPages,
    );
  }
  const org = config.organization ?? config.owner;
  if (org) capabilities.team = teamCapability(http, org, config.maxPages);
  const secrets = config.webhookSecret === undefined ? [] : [config.webhookSecret].flat();

  const adapter: Adapter = {
    kind: 'github',
    capabilities,
    ...(secrets.length && ref ? { webhook: githubWebhook(secrets, ref) } : {}),
    async checkHealth(ctx) {
      try {
        // The repository (or organization) itself: proves the credentials and that they reach it.
        if (ref) await http.request('GET /repos/{owner}/{repo}', { owner: ref.owner, repo: ref.repo }, ctx.signal);
        else await http.request('GET /orgs/{org}', { org }, ctx.signal);
        return { status: 'HEALTHY' };
      } catch (err) {
        return { status: 'DOWN', message: (err as Error).message };
      }
    },
    close: () => http.close(),
  };
  return adapter;
};
