/**
 * The environment a plugin process starts with, read back from a real OpsOrch plugin's
 * `/proc/<pid>/environ` after it answered a call.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginEnvironment } from '../../../adapters/plugin/environment.js';
import { createPluginAdapter, type PluginAdapter } from '../../../adapters/plugin/index.js';
import { testLogger } from '../../helpers/gateway.js';
import { OPSORCH_BIN } from '../../helpers/opsorch.js';

/** The plugin process's environment, as the kernel holds it. */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

const operatorValue = process.env.GOMAXPROCS;
let adapter: PluginAdapter | undefined;

afterEach(async () => {
  await adapter?.close();
  adapter = undefined;
  if (operatorValue === undefined) delete process.env.GOMAXPROCS;
  else process.env.GOMAXPROCS = operatorValue;
});

/** OpsOrch's incident plugin under the host, once it has answered a call. */
async function runningPlugin(): Promise<Map<string, string>> {
  adapter = createPluginAdapter(
    { path: `${OPSORCH_BIN}/incidentplugin`, capabilities: ['incident'] },
    { name: 'environment-test', logger: testLogger },
  );
  await adapter.host.call('incident.query', { limit: 1 });
  const pid = adapter.host.pids[0];
  if (pid === undefined) throw new Error('the plugin is not running');
  return environOf(pid);
}

describe('pluginEnvironment', () => {
  it('starts a plugin on one Go processor, with the rest of the gateway environment', async () => {
    delete process.env.GOMAXPROCS;
    process.env.OPSORCH_ENVIRONMENT_TEST = 'kept';
    try {
      const environ = await runningPlugin();
      expect(environ.get('GOMAXPROCS')).toBe('1');
      expect(environ.get('OPSORCH_ENVIRONMENT_TEST')).toBe('kept');
      expect(environ.get('PATH')).toBe(process.env.PATH);
    } finally {
      delete process.env.OPSORCH_ENVIRONMENT_TEST;
    }
  });

  it("keeps the operator's GOMAXPROCS", async () => {
    process.env.GOMAXPROCS = '3';
    const environ = await runningPlugin();
    expect(environ.get('GOMAXPROCS')).toBe('3');
  });

  it('leaves the environment it is given as it was', () => {
    const gateway = { PATH: '/bin' };
    expect(pluginEnvironment(gateway)).toEqual({ PATH: '/bin', GOMAXPROCS: '1' });
    expect(gateway).toEqual({ PATH: '/bin' });
    const set = { GOMAXPROCS: '' };
    expect(pluginEnvironment(set)).toEqual({ GOMAXPROCS: '' });
  });
});
