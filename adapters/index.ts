/** Every in-process adapter kind the gateway can be configured with, by the name used in config. */
import { createAlertmanagerAdapter } from './alertmanager/index.js';
import { legacyAlertmanagerWebhook } from './alertmanager/webhook.js';
import type { AdapterFactory, LegacyWebhookSetting } from './contract/index.js';
import { createDatadogAdapter } from './datadog/index.js';
import { createElasticsearchAdapter } from './elasticsearch/index.js';
import { createGitHubAdapter } from './github/index.js';
import { createJiraAdapter } from './jira/index.js';
import { createMockAdapter } from './mock/index.js';
import { createPagerDutyAdapter } from './pagerduty/index.js';
import { legacyPagerDutyWebhook } from './pagerduty/webhook.js';
import { createPluginAdapter } from './plugin/index.js';
import { createPrometheusAdapter } from './prometheus/index.js';
import { createSlackAdapter } from './slack/index.js';
import { createVaultAdapter } from './vault/index.js';

export const adapterFactories: Record<string, AdapterFactory> = {
  mock: createMockAdapter,
  prometheus: createPrometheusAdapter,
  alertmanager: createAlertmanagerAdapter,
  plugin: createPluginAdapter,
  pagerduty: createPagerDutyAdapter,
  jira: createJiraAdapter,
  github: createGitHubAdapter,
  slack: createSlackAdapter,
  vault: createVaultAdapter,
  elasticsearch: createElasticsearchAdapter,
  /** OpsOrch's name for it (`OPSORCH_LOG_PROVIDER=elastic`). */
  elastic: createElasticsearchAdapter,
  opensearch: createElasticsearchAdapter,
  datadog: createDatadogAdapter,
};

/** Webhook variables from before webhooks moved into adapters, by the adapter kind they now configure. */
export const legacyWebhookSettings: Record<string, LegacyWebhookSetting> = {
  pagerduty: legacyPagerDutyWebhook,
  alertmanager: legacyAlertmanagerWebhook,
};
