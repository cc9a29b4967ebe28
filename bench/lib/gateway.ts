/** The gateway under test, as its own process, every capability on the (multiplied) mock world. */
import { CAPABILITIES } from '../../adapters/contract/index.js';
import type { Copies } from '../gateway/bench-adapter.js';
import { type ServerProcess, startServer } from './process.js';

/**
 * The instant the mock world is anchored at: this run's start, to the minute, computed once here
 * and handed to every process in its config, so every process sees the same data. The world's
 * history ends there and its clock runs on from it, as the gateway's own clock does: an open
 * incident's window (which ends at the gateway's clock) then covers the world's data whatever the
 * date. A fixed date would leave every day since then as metric points after the world's now,
 * all null (the incident page run on 2026-12-02 against a 2026-11-20 anchor: a 12-day window,
 * 92% of its 750 points null).
 */
export const MOCK_NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

export interface MockSettings {
  latencyMs: number;
  copies: Copies;
}

/** Zero-latency providers with a thousand incidents: the overhead and scale figures' world. */
export const FAST: MockSettings = { latencyMs: 0, copies: { incident: 42, alert: 1, ticket: 1 } };

/** Config shared by gateway, REST server and bare server, so all three serve the same world. */
export function mockConfig(settings: MockSettings): Record<string, unknown> {
  return { now: MOCK_NOW, live: false, latencyMs: settings.latencyMs, copies: settings.copies };
}

export async function startGatewayProcess(
  name: string,
  settings: MockSettings,
  switches: { dataloader?: boolean; singleFlight?: boolean } = {},
  /** Set last: e.g. one capability on another provider. */
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess & { graphql: string }> {
  const config = JSON.stringify(mockConfig(settings));
  const env: Record<string, string> = {
    OPSORCH_ADDR: '127.0.0.1:0',
    OPSORCH_PLAYGROUND: 'false',
    OPSORCH_DATALOADER: switches.dataloader === false ? 'off' : 'on',
    OPSORCH_SINGLE_FLIGHT: switches.singleFlight === false ? 'off' : 'on',
  };
  for (const capability of CAPABILITIES) {
    const prefix = `OPSORCH_${capability.toUpperCase()}`;
    env[`${prefix}_PROVIDER`] = 'bench-mock';
    env[`${prefix}_CONFIG`] = config;
  }
  Object.assign(env, extraEnv);
  const server = await startServer({
    name,
    entry: 'bench/gateway/main.ts',
    env,
    readyPath: '/healthz',
    // The soak asks for a full collection before reading the heap (SIGUSR2, see bench/gateway/main.ts).
    nodeArgs: [
      '--expose-gc',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '/tmp/prof'}`] : []),
    ],
  });
  return { ...server, graphql: `${server.origin}/graphql` };
}

export async function startRestProcess(name: string, settings: MockSettings): Promise<ServerProcess> {
  return startServer({
    name,
    entry: 'bench/rest/main.ts',
    env: { REST_PORT: '0', REST_CONFIG: JSON.stringify(mockConfig(settings)) },
    readyPath: '/health',
  });
}

export async function startBareProcess(
  name: string,
  settings: MockSettings,
): Promise<ServerProcess & { graphql: string }> {
  const server = await startServer({
    name,
    entry: 'bench/bare/main.ts',
    env: { BARE_PORT: '0', BARE_CONFIG: JSON.stringify(mockConfig(settings)) },
    readyPath: '/health',
  });
  return { ...server, graphql: `${server.origin}/graphql` };
}
