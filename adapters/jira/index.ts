/**
 * Jira Cloud (REST API v3) as the ticket provider. Tickets link to incidents through labels, so
 * an incident's tickets are one JQL search and a ticket names its incidents by their native IDs.
 */
import type { Adapter, AdapterFactory } from '../contract/index.js';
import { createHttpClient, probeHealth } from '../http/index.js';
import { parseJiraConfig } from './config.js';
import { ticketCapability } from './tickets.js';

export const createJiraAdapter: AdapterFactory = (raw) => {
  const config = parseJiraConfig(raw);
  const http = createHttpClient({
    baseUrl: config.apiURL,
    provider: 'Jira',
    timeoutMs: config.timeoutMs,
    headers: {
      authorization: `Basic ${Buffer.from(`${config.email}:${config.apiToken}`).toString('base64')}`,
      accept: 'application/json',
    },
    secrets: [config.apiToken],
  });
  const adapter: Adapter = {
    kind: 'jira',
    capabilities: { ticket: ticketCapability(http, config) },
    checkHealth: (ctx) => probeHealth(http, '/rest/api/3/myself', ctx),
    close: () => http.close(),
  };
  return adapter;
};
