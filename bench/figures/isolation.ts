/**
 * Provider isolation: latency of queries to a healthy provider while another provider hangs. The
 * gateway serves incidents from PagerDuty's adapter pointed at a server that accepts requests and
 * never answers, and everything else from the bench mock (injected latency). Clients keep asking
 * for incidents, each a distinct query (so no read is shared), while autocannon measures a ticket
 * query; the same ticket load alone is the baseline. The ratio is the figure: with per-provider
 * slots, queues and breakers it stays near 1, however many requests wait on the hanging provider.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGatewayProcess } from '../lib/gateway.js';
import { graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { ratio } from '../lib/stats.js';
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

/** Clients that keep asking for incidents until stopped; counts how their answers failed. */
function askHangingProvider(url: string) {
  let running = true;
  const codes: Record<string, number> = {};
  const loops = Array.from({ length: HANGING_CLIENTS }, async (_, client) => {
    for (let round = 0; running; round++) {
      const first = 1 + ((client + round * HANGING_CLIENTS) % 100);
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: graphqlBody(`{ incidents(first: ${first}) { nodes { id } } }`),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        const code = body.errors?.[0]?.extensions?.code ?? 'OK';
        codes[code] = (codes[code] ?? 0) + 1;
      } catch {
        codes.FETCH_FAILED = (codes.FETCH_FAILED ?? 0) + 1;
      }
    }
  });
  return {
    async stop() {
      running = false;
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
    const alone = await run();
    const askers = askHangingProvider(gateway.graphql);
    const during = await run();
    // Past the load the askers still hold requests open at the hanging provider; they end with the
    // adapter's time-out, or at once once the breaker is open.
    const codes = await askers.stop();
    const { received, mostHeld } = hanging.stats();
    return {
      'isolation.connections': CONNECTIONS,
      'isolation.hangingClients': HANGING_CLIENTS,
      'isolation.alone.p50Ms': alone.p50Ms,
      'isolation.alone.p99Ms': alone.p99Ms,
      'isolation.hanging.p50Ms': during.p50Ms,
      'isolation.hanging.p99Ms': during.p99Ms,
      'isolation.errors': alone.errors + during.errors,
      'isolation.hangingProvider.requests': received,
      'isolation.hangingProvider.mostHeldAtOnce': mostHeld,
      'isolation.hangingAnswers': Object.entries(codes)
        .map(([code, count]) => `${code}:${count}`)
        .join(' '),
      'isolation.ratio.p99HangingOverAlone': ratio(during.p99Ms, alone.p99Ms),
    };
  } finally {
    await gateway.stop();
    await hanging.stop();
  }
}
