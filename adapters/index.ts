/**
 * Every in-process adapter kind the gateway can be configured with, by the name used in config.
 * A kind's module (and its SDK: undici, Octokit, Slack's client...) loads when a provider of that
 * kind is built, so a gateway carries only the code of the providers it is configured with.
 */
import { legacyAlertmanagerWebhook } from './alertmanager/webhook.js';
import type { Adapter, AdapterFactory, LegacyWebhookSetting } from './contract/index.js';
import { legacyPagerDutyWebhook } from './pagerduty/webhook.js';

function lazy<K extends string>(load: () => Promise<Record<K, AdapterFactory>>, name: K): AdapterFactory {
  return async (config, env): Promise<Adapter> => (await load())[name](config, env);
}

const elasticsearch = lazy(() => import('./elasticsearch/index.js'), 'createElasticsearchAdapter');

export const adapterFactories: Record<string, AdapterFactory> = {
  mock: lazy(() => import('./mock/index.js'), 'createMockAdapter'),
  prometheus: lazy(() => import('./prometheus/index.js'), 'createPrometheusAdapter'),
  alertmanager: lazy(() => import('./alertmanager/index.js'), 'createAlertmanagerAdapter'),
  plugin: lazy(() => import('./plugin/index.js'), 'createPluginAdapter'),
  pagerduty: lazy(() => import('./pagerduty/index.js'), 'createPagerDutyAdapter'),
  jira: lazy(() => import('./jira/index.js'), 'createJiraAdapter'),
  github: lazy(() => import('./github/index.js'), 'createGitHubAdapter'),
  slack: lazy(() => import('./slack/index.js'), 'createSlackAdapter'),
  vault: lazy(() => import('./vault/index.js'), 'createVaultAdapter'),
  elasticsearch,
  /** OpsOrch's name for it (`OPSORCH_LOG_PROVIDER=elastic`). */
  elastic: elasticsearch,
  opensearch: elasticsearch,
  datadog: lazy(() => import('./datadog/index.js'), 'createDatadogAdapter'),
};

/** Webhook variables from before webhooks moved into adapters, by the adapter kind they now configure. */
export const legacyWebhookSettings: Record<string, LegacyWebhookSetting> = {
  pagerduty: legacyPagerDutyWebhook,
  alertmanager: legacyAlertmanagerWebhook,
};
