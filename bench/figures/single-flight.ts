/**
 * Before/after for single-flight: many consoles open the same incident page at once (an incident
 * everyone is looking at). Provider calls per page, throughput and latency, with and without.
 */
import { graphql, graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { providerCalls } from '../lib/prometheus.js';
import { ratio, round } from '../lib/stats.js';
import { INCIDENT_PAGE } from '../queries.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';
import { pickIncident } from './page.js';

const CONNECTIONS = 20;

async function run(server: GraphQLServer, body: string, seconds: number) {
  const before = await providerCalls(server.origin);
  const result = await load({ url: server.graphql, body, seconds, connections: CONNECTIONS, checkBodies: true });
  const calls = (await providerCalls(server.origin)) - before;
  return { ...result, callsPerPage: round(calls / Math.max(1, result.requests), 2) };
}

export async function singleFlightFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const { id } = await pickIncident(servers.gateway);
  const body = graphqlBody(INCIDENT_PAGE, { id });
  await graphql(servers.gatewayNoSingleFlight.graphql, INCIDENT_PAGE, { id });
  const on = await run(servers.gateway, body, options.loadSeconds);
  const off = await run(servers.gatewayNoSingleFlight, body, options.loadSeconds);
  return {
    'singleFlight.connections': CONNECTIONS,
    'singleFlight.on.callsPerPage': on.callsPerPage,
    'singleFlight.off.callsPerPage': off.callsPerPage,
    'singleFlight.on.rps': on.requestsPerSecond,
    'singleFlight.off.rps': off.requestsPerSecond,
    'singleFlight.on.p99Ms': on.p99Ms,
    'singleFlight.off.p99Ms': off.p99Ms,
    'singleFlight.errors': on.errors + off.errors,
    'singleFlight.ratio.callsOffOverOn': ratio(off.callsPerPage, on.callsPerPage),
  };
}
