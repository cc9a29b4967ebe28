/**
 * Subscription fan-out: one gateway process (as `npm start` runs it, with the seeded mock, live activity off),
 * `subscribers` graphql-ws clients on one incident's timeline, then mutations one after another.
 * Reports the time from sending a mutation until its entry reached the last subscriber (p50, p99
 * over the mutations), and the gateway's heap plus external memory per idle subscription, read
 * from its own `/metrics` so the clients' memory is not counted. The same subscribers and appends
 * against the fan-out floor (`bare/fanout.ts`) say what of that latency is the machine's.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { cpuMs } from './lib/cpu.js';
import { startServer } from './lib/process.js';
import { rawSubscriber, startsWith, type TextHandler } from './lib/raw-subscriber.js';

export interface FanoutResult {
  p50Ms: number;
  p99Ms: number;
  bytesPerIdleSubscription: number;
  /** The same after a full collection in the gateway: what idle subscriptions hold, without garbage. */
  liveBytesPerIdleSubscription: number;
  /** CPU the gateway process spent per measured mutation (its fan-out included), from /proc. */
  gatewayCpuMsPerMutation: number;
  /** CPU the bench process (the subscribers' side) spent per measured mutation. */
  clientCpuMsPerMutation: number;
}

/**
 * Mutations delivered before measuring: the first events after subscribing pay one-time costs
 * (the delivery path's first compilation), which the other figures leave out with a warm-up too.
 */
const WARMUP_MUTATIONS = 3;
const DEADLINE_MS = 60_000;
const CONNECT_BATCH = 250;

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

function clientCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Heap in use plus memory held outside it (socket buffers), as the gateway reports it. */
async function gatewayMemory(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return read('nodejs_heap_size_used_bytes') + read('nodejs_external_memory_bytes');
}

/**
 * Loaded into the gateway (`--import`, with `--expose-gc`): a full collection on SIGUSR2, as the
 * soak asks for one, so live memory can be read apart from garbage not yet collected.
 */
const GC_ON_SIGNAL = 'data:text/javascript,process.on("SIGUSR2",()=>globalThis.gc())';

