/** Builds the plugin adapter around an example plugin, as the registry does from OPSORCH_<CAP>_PLUGIN. */
import type { Adapter, Capability } from '../../adapters/contract/index.js';
import { createPluginAdapter } from '../../adapters/plugin/index.js';
import { testLogger } from '../helpers/gateway.js';

export const EXAMPLES = new URL('../../examples/plugins/', import.meta.url).pathname;

export function examplePlugin(name: string, path: string, capabilities: Capability[]): () => Promise<Adapter> {
  return async () => createPluginAdapter({ path: `${EXAMPLES}${path}`, capabilities }, { name, logger: testLogger });
}
