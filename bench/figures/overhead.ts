/**
 * Figure 3: what the gateway's machinery costs, against a bare Apollo Server over the same data in
 * memory: throughput at saturation and latency at a moderate fixed rate, for a typical list query
 * and for a large response (500 incidents with service and team).
 */
import { graphqlBody } from '../lib/http.js';
import { type LoadResult, load } from '../lib/load.js';
import { ratio, round } from '../lib/stats.js';
import { INCIDENT_LIST, incidentsQuery } from '../queries.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';
import { pageCursors } from './cursors.js';

const MODERATE_RATE = 100;

async function compare(
  servers: Servers,
  options: BenchOptions,
  body: (server: GraphQLServer) => Promise<string>,
  connections: number,
  rate: number | undefined,
): Promise<{ gateway: LoadResult; bare: LoadResult }> {
  const run = async (server: GraphQLServer, seconds: number) =>
    load({ url: server.graphql, body: await body(server), seconds, connections, ...(rate ? { rate } : {}) });
  // A short warm-up each, then the measured runs back to back.
  await run(servers.gatewayFast, 1);
  await run(servers.bare, 1);
  const gateway = await run(servers.gatewayFast, options.loadSeconds);
  const bare = await run(servers.bare, options.loadSeconds);
  return { gateway, bare };
}

function figures(prefix: string, r: { gateway: LoadResult; bare: LoadResult }, rate: boolean): Figures {
  const out: Figures = {
    [`${prefix}.gateway.p50Ms`]: r.gateway.p50Ms,
    [`${prefix}.gateway.p99Ms`]: r.gateway.p99Ms,
    [`${prefix}.bare.p50Ms`]: r.bare.p50Ms,
    [`${prefix}.bare.p99Ms`]: r.bare.p99Ms,
    [`${prefix}.errors`]: r.gateway.errors + r.bare.errors,
  };
  if (rate) {
    out[`${prefix}.rateRps`] = MODERATE_RATE;
    out[`${prefix}.addedP99Ms`] = round(r.gateway.p99Ms - r.bare.p99Ms, 2);
    out[`${prefix}.addedP50Ms`] = round(r.gateway.p50Ms - r.bare.p50Ms, 2);
  } else {
    out[`${prefix}.gateway.rps`] = r.gateway.requestsPerSecond;
    out[`${prefix}.bare.rps`] = r.bare.requestsPerSecond;
    out[`${prefix}.ratio.throughputGatewayOverBare`] = ratio(r.gateway.requestsPerSecond, r.bare.requestsPerSecond);
  }
  return out;
}

export async function overheadFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const list = async () => graphqlBody(INCIDENT_LIST);
  const large = async (server: GraphQLServer) => graphqlBody(incidentsQuery(500, await pageCursors(server.graphql, 5)));
  return {
    ...figures('overhead.list.saturated', await compare(servers, options, list, 10, undefined), false),
    ...figures('overhead.list.moderate', await compare(servers, options, list, 4, MODERATE_RATE), true),
    ...figures('overhead.large500.saturated', await compare(servers, options, large, 4, undefined), false),
  };
}
