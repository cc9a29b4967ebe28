import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseAddr } from '../../../src/providers/config.js';

describe('loadConfig', () => {
  it('serves every capability from the mock world when nothing is configured', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(4000);
    expect(config.providers).toHaveLength(1);
    expect(config.providers[0]).toMatchObject({ name: 'mock', kind: 'mock' });
    expect(config.providers[0]?.capabilities).toContain('incident');
    expect(config.providers[0]?.capabilities).toContain('orchestration');
    expect(config.mockLive).toBe(true);
    expect(config.cache.shared).toBe(true);
    expect(loadConfig({ OPSORCH_CACHE_SHARED: 'false' }).cache.shared).toBe(false);
  });

  it('reads OPSORCH_<CAP>_PROVIDER and _CONFIG, sharing one instance for identical settings', () => {
    const config = loadConfig({
      OPSORCH_INCIDENT_PROVIDER: 'mock',
      OPSORCH_INCIDENT_CONFIG: '{"seed":7}',
      OPSORCH_SERVICE_PROVIDER: 'mock',
      OPSORCH_SERVICE_CONFIG: '{"seed":7}',
      OPSORCH_TEAM_PROVIDER: 'mock',
      OPSORCH_TEAM_CONFIG: '{"seed":8}',
    });
    expect(config.providers).toEqual([
      { name: 'mock', kind: 'mock', capabilities: ['incident', 'service'], config: { seed: 7 } },
      { name: 'mock-team', kind: 'mock', capabilities: ['team'], config: { seed: 8 } },
    ]);
    expect(config.mockLive).toBe(false);
  });

  it('lets _PLUGIN win over _PROVIDER', () => {
    const config = loadConfig({ OPSORCH_ALERT_PROVIDER: 'mock', OPSORCH_ALERT_PLUGIN: '/opt/plugins/alerts' });
    expect(config.providers).toEqual([
      { name: 'plugin-alerts', kind: 'plugin', capabilities: ['alert'], config: {}, plugin: '/opt/plugins/alerts' },
    ]);
  });

  it('leaves capabilities without a provider unconfigured once anything is configured', () => {
    const config = loadConfig({ OPSORCH_INCIDENT_PROVIDER: 'mock' });
    expect(config.providers.flatMap((p) => p.capabilities)).toEqual(['incident']);
  });

  it.each([
    [
      { OPSORCH_INCIDENT_PROVIDER: 'mock', OPSORCH_INCIDENT_CONFIG: '{not json' },
      /OPSORCH_INCIDENT_CONFIG is not valid JSON/,
    ],
    [
      { OPSORCH_INCIDENT_PROVIDER: 'mock', OPSORCH_INCIDENT_CONFIG: '[1,2]' },
      /OPSORCH_INCIDENT_CONFIG must be a JSON object/,
    ],
    [
      { OPSORCH_TICKET_CONFIG: '{}' },
      /OPSORCH_TICKET_CONFIG is set but neither OPSORCH_TICKET_PROVIDER nor OPSORCH_TICKET_PLUGIN/,
    ],
    [{ OPSORCH_LOG_PROVIDER: 'Elastic Search' }, /OPSORCH_LOG_PROVIDER="Elastic Search" is not a provider name/],
    [{ OPSORCH_ADDR: 'localhost' }, /OPSORCH_ADDR="localhost" must be host:port/],
    [{ OPSORCH_ADDR: '127.0.0.1:99999' }, /OPSORCH_ADDR/],
    [{ OPSORCH_MOCK_LIVE: 'maybe' }, /OPSORCH_MOCK_LIVE="maybe" must be true or false/],
    [{ OPSORCH_CACHE_SHARED: 'redis' }, /OPSORCH_CACHE_SHARED="redis" must be true or false/],
    [{ OPSORCH_SHUTDOWN_GRACE_MS: '-5' }, /OPSORCH_SHUTDOWN_GRACE_MS="-5" must be a positive integer/],
    [{ OPSORCH_PUBSUB_URL: 'http://redis' }, /OPSORCH_PUBSUB_URL must be a redis:\/\//],
    [
      { OPSORCH_CONFIG_FILE: '/nonexistent/opsorch.json' },
      /OPSORCH_CONFIG_FILE=\/nonexistent\/opsorch.json cannot be read/,
    ],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });

  it('reads several providers per capability from OPSORCH_CONFIG_FILE and names a bad key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsorch-config-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({
        providers: [
          { name: 'pd-eu', kind: 'mock', capabilities: ['incident'], config: { seed: 1 } },
          { name: 'pd-us', kind: 'mock', capabilities: ['incident', 'service'] },
        ],
        serviceAliases: { checkout: { prometheus: ['checkout-api'] } },
      }),
    );
    const config = loadConfig({ OPSORCH_CONFIG_FILE: good });
    expect(config.providers.map((p) => p.name)).toEqual(['pd-eu', 'pd-us']);
    expect(config.serviceAliases).toEqual({ checkout: { prometheus: ['checkout-api'] } });

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ providers: [{ name: 'x', kind: 'mock', capabilities: ['incidents'] }] }));
    expect(() => loadConfig({ OPSORCH_CONFIG_FILE: bad })).toThrowError(/providers\.0\.capabilities\.0/);
  });
});

