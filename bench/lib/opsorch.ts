/**
 * OpsOrch Core and the gateway as two processes over the same OpsOrch plugin binaries
 * (`../shared/opsorch/bin`, built unmodified from upstream): each starts its own plugin processes,
 * as two deployments would.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAPABILITIES } from '../../adapters/contract/index.js';
import { freePort, type ServerProcess, startServer, stopChild } from './process.js';
import { sleep } from './stats.js';

/** `shared/opsorch/bin` beside the checkout, or beside a folder above it (a git worktree's). */
export function opsorchBin(): string {
  let dir = fileURLToPath(new URL('../..', import.meta.url));
  for (;;) {
    const candidate = join(dirname(dir), 'shared', 'opsorch', 'bin');
    if (existsSync(join(candidate, 'opsorch'))) return candidate;
    if (dirname(dir) === dir) throw new Error('OpsOrch binaries not found: expected ../shared/opsorch/bin');
    dir = dirname(dir);
  }
}

/** `OPSORCH_<CAP>_PLUGIN` for every capability: OpsOrch's mock plugin is named `<cap>plugin`. */
export function pluginEnv(): Record<string, string> {
  const bin = opsorchBin();
  return Object.fromEntries(
    CAPABILITIES.map((capability) => [`OPSORCH_${capability.toUpperCase()}_PLUGIN`, `${bin}/${capability}plugin`]),
  );
}

export async function startCoreProcess(name: string): Promise<ServerProcess> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(join(opsorchBin(), 'opsorch'), [], {
    env: { PATH: process.env.PATH ?? '', OPSORCH_ADDR: `127.0.0.1:${port}`, ...pluginEnv() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const early = await Promise.race([exited, sleep(50).then(() => undefined)]);
    if (early !== undefined) throw new Error(`${name} exited with ${early} before it was ready: ${stderr}`);
    const ok = await fetch(`${origin}/health`).then(
      async (response) => {
        await response.arrayBuffer();
        return response.ok;
      },
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new Error(`${name} did not become ready within 30 s: ${stderr}`);
    }
  }
  return { name, origin, pid: child.pid ?? -1, stop: () => stopChild(child, exited) };
}

/** The gateway as `npm start` runs it, every capability on its OpsOrch plugin. */
export async function startPluginGatewayProcess(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess & { graphql: string }> {
  const port = await freePort();
  const server = await startServer({
    name,
    entry: 'src/main.ts',
    env: { OPSORCH_ADDR: `127.0.0.1:${port}`, OPSORCH_PLAYGROUND: 'false', ...pluginEnv(), ...extraEnv },
    port,
    readyPath: '/healthz',
    nodeArgs: process.env.BENCH_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '/tmp/prof'}`]
      : [],
  });
  return { ...server, graphql: `${server.origin}/graphql` };
}
