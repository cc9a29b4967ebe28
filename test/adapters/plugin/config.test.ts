/** Plugin configuration problems are start-up errors that name the variable and key at fault. */
import { describe, expect, it } from 'vitest';
import { createPluginAdapter } from '../../../adapters/plugin/index.js';
import { ConfigError, loadConfig } from '../../../src/providers/config.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import { testLogger } from '../../helpers/gateway.js';
import { FIXTURES } from './plugin-gateway.js';

function build(env: Record<string, string>) {
  return buildRegistry(loadConfig(env), { plugin: createPluginAdapter }, testLogger);
}

describe('plugin configuration', () => {
  it('rejects a path that is not an executable file, naming the key', async () => {
    await expect(build({ OPSORCH_INCIDENT_PLUGIN: `${FIXTURES}does-not-exist` })).rejects.toThrow(
      new ConfigError(
        `provider plugin-does-not-exist (plugin): config key "path": ${JSON.stringify(`${FIXTURES}does-not-exist`)} is not an executable file (ENOENT)`,
      ),
    );
    await expect(build({ OPSORCH_INCIDENT_PLUGIN: FIXTURES })).rejects.toThrow(
      'is not an executable file (not a file)',
    );
  });

  it('rejects a bad host option, naming the key, without echoing the rest of the config', async () => {
    const error = await build({
      OPSORCH_INCIDENT_PLUGIN: `${FIXTURES}misbehaving.mjs`,
      OPSORCH_INCIDENT_CONFIG: JSON.stringify({ timeoutMs: 'soon', apiToken: 'tok-never-shown' }),
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^provider plugin-misbehaving \(plugin\): config key "timeoutMs": /);
    expect((error as Error).message).not.toContain('tok-never-shown');
  });

  it('gives capabilities with different config their own process', async () => {
    const registry = await build({
      OPSORCH_INCIDENT_PLUGIN: `${FIXTURES}misbehaving.mjs`,
      OPSORCH_ALERT_PLUGIN: `${FIXTURES}misbehaving.mjs`,
      OPSORCH_ALERT_CONFIG: '{"region":"eu"}',
    });
    try {
      expect(registry.instances.map((i) => [i.name, i.capabilities])).toEqual([
        ['plugin-misbehaving', ['incident']],
        ['plugin-misbehaving-alert', ['alert']],
      ]);
      const pids = registry.instances.map((i) => (i.adapter as ReturnType<typeof createPluginAdapter>).host.pid);
      expect(new Set(pids).size).toBe(2);
    } finally {
      await registry.close();
    }
  });
});
