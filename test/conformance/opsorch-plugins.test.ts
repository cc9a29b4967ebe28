/**
 * The conformance suite against OpsOrch's own mock plugins, the binaries every OpsOrch user starts
 * with (built unmodified from upstream, in ../shared/opsorch/bin/): one provider per binary, each
 * serving its capability, as `OPSORCH_<CAP>_PLUGIN=<bin>/<cap>plugin` configures them.
 */
import type { Capability } from '../../adapters/contract/index.js';
import { createPluginAdapter } from '../../adapters/plugin/index.js';
import { testLogger } from '../helpers/gateway.js';
import { OPSORCH_BIN, OPSORCH_PLUGINS } from '../helpers/opsorch.js';
import { describeConformance } from './suite.js';

for (const [capability, binary] of Object.entries(OPSORCH_PLUGINS) as [Capability, string][]) {
  describeConformance({
    name: binary,
    capabilities: [capability],
    create: async () =>
      createPluginAdapter(
        { path: `${OPSORCH_BIN}/${binary}`, capabilities: [capability] },
        { name: binary, logger: testLogger },
      ),
    writes: capability === 'incident',
  });
}
