/**
 * Alertmanager (API v2) as the alert capability, with silences, and its webhook. Config keys:
 * `alertmanagerURL` (as the OpsOrch Go adapter), plus `externalURL` for links, `username`/`password`
 * or `bearerToken`, `caFile`, `serviceLabel`, `environmentLabel`, `teamLabel`, `severityLabel`,
 * `severityMap`, `timeoutMs`, `maxConcurrency`, and `webhookToken` (the bearer token its webhook
 * receiver sends). With a `webhookToken` and no `alertmanagerURL` the instance takes webhooks only.
 */
import { z } from 'zod';
import { type Adapter, type AdapterFactory, type Alert, type AlertCapability, notFound } from '../contract/index.js';
import { fanOut, probeHealth } from '../http/index.js';
import { connect, connectionShape, httpUrl, parseConfig, promLabel } from '../prometheus/connection.js';
import { normalizeAlert } from './normalize.js';
import { fetchAlerts, queryAlerts } from './query.js';
import { DEFAULT_SEVERITY_MAP, SeverityMap } from './severity.js';
import { createSilence } from './silence.js';
import { alertmanagerWebhook } from './webhook.js';

const severity = z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'UNKNOWN']);

const configSchema = z
  .object({
    alertmanagerURL: httpUrl.optional(),
    externalURL: httpUrl.optional(),
    serviceLabel: promLabel.default('service'),
    environmentLabel: promLabel.default('env'),
    teamLabel: promLabel.default('team'),
    severityLabel: promLabel.default('severity'),
    severityMap: z.record(z.string().min(1), severity).default(DEFAULT_SEVERITY_MAP),
    webhookToken: z.string().min(16, 'must be at least 16 characters').optional(),
    ...connectionShape,
  })
  .strict()
  .refine((c) => c.alertmanagerURL !== undefined || c.webhookToken !== undefined, {
    path: ['alertmanagerURL'],
    message: 'is required (only an instance that takes webhooks alone, with webhookToken, may leave it out)',
  });

export const createAlertmanagerAdapter: AdapterFactory = (raw) => {
  const config = parseConfig(configSchema, raw);
  const webhook = config.webhookToken ? { webhook: alertmanagerWebhook(config.webhookToken, config.serviceLabel) } : {};
  if (config.alertmanagerURL === undefined) {
    // Nothing to call: this instance only turns notifications into incident activity.
    return {
      kind: 'alertmanager',
      capabilities: {},
      checkHealth: async () => ({ status: 'HEALTHY', message: 'takes webhooks only (no alertmanagerURL)' }),
      ...webhook,
    };
  }
  const http = connect('Alertmanager', config.alertmanagerURL, config);
  const ui = config.externalURL ?? config.alertmanagerURL;
  const deps = {
    http,
    ui,
    serviceLabel: config.serviceLabel,
    environmentLabel: config.environmentLabel,
    teamLabel: config.teamLabel,
    severityLabel: config.severityLabel,
    severities: new SeverityMap(config.severityMap),
  };

  const alert: AlertCapability = {
    query: (queries, ctx) => fanOut(queries, config.maxConcurrency, (query) => queryAlerts(deps, query, ctx)),
    async getMany(ids, ctx) {
      // The API has no lookup by fingerprint: one listing of every alert serves the whole batch.
      let all: Map<string, Alert>;
      try {
        all = new Map((await fetchAlerts(http, {}, ctx)).map((a) => [a.fingerprint, normalizeAlert(a, deps)]));
      } catch (err) {
        return ids.map(() => err as Error);
      }
      return ids.map((id) => all.get(id) ?? notFound('alert', id));
    },
    silence: (input, ctx) => createSilence(http, ui, input, ctx),
  };

  const adapter: Adapter = {
    kind: 'alertmanager',
    capabilities: { alert },
    checkHealth: (ctx) => probeHealth(http, '/-/ready', ctx),
    ...webhook,
    close: () => http.close(),
  };
  return adapter;
};
