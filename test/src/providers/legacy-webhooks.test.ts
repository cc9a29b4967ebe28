import { describe, expect, it } from 'vitest';
import { legacyWebhookSettings } from '../../../adapters/index.js';
import type { ProviderConfig } from '../../../src/providers/config.js';
import { applyLegacyWebhookSettings } from '../../../src/providers/legacy-webhooks.js';
import { redactSecrets } from '../../../src/redaction.js';

const fail = (message: string) => new Error(message);
const pagerduty = (name: string, config: Record<string, unknown> = {}): ProviderConfig => ({
  name,
  kind: 'pagerduty',
  capabilities: ['incident'],
  config: { apiToken: 'pd-token', ...config },
});

describe('applyLegacyWebhookSettings', () => {
  it('changes nothing without the variables', () => {
    const providers = [pagerduty('pagerduty')];
    expect(applyLegacyWebhookSettings(providers, {}, legacyWebhookSettings, fail)).toEqual(providers);
  });

  it('gives the secrets to every instance of the kind that has none of its own, without touching the input', () => {
    const providers = [pagerduty('pd-eu'), pagerduty('pd-us', { webhookSecrets: ['its-own-secret-0123'] })];
    const env = { OPSORCH_WEBHOOK_PAGERDUTY_SECRETS: 'legacy-secret-0123456' };
    const out = applyLegacyWebhookSettings(providers, env, legacyWebhookSettings, fail);
    expect(out.map((p) => p.config.webhookSecrets)).toEqual([['legacy-secret-0123456'], ['its-own-secret-0123']]);
    expect(providers[0]?.config).not.toHaveProperty('webhookSecrets');
    // A secret from the environment is masked wherever text leaves the gateway.
    expect(redactSecrets('signed with legacy-secret-0123456')).not.toContain('legacy-secret-0123456');
  });

  it('starts a webhook-only instance under the old name only when none of the kind exists', () => {
    const env = { OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN: 'am-token-0123456789' };
    expect(applyLegacyWebhookSettings([], env, legacyWebhookSettings, fail)).toEqual([
      { name: 'alertmanager', kind: 'alertmanager', capabilities: [], config: { webhookToken: 'am-token-0123456789' } },
    ]);
    const taken: ProviderConfig = { name: 'alertmanager', kind: 'mock', capabilities: ['alert'], config: {} };
    expect(() => applyLegacyWebhookSettings([taken], env, legacyWebhookSettings, fail)).toThrow(
      'OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN starts a provider named "alertmanager", but that name is taken',
    );
  });
});