/** Heap plus external memory after a full collection (the median of three). */
async function liveMemory(base: string, pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    process.kill(pid, 'SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    samples.push(await gatewayMemory(base));
  }
  return samples.sort((a, b) => a - b)[1] as number;
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

/** What every delivery to subscription "1" starts with. */
const NEXT = Buffer.from('{"id":"1","type":"next","payload":');

interface Pending {
  /** The entry's body (plain text, so it reads the same inside a JSON string). */
  marker: Buffer;
  count: number;
  /** When the last subscriber got it. */
  last: number;
  done(): void;
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out waiting for ${what}`)), DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Subscribers on bare sockets (`lib/raw-subscriber.ts`), so the bench process costs little beside the gateway. */
async function connectSubscribers(
  port: number,
  incidentId: string,
  count: number,
  sockets: Socket[],
  onText: TextHandler,
): Promise<void> {
  const subscribe = JSON.stringify({
    id: '1',
    type: 'subscribe',
    payload: {
      query: 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }',
      variables: { id: incidentId },
    },
  });
  const connectOne = () => {
    const { socket, subscribed } = rawSubscriber(port, subscribe, onText);
    sockets.push(socket);
    return subscribed;
  };
  // In batches, so the gateway's accept queue never overflows.
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    await withDeadline(
      Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, connectOne)),
      `subscribers ${i} to ${Math.min(count, i + CONNECT_BATCH)} to connect`,
    );
  }
}

interface Deliveries {
  p50Ms: number;
  p99Ms: number;
  cpuMsPerMutation: number;
  clientCpuMsPerMutation: number;
}

/**
 * Subscribes `subscribers` on `port`, waits until the server counts them all (`subscribed`), calls
 * `onSubscribed` once they are, then appends entries one after another (`append`), each timed from
 * its send until the last subscriber got it. `sockets` collects the subscribers' sockets for the
 * caller to close.
 */
async function deliveries(options: {
  port: number;
  pid: number;
  incidentId: string;
  subscribers: number;
  mutations: number;
  sockets: Socket[];
  subscribed(): Promise<number>;
  onSubscribed?(): Promise<void>;
  append(marker: string): Promise<void>;
}): Promise<Deliveries> {
  let pending: Pending | undefined;
  await connectSubscribers(
    options.port,
    options.incidentId,
    options.subscribers,
    options.sockets,
    (data, start, end, at) => {
      if (!startsWith(data, start, end, NEXT)) {
        throw new Error(`bench: unexpected message ${data.toString('utf8', start, end)}`);
      }
      const found = pending ? data.indexOf(pending.marker, start) : -1;
      if (pending && found >= 0 && found + pending.marker.length <= end) {
        pending.count += 1;
        pending.last = at;
        if (pending.count === options.subscribers) pending.done();
      }
    },
  );
  await until(
    async () => ((await options.subscribed()) === options.subscribers ? true : undefined),
    `${options.subscribers} live subscriptions`,
  );
  await options.onSubscribed?.();

  const latencies: number[] = [];
  let serverCpuStart = 0;
  let clientCpuStart = 0;
  for (let m = 0; m < WARMUP_MUTATIONS + options.mutations; m++) {
    if (m === WARMUP_MUTATIONS) {
      serverCpuStart = cpuMs(options.pid);
      clientCpuStart = clientCpuMs();
    }
    // A full stop ends each marker, so "entry 1." is not found in "entry 10.".
    const marker = `bench entry ${m}.`;
    let done: () => void = () => undefined;
    const delivered = new Promise<void>((resolve) => {
      done = resolve;
    });
    const current: Pending = { marker: Buffer.from(marker), count: 0, last: 0, done };
    pending = current;
    const sent = performance.now();
    await options.append(marker);
    await withDeadline(delivered, `delivery of ${marker} (${current.count} of ${options.subscribers})`);
    if (m >= WARMUP_MUTATIONS) latencies.push(current.last - sent);
    pending = undefined;
  }
  const serverCpu = cpuMs(options.pid) - serverCpuStart;
  const clientCpu = clientCpuMs() - clientCpuStart;
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuMsPerMutation: Math.round((serverCpu / options.mutations) * 10) / 10,
    clientCpuMsPerMutation: Math.round((clientCpu / options.mutations) * 10) / 10,
  };
}

/** `mutations` measured ones, after the warm-up; with 30 the p99 is the slowest of them. */
export async function subscriptionFanout(opts: { subscribers: number; mutations?: number }): Promise<FanoutResult> {
  const mutations = opts.mutations ?? 30;
  const profile = process.env.BENCH_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '/tmp/prof'}`]
    : [];
  const gateway = await startServer({
    name: 'gateway',
    entry: 'src/main.ts',
    nodeArgs: ['--expose-gc', '--import', GC_ON_SIGNAL, ...profile],
    env: {
      OPSORCH_ADDR: '127.0.0.1:0',
      OPSORCH_MOCK_LIVE: 'false',
      // Every subscriber is a socket from this one address.
      OPSORCH_WS_MAX_SOCKETS_PER_CLIENT: String(opts.subscribers + 10),
    },
    readyPath: '/healthz',
  });
  const base = gateway.origin;
  const sockets: Socket[] = [];
  try {
    const { incidents } = await post<{ incidents: { edges: { node: { id: string } }[] } }>(
      base,
      '{ incidents(first: 1, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id } } } }',
    );
    const incidentId = incidents.edges[0]?.node.id;
    if (!incidentId) throw new Error('bench: the mock world has no open incident');
    const before = await steadyMemory(base);
    const liveBefore = await liveMemory(base, gateway.pid);
    let after = 0;
    let liveAfter = 0;
    const measured = await deliveries({
      port: Number(new URL(base).port),
      pid: gateway.pid,
      incidentId,
      subscribers: opts.subscribers,
      mutations,
      sockets,
      subscribed: () => liveSubscriptions(base),
      onSubscribed: async () => {
        after = await steadyMemory(base);
        liveAfter = await liveMemory(base, gateway.pid);
      },
      append: async (marker) => {
        await post(
          base,
          'mutation($id: ID!, $body: String!) { incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } } }',
          { id: incidentId, body: marker },
        );
      },
    });
    return {
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      bytesPerIdleSubscription: Math.max(0, Math.round((after - before) / opts.subscribers)),
      liveBytesPerIdleSubscription: Math.max(0, Math.round((liveAfter - liveBefore) / opts.subscribers)),
      gatewayCpuMsPerMutation: measured.cpuMsPerMutation,
      clientCpuMsPerMutation: measured.clientCpuMsPerMutation,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await gateway.stop();
  }
}

/**
 * The same subscribers and appends against the fan-out floor (`bench/bare/fanout.ts`): one
 * prepared frame written to every socket. Its latency is what this machine's kernel and the
 * subscribers in the bench process cost; the gateway's figure above is read against it.
 */
export async function fanoutFloor(opts: { subscribers: number; mutations?: number }): Promise<Deliveries> {
  const floor = await startServer({
    name: 'fan-out floor',
    entry: 'bench/bare/fanout.ts',
    env: { FANOUT_PORT: '0' },
    readyPath: '/healthz',
  });
  const sockets: Socket[] = [];
  try {
    return await deliveries({
      port: Number(new URL(floor.origin).port),
      pid: floor.pid,
      incidentId: 'floor',
      subscribers: opts.subscribers,
      mutations: opts.mutations ?? 30,
      sockets,
      subscribed: async () => Number(await (await fetch(`${floor.origin}/subscribers`)).text()),
      append: async (marker) => {
        const response = await fetch(`${floor.origin}/append`, { method: 'POST', body: marker });
        await response.arrayBuffer();
      },
    });
  } finally {
    for (const socket of sockets) socket.destroy();
    await floor.stop();
  }
}
