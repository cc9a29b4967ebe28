/**
 * Subscription fan-out: one gateway process (as `npm start` runs it, with the seeded mock, live activity off),
 * `subscribers` graphql-ws clients on one incident's timeline, then mutations one after another.
 * Reports the time from sending a mutation until its entry reached the last subscriber (p50, p99
 * over the mutations), and the gateway's heap plus external memory per idle subscription, read
 * from its own `/metrics` so the clients' memory is not counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { compiledEntry } from './lib/process.js';

export interface FanoutResult {
  p50Ms: number;
  p99Ms: number;
  bytesPerIdleSubscription: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/**
 * Mutations delivered before measuring: the first events after subscribing pay one-time costs
 * (the delivery path's first compilation), which the other figures leave out with a warm-up too.
 */
const WARMUP_MUTATIONS = 3;
const DEADLINE_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

async function post<T>(base: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data || body.errors) throw new Error(`bench: GraphQL errors ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Heap in use plus memory held outside it (socket buffers), as the gateway reports it. */
async function gatewayMemory(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return read('nodejs_heap_size_used_bytes') + read('nodejs_external_memory_bytes');
}

/** The median of a few samples, so one collection in between does not decide the figure. */
async function steadyMemory(base: string): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(await gatewayMemory(base));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return samples.sort((a, b) => a - b)[2] as number;
}

async function liveSubscriptions(base: string): Promise<number> {
  const body = (await (await fetch(`${base}/readyz`)).json()) as { live?: { subscriptions: number } };
  return body.live?.subscriptions ?? -1;
}

/** `mutations` measured ones, after the warm-up; with 30 the p99 is the slowest of them. */
export async function subscriptionFanout(opts: { subscribers: number; mutations?: number }): Promise<FanoutResult> {
  const mutations = opts.mutations ?? 30;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const gateway: ChildProcess = spawn(process.execPath, [compiledEntry('src/main.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      OPSORCH_ADDR: `127.0.0.1:${port}`,
      OPSORCH_MOCK_LIVE: 'false',
      OPSORCH_LOG_LEVEL: 'warn',
      // Every subscriber is a socket from this one address.
      OPSORCH_WS_MAX_SOCKETS_PER_CLIENT: String(opts.subscribers + 10),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const clients: ReturnType<typeof createClient>[] = [];
  try {
    await until(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 'the gateway to start');
    const { incidents } = await post<{ incidents: { edges: { node: { id: string } }[] } }>(
      base,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    const incidentId = incidents.edges[0]?.node.id;
    if (!incidentId) throw new Error('bench: the mock world has no open incident');
    const before = await steadyMemory(base);

    const arrivals = new Map<string, number[]>();
    for (let i = 0; i < opts.subscribers; i++) {
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      client.subscribe<{ incidentTimelineUpdated: { body: string } }>(
        {
          query: 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }',
          variables: { id: incidentId },
        },
        {
          next: ({ data }) => {
            const body = data?.incidentTimelineUpdated.body;
            if (body) arrivals.get(body)?.push(performance.now());
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    await until(
      async () => ((await liveSubscriptions(base)) === opts.subscribers ? true : undefined),
      `${opts.subscribers} live subscriptions`,
    );
    const after = await steadyMemory(base);

    const latencies: number[] = [];
    for (let m = 0; m < WARMUP_MUTATIONS + mutations; m++) {
      const body = `bench entry ${m}`;
      const times: number[] = [];
      arrivals.set(body, times);
      const sent = performance.now();
      await post(
        base,
        'mutation($id: ID!, $body: String!) { incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } } }',
        { id: incidentId, body },
      );
      await until(async () => (times.length >= opts.subscribers ? true : undefined), `delivery of ${body}`);
      if (m >= WARMUP_MUTATIONS) latencies.push(Math.max(...times) - sent);
      arrivals.delete(body);
    }
    latencies.sort((a, b) => a - b);
    return {
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      bytesPerIdleSubscription: Math.max(0, Math.round((after - before) / opts.subscribers)),
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    gateway.kill('SIGTERM');
    await new Promise((resolve) => (gateway.exitCode !== null ? resolve(null) : gateway.once('exit', resolve)));
  }
}
