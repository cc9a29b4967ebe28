/**
 * OpsOrch Core and the gateway as two processes over the same OpsOrch plugin binaries
 * (`../shared/opsorch/bin`, built unmodified from upstream): each starts its own plugin processes,
 * as two deployments would.
 */
import { OPSORCH_PLUGIN_ENV } from '../../test/helpers/opsorch.js';
import { startCore } from '../../test/helpers/opsorch-core.js';
import { type ServerProcess, startServer } from './process.js';

export async function startCoreProcess(name: string): Promise<ServerProcess> {
  const core = await startCore(OPSORCH_PLUGIN_ENV);
  return { name, origin: core.base, pid: core.child.pid ?? -1, stop: () => core.stop() };
}

/**
 * The gateway as `npm start` runs it, every capability on its OpsOrch plugin, at its default log
 * level (a line per GraphQL request), as Core beside it logs an audit line per request at its own.
 */
export async function startPluginGatewayProcess(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess & { graphql: string }> {
  const server = await startServer({
    name,
    entry: 'src/main.ts',
    env: {
      OPSORCH_ADDR: '127.0.0.1:0',
      OPSORCH_PLAYGROUND: 'false',
      OPSORCH_LOG_LEVEL: 'info',
      ...OPSORCH_PLUGIN_ENV,
      ...extraEnv,
    },
    readyPath: '/healthz',
    nodeArgs: process.env.BENCH_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '/tmp/prof'}`]
      : [],
  });
  return { ...server, graphql: `${server.origin}/graphql` };
}
