/**
 * Before/after for single-flight: many consoles open the same incident page at once (an incident
 * everyone is looking at). Provider calls per page, throughput and latency, with and without.
 * Calls the gateway refused (its per-provider concurrency cap and queue, its breaker) reach no
 * provider, so they are counted apart, and each kind of error the run saw is reported.
 */
import { graphql, graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { scrape, total } from '../lib/prometheus.js';
import { ratio, round } from '../lib/stats.js';
import { INCIDENT_PAGE } from '../queries.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';
import { pickIncident } from './page.js';

const CONNECTIONS = 20;

async function counts(server: GraphQLServer) {
  const samples = await scrape(server.origin);
  return {
    calls: total(samples, 'opsorch_provider_calls_total'),
    refused: total(samples, 'opsorch_provider_calls_rejected_total'),
  };
}

async function run(server: GraphQLServer, body: string, seconds: number) {
  const before = await counts(server);
  const result = await load({ url: server.graphql, body, seconds, connections: CONNECTIONS, checkBodies: true });
  const after = await counts(server);
  const perPage = (n: number) => round(n / Math.max(1, result.requests), 2);
  return {
    ...result,
    callsPerPage: perPage(after.calls - before.calls),
    refusedPerPage: perPage(after.refused - before.refused),
  };
}

/** `{"graphql PROVIDER_UNAVAILABLE: ...": 12}` as one line a table cell can hold. */
function kinds(errorKinds: Record<string, number>): string {
  const entries = Object.entries(errorKinds).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${n}× ${kind}`).join(' | ');
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
    'singleFlight.on.refusedPerPage': on.refusedPerPage,
    'singleFlight.off.refusedPerPage': off.refusedPerPage,
    'singleFlight.on.rps': on.requestsPerSecond,
    'singleFlight.off.rps': off.requestsPerSecond,
    'singleFlight.on.p99Ms': on.p99Ms,
    'singleFlight.off.p99Ms': off.p99Ms,
    'singleFlight.errors': on.errors + off.errors,
    'singleFlight.on.errorKinds': kinds(on.errorKinds),
    'singleFlight.off.errorKinds': kinds(off.errorKinds),
    'singleFlight.inFlightAtStop': on.inFlightAtStop + off.inFlightAtStop,
    'singleFlight.ratio.callsOffOverOn': ratio(off.callsPerPage, on.callsPerPage),
  };
}
