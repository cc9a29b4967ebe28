import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/providers/config.js';

describe('live-timeline settings', () => {
  it('defaults to polling every 10 s, pings every 12 s and no webhooks', () => {
    expect(loadConfig({})).toMatchObject({
      pollIntervalMs: 10_000,
      wsKeepAliveMs: 12_000,
      webhooks: { pagerdutySecrets: [] },
    });
  });

  it('reads rotating PagerDuty secrets, the Alertmanager token and 0 as polling off', () => {
    const config = loadConfig({
      OPSORCH_POLL_INTERVAL_MS: '0',
      OPSORCH_WEBHOOK_PAGERDUTY_SECRETS: 'first-secret-abcdefgh, second-secret-abcdefgh',
      OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN: 'token-0123456789abcdef',
    });
    expect(config.pollIntervalMs).toBe(0);
    expect(config.webhooks).toEqual({
      pagerdutySecrets: ['first-secret-abcdefgh', 'second-secret-abcdefgh'],
      alertmanagerToken: 'token-0123456789abcdef',
    });
  });

  it.each([
    ['OPSORCH_POLL_INTERVAL_MS', '50', /OPSORCH_POLL_INTERVAL_MS="50" must be 0 \(off\) or .* >= 100/],
    ['OPSORCH_POLL_INTERVAL_MS', 'often', /OPSORCH_POLL_INTERVAL_MS/],
    ['OPSORCH_WS_KEEPALIVE_MS', '-1', /OPSORCH_WS_KEEPALIVE_MS/],
    ['OPSORCH_WEBHOOK_PAGERDUTY_SECRETS', 'long-enough-secret-1,short', /value 2 of 2 is shorter than 16/],
    ['OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN', 'a-long-enough-token-1,a-long-enough-token-2', /must be one token/],
  ])('rejects %s=%s with an error naming the variable', (variable, value, message) => {
    const attempt = () => loadConfig({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('never repeats a secret in an error', () => {
    let message = '';
    try {
      loadConfig({ OPSORCH_WEBHOOK_PAGERDUTY_SECRETS: 'long-enough-secret-1,tiny-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('OPSORCH_WEBHOOK_PAGERDUTY_SECRETS');
    expect(message).not.toContain('tiny-secret');
    expect(message).not.toContain('long-enough-secret-1');
  });
});
