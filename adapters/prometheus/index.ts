/**
 * Prometheus as the metric capability. Config keys: `url` (as the OpsOrch Go adapter), plus
 * `externalURL` for links, `username`/`password` or `bearerToken`, `caFile`, `serviceLabel`,
 * `serviceFallbackLabel`, `environmentLabel`, `teamLabel`, `timeoutMs`, `maxConcurrency`.
 */
import { z } from 'zod';
import type { Adapter, AdapterFactory, MetricCapability } from '../contract/index.js';
import { fanOut, probeHealth } from '../http/index.js';
import { connect, connectionShape, httpUrl, parseConfig, promLabel } from './connection.js';
import { describeScope, fetchMetadata } from './describe.js';
import { queryRange } from './query.js';

const configSchema = z
  .object({
    url: httpUrl,
    externalURL: httpUrl.optional(),
    serviceLabel: promLabel.default('service'),
    serviceFallbackLabel: z.union([promLabel, z.literal('')]).default('job'),
    environmentLabel: promLabel.default('env'),
    teamLabel: promLabel.default('team'),
    ...connectionShape,
  })
  .strict();

export const createPrometheusAdapter: AdapterFactory = (raw) => {
  const config = parseConfig(configSchema, raw);
  const http = connect('Prometheus', config.url, config);
  const labels = {
    serviceLabel: config.serviceLabel,
    serviceFallbackLabel: config.serviceFallbackLabel || undefined,
    environmentLabel: config.environmentLabel,
    teamLabel: config.teamLabel,
  };
  const deps = { http, labels, uiUrl: config.externalURL ?? config.url };

  const metric: MetricCapability = {
    query: (queries, ctx) => fanOut(queries, config.maxConcurrency, (query) => queryRange(deps, query, ctx)),
    async describe(scopes, ctx) {
      if (scopes.length === 0) return [];
      // The metadata endpoint cannot be scoped: one call serves the whole batch.
      const metadata = fetchMetadata(http, ctx);
      // Observed at once, because the scopes awaiting it may only start after it failed.
      metadata.catch(() => undefined);
      return fanOut(scopes, config.maxConcurrency, async (scope) =>
        describeScope(http, labels, scope, await metadata, ctx),
      );
    },
  };

  const adapter: Adapter = {
    kind: 'prometheus',
    capabilities: { metric },
    checkHealth: (ctx) => probeHealth(http, '/-/ready', ctx),
    close: () => http.close(),
  };
  return adapter;
};
