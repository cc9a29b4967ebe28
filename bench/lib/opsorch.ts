/**
 * OpsOrch Core and the gateway as two processes over the same OpsOrch plugin binaries
 * (`../shared/opsorch/bin`, built unmodified from upstream): each starts its own plugin processes,
 * as two deployments would.
 */
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { opsorchBin } from '../../test/helpers/opsorch.js';
import { startCore } from '../../test/helpers/opsorch-core.js';
import { type ServerProcess, startServer } from './process.js';

/** `OPSORCH_<CAP>_PLUGIN` for every capability: OpsOrch's mock plugin is named `<cap>plugin`. */
export function pluginEnv(): Record<string, string> {
  const bin = opsorchBin();
  return Object.fromEntries(
    CAPABILITIES.map((capability) => [`OPSORCH_${capability.toUpperCase()}_PLUGIN`, `${bin}/${capability}plugin`]),
  );
}

export async function startCoreProcess(name: string): Promise<ServerProcess> {
  const core = await startCore(pluginEnv());
  return { name, origin: core.base, pid: core.child.pid ?? -1, stop: () => core.stop() };
}

/** The gateway as `npm start` runs it, every capability on its OpsOrch plugin. */
export async function startPluginGatewayProcess(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess & { graphql: string }> {
  const server = await startServer({
    name,
    entry: 'src/main.ts',
    env: { OPSORCH_ADDR: '127.0.0.1:0', OPSORCH_PLAYGROUND: 'false', ...pluginEnv(), ...extraEnv },
    readyPath: '/healthz',
    nodeArgs: process.env.BENCH_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '/tmp/prof'}`]
      : [],
  });
  return { ...server, graphql: `${server.origin}/graphql` };
}