describe('parseAddr', () => {
  it('accepts host:port, :port and bracketed IPv6', () => {
    expect(parseAddr('127.0.0.1:4000')).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(parseAddr(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseAddr('[::1]:4000')).toEqual({ host: '::1', port: 4000 });
  });
});

describe('live-timeline settings', () => {
  it('defaults to polling every 10 s, pings every 12 s, stalled event streams closed after 30 s and no webhooks', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ pollIntervalMs: 10_000, wsKeepAliveMs: 12_000, sseStallMs: 30_000 });
    expect(config.providers.map((p) => p.name)).toEqual(['mock']);
  });

  it('gives the old webhook variables to the adapters that now own them, and reads 0 as polling off', () => {
    const config = loadConfig({
      OPSORCH_POLL_INTERVAL_MS: '0',
      OPSORCH_INCIDENT_PROVIDER: 'pagerduty',
      OPSORCH_INCIDENT_CONFIG: '{"apiToken":"pd-token"}',
      OPSORCH_WEBHOOK_PAGERDUTY_SECRETS: 'first-secret-abcdefgh, second-secret-abcdefgh',
      OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN: 'token-0123456789abcdef',
    });
    expect(config.pollIntervalMs).toBe(0);
    expect(config.providers).toEqual([
      {
        name: 'pagerduty',
        kind: 'pagerduty',
        capabilities: ['incident'],
        config: { apiToken: 'pd-token', webhookSecrets: ['first-secret-abcdefgh', 'second-secret-abcdefgh'] },
      },
      // No Alertmanager is configured: the token starts one that takes webhooks only, where the old URL pointed.
      {
        name: 'alertmanager',
        kind: 'alertmanager',
        capabilities: [],
        config: { webhookToken: 'token-0123456789abcdef' },
      },
    ]);
  });

  it("leaves an adapter's own webhook settings alone and adds no second Alertmanager", () => {
    const config = loadConfig({
      OPSORCH_INCIDENT_PROVIDER: 'pagerduty',
      OPSORCH_INCIDENT_CONFIG: '{"apiToken":"pd-token","webhookSecrets":"own-secret-0123456789"}',
      OPSORCH_ALERT_PROVIDER: 'alertmanager',
      OPSORCH_ALERT_CONFIG: '{"alertmanagerURL":"http://am:9093"}',
      OPSORCH_WEBHOOK_PAGERDUTY_SECRETS: 'legacy-secret-abcdefgh',
      OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN: 'token-0123456789abcdef',
    });
    expect(config.providers.map((p) => [p.name, p.config])).toEqual([
      ['pagerduty', { apiToken: 'pd-token', webhookSecrets: 'own-secret-0123456789' }],
      ['alertmanager', { alertmanagerURL: 'http://am:9093', webhookToken: 'token-0123456789abcdef' }],
    ]);
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
