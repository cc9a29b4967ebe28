/**
 * Figure 3: what the gateway's machinery costs, against a bare Apollo Server over the same data in
 * memory: throughput at saturation and latency at a moderate fixed rate, for a typical list query
 * and for a large response (500 incidents with service and team). CPU milliseconds per request are
 * reported too, being the least noisy figure.
 *
 * The unit of repetition is a pair of freshly started processes, not a run against the same pair:
 * one process can settle into a slower state for its whole life (full runs of one commit gave 1.08x,
 * 0.78x and 0.85x, the first with a floor spending 36 % more CPU per request than in the others),
 * which no number of runs against it reveals. A full run measures three pairs, the first the
 * shared one and two started here, and reports the pair with the median ratio, and every pair's
 * ratio beside it.
 */
import { cpuMs } from '../lib/cpu.js';
import { FAST, startBareProcess, startGatewayProcess } from '../lib/gateway.js';
import { graphqlBody } from '../lib/http.js';
import { type LoadResult, load } from '../lib/load.js';
import { median, ratio, round } from '../lib/stats.js';
import { INCIDENT_LIST, incidentsQuery } from '../queries.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';
import { pageCursors } from './cursors.js';

const MODERATE_RATE = 100;
/** Seconds of load before each measured run: a fresh process is still compiling its hot paths. */
const WARM_UP_SECONDS = 3;

interface Measured extends LoadResult {
  cpuMsPerRequest: number;
}

interface Pair {
  gateway: GraphQLServer;
  bare: GraphQLServer;
}

interface Load {
  body: (server: GraphQLServer) => Promise<string>;
  connections: number;
  rate?: number;
}

type Compared = { gateway: Measured; bare: Measured };

const LOADS = {
  'overhead.list.saturated': { body: async () => graphqlBody(INCIDENT_LIST), connections: 10 },
  'overhead.list.moderate': { body: async () => graphqlBody(INCIDENT_LIST), connections: 4, rate: MODERATE_RATE },
  'overhead.large500.saturated': {
    body: async (server: GraphQLServer) => graphqlBody(incidentsQuery(500, await pageCursors(server.graphql, 5))),
    connections: 4,
  },
} satisfies Record<string, Load>;

async function measure(server: GraphQLServer, body: string, what: Load, seconds: number): Promise<Measured> {
  const cpuBefore = cpuMs(server.pid);
  const result = await load({
    url: server.graphql,
    body,
    seconds,
    connections: what.connections,
    ...(what.rate ? { rate: what.rate } : {}),
  });
  return { ...result, cpuMsPerRequest: (cpuMs(server.pid) - cpuBefore) / Math.max(1, result.requests) };
}

/** One run a side, after a warm-up a side. */
async function compare(pair: Pair, what: Load, options: BenchOptions): Promise<Compared> {
  const gatewayBody = await what.body(pair.gateway);
  const bareBody = await what.body(pair.bare);
  await measure(pair.gateway, gatewayBody, what, WARM_UP_SECONDS);
  await measure(pair.bare, bareBody, what, WARM_UP_SECONDS);
  return {
    gateway: await measure(pair.gateway, gatewayBody, what, options.loadSeconds),
    bare: await measure(pair.bare, bareBody, what, options.loadSeconds),
  };
}

/** What decides which pair is the median one. */
function score(r: Compared, rate: boolean): number {
  return rate ? r.gateway.p99Ms - r.bare.p99Ms : r.gateway.requestsPerSecond / r.bare.requestsPerSecond;
}

function figures(prefix: string, pairs: Compared[], rate: boolean): Figures {
  const scores = pairs.map((r) => score(r, rate));
  const mid = median(scores);
  const r = pairs[scores.indexOf(mid)] as Compared;
  const out: Figures = {
    [`${prefix}.gateway.cpuMsPerRequest`]: round(r.gateway.cpuMsPerRequest, 3),
    [`${prefix}.bare.cpuMsPerRequest`]: round(r.bare.cpuMsPerRequest, 3),
    [`${prefix}.ratio.cpuGatewayOverBare`]: ratio(r.gateway.cpuMsPerRequest, r.bare.cpuMsPerRequest),
    [`${prefix}.ratio.cpuGatewayOverBare.pairs`]: pairs
      .map((p) => ratio(p.gateway.cpuMsPerRequest, p.bare.cpuMsPerRequest))
      .join(' '),
    [`${prefix}.gateway.p50Ms`]: r.gateway.p50Ms,
    [`${prefix}.gateway.p99Ms`]: r.gateway.p99Ms,
    [`${prefix}.bare.p50Ms`]: r.bare.p50Ms,
    [`${prefix}.bare.p99Ms`]: r.bare.p99Ms,
    [`${prefix}.errors`]: pairs.reduce((sum, p) => sum + p.gateway.errors + p.bare.errors, 0),
  };
  if (rate) {
    out[`${prefix}.rateRps`] = MODERATE_RATE;
    out[`${prefix}.addedP99Ms`] = round(r.gateway.p99Ms - r.bare.p99Ms, 2);
    out[`${prefix}.addedP99Ms.pairs`] = scores.join(' ');
    out[`${prefix}.addedP50Ms`] = round(r.gateway.p50Ms - r.bare.p50Ms, 2);
  } else {
    out[`${prefix}.gateway.rps`] = r.gateway.requestsPerSecond;
    out[`${prefix}.bare.rps`] = r.bare.requestsPerSecond;
    out[`${prefix}.ratio.throughputGatewayOverBare`] = ratio(r.gateway.requestsPerSecond, r.bare.requestsPerSecond);
    out[`${prefix}.ratio.throughputGatewayOverBare.pairs`] = scores.map((x) => round(x, 3)).join(' ');
  }
  return out;
}

async function measurePair(pair: Pair, options: BenchOptions, into: Record<string, Compared[]>): Promise<void> {
  for (const [prefix, what] of Object.entries(LOADS)) {
    into[prefix] = [...(into[prefix] ?? []), await compare(pair, what, options)];
  }
}

export async function overheadFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const results: Record<string, Compared[]> = {};
  await measurePair({ gateway: servers.gatewayFast, bare: servers.bare }, options, results);
  for (let n = 2; n <= (options.quick ? 1 : 3); n++) {
    const pair = {
      gateway: await startGatewayProcess(`gateway-fast-${n}`, FAST),
      bare: await startBareProcess(`bare-${n}`, FAST),
    };
    try {
      await measurePair(pair, options, results);
    } finally {
      await Promise.all([pair.gateway.stop(), pair.bare.stop()]);
    }
  }
  return Object.assign(
    { 'overhead.pairs': results['overhead.list.saturated']?.length ?? 0 },
    ...Object.entries(results).map(([prefix, pairs]) => figures(prefix, pairs, prefix.endsWith('moderate'))),
  );
}
