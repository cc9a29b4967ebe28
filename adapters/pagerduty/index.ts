/**
 * PagerDuty (REST API v2) as the incident, service and team provider, with v3 webhooks when
 * `webhookSecrets` is set. Incidents link to the service and team names PagerDuty shows, so the
 * gateway can join them to any other provider.
 */
import type { Adapter, AdapterFactory } from '../contract/index.js';
import { createHttpClient, probeHealth } from '../http/index.js';
import { parsePagerDutyConfig } from './config.js';
import { Directory } from './directory.js';
import { incidentCapability } from './incidents.js';
import { serviceCapability } from './services.js';
import { teamCapability } from './teams.js';
import { pagerdutyWebhook } from './webhook.js';

export const createPagerDutyAdapter: AdapterFactory = (raw) => {
  const config = parsePagerDutyConfig(raw);
  const client = createHttpClient({
    baseUrl: config.apiURL,
    provider: 'PagerDuty',
    timeoutMs: config.timeoutMs,
    headers: {
      authorization: `Token token=${config.apiToken}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    },
  });
  const http = Object.assign(client, { maxPages: config.maxPages });
  const directory = new Directory(http, config.directoryTtlMs);
  const secrets = config.webhookSecrets === undefined ? [] : [config.webhookSecrets].flat();
  const adapter: Adapter = {
    kind: 'pagerduty',
    capabilities: {
      incident: incidentCapability(http, directory, config),
      service: serviceCapability(http, directory),
      team: teamCapability(http, directory),
    },
    // `/users/me` refuses account-level keys, so the cheapest call every key may make is used.
    checkHealth: (ctx) => probeHealth(http, '/services', ctx, { query: { limit: 1 } }),
    ...(secrets.length ? { webhook: pagerdutyWebhook(secrets) } : {}),
    close: () => http.close(),
  };
  return adapter;
};
