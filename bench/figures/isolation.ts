/**
 * Provider isolation: latency of queries to a healthy provider while another provider hangs. The
 * gateway serves incidents from PagerDuty's adapter pointed at a server that accepts requests and
 * never answers, and everything else from the bench mock (injected latency). Clients keep asking
 * for incidents, each a distinct query (so no read is shared), while autocannon measures a ticket
 * query; the same ticket load alone is the baseline. The ratio is the figure: with per-provider
 * slots, queues and breakers it stays near 1, however many requests wait on the hanging provider.
 */
import { once, setMaxListeners } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import { startGatewayProcess } from '../lib/gateway.js';
import { graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { alternatePairs, pairFigures, pairsFor } from '../lib/pairs.js';
import type { BenchOptions, Figures } from './context.js';

const HEALTHY = graphqlBody('{ tickets(first: 5) { nodes { id title status } } }');
const CONNECTIONS = 10;
/** Clients asking the hanging provider at once: twice its default concurrency cap. */
const HANGING_CLIENTS = 32;

async function startHangingProvider() {
  const held = new Set<ServerResponse>();
  let received = 0;
  let mostHeld = 0;
  const server = createServer((req, res) => {
    received++;
    req.resume();
    held.add(res);
    mostHeld = Math.max(mostHeld, held.size);
    res.on('close', () => held.delete(res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats: () => ({ received, mostHeld }),
    async stop() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

type Answer = { errors?: { extensions?: { code?: string; retryAfter?: number } }[] };

/**
 * Clients that keep asking for incidents until stopped, waiting the `retryAfter` a refusal names as
 * the gateway tells clients to; counts how their answers failed. Without the wait, 32 clients
 * re-asking the moment the breaker refuses them are a load of their own, in the measuring process
 * and on the same cores, and the figure would time that load rather than the hanging provider.
 */
function askHangingProvider(url: string) {
  const stopped = new AbortController();
  // Every client waiting out a refusal listens for the stop.
  setMaxListeners(HANGING_CLIENTS, stopped.signal);
  const codes: Record<string, number> = {};
  const loops = Array.from({ length: HANGING_CLIENTS }, async (_, client) => {
    for (let round = 0; !stopped.signal.aborted; round++) {
      const first = 1 + ((client + round * HANGING_CLIENTS) % 100);
      let retryAfter: number | undefined;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: graphqlBody(`{ incidents(first: ${first}) { nodes { id } } }`),
        });
        const error = ((await response.json()) as Answer).errors?.[0];
        const code = error?.extensions?.code ?? 'OK';
        codes[code] = (codes[code] ?? 0) + 1;
        retryAfter = error?.extensions?.retryAfter;
      } catch {
        codes.FETCH_FAILED = (codes.FETCH_FAILED ?? 0) + 1;
      }
      if (retryAfter !== undefined)
        await wait(retryAfter * 1000, undefined, { signal: stopped.signal }).catch(() => {});
    }
  });
  return {
    async stop() {
      stopped.abort();
      await Promise.all(loops);
      return codes;
    },
  };
}

export async function isolationFigures(_servers: unknown, options: BenchOptions): Promise<Figures> {
  const hanging = await startHangingProvider();
  const gateway = await startGatewayProcess(
    'gateway-one-provider-hanging',
    { latencyMs: options.latencyMs, copies: { incident: 1, alert: 1, ticket: 1 } },
    {},
    {
      OPSORCH_INCIDENT_PROVIDER: 'pagerduty',
      OPSORCH_INCIDENT_CONFIG: JSON.stringify({ apiToken: 'bench-token', apiURL: hanging.url }),
    },
  );
  try {
    const run = () =>
      load({
        url: gateway.graphql,
        body: HEALTHY,
        seconds: options.loadSeconds,
        connections: CONNECTIONS,
        checkBodies: true,
      });
    await run();
    const codes: Record<string, number> = {};
    const pairs = await alternatePairs(pairsFor(options), run, () => {
      const askers = askHangingProvider(gateway.graphql);
      return {
        // Past the load the askers still hold requests open at the hanging provider; they end with the
        // adapter's time-out, or at once once the breaker is open.
        async stop() {
          for (const [code, count] of Object.entries(await askers.stop())) codes[code] = (codes[code] ?? 0) + count;
        },
      };
    });
    const { received, mostHeld } = hanging.stats();
    return {
      'isolation.connections': CONNECTIONS,
      'isolation.hangingClients': HANGING_CLIENTS,
      ...pairFigures('isolation', 'hanging', pairs),
      'isolation.hangingProvider.requests': received,
      'isolation.hangingProvider.mostHeldAtOnce': mostHeld,
      'isolation.hangingAnswers': Object.entries(codes)
        .map(([code, count]) => `${code}:${count}`)
        .join(' '),
    };
  } finally {
    await gateway.stop();
    await hanging.stop();
  }
}
