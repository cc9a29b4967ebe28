/**
 * Datadog as the metric, log, alert and incident provider, site-aware: calls go to the configured
 * site's API host and deep links to its UI host. 429s are retried after the `X-RateLimit-Reset`
 * Datadog sends (seconds until the window resets), within `maxRetryWaitMs`; writes are never retried
 * for anything else.
 */
import type { Adapter, AdapterFactory, AlertCapability, LogCapability, MetricCapability } from '../contract/index.js';
import { createHttpClient, fanOut, probeHealth } from '../http/index.js';
import { parseDatadogConfig } from './config.js';
import { incidentCapability } from './incidents.js';
import { searchLogs } from './logs.js';
import { describeMetrics, queryMetric } from './metrics.js';
import { createDowntime, getMonitor, queryMonitors } from './monitors.js';
import { datadogWebhook } from './webhook.js';

const FANOUT = 4;

export const createDatadogAdapter: AdapterFactory = (raw) => {
  const config = parseDatadogConfig(raw);
  const http = createHttpClient({
    baseUrl: config.api,
    provider: 'Datadog',
    timeoutMs: config.timeoutMs,
    maxRetryWaitMs: config.maxRetryWaitMs,
    ...(config.proxyURL ? { proxy: config.proxyURL } : {}),
    headers: { accept: 'application/json', 'dd-api-key': config.apiKey, 'dd-application-key': config.appKey },
  });

  const metric: MetricCapability = {
    query: (queries, ctx) => fanOut(queries, FANOUT, (q) => queryMetric(http, config, q, ctx)),
    describe: (scopes, ctx) => fanOut(scopes, FANOUT, (scope) => describeMetrics(http, config, scope, ctx)),
  };
  const log: LogCapability = {
    query: (queries, ctx) => fanOut(queries, FANOUT, (q) => searchLogs(http, config, q, ctx)),
  };
  const alert: AlertCapability = {
    query: (queries, ctx) => fanOut(queries, FANOUT, (q) => queryMonitors(http, config, q, ctx)),
    getMany: (ids, ctx) => fanOut(ids, FANOUT, (id) => getMonitor(http, config, id, ctx)),
    silence: (input, ctx) => createDowntime(http, config, input, ctx),
  };

  const adapter: Adapter = {
    kind: 'datadog',
    capabilities: { metric, log, alert, incident: incidentCapability(http, config) },
    // Validates the API key; the application key is exercised by every other call.
    checkHealth: (ctx) => probeHealth(http, '/api/v1/validate', ctx),
    ...(config.webhookToken ? { webhook: datadogWebhook(config.webhookToken) } : {}),
    close: () => http.close(),
  };
  return adapter;
};
