/**
 * Figures 1 and 2: provider calls and wall time for a console page, through the gateway (one
 * request), through the gateway with DataLoader off, and through the REST API the way a console
 * fetches it.
 */

import { parseConfig } from '../../adapters/mock/config.js';
import { createDelay } from '../../adapters/mock/latency.js';
import { LISTED_REMEMBERED } from '../../src/data/capabilities/incidents.js';
import { graphqlText, httpClient } from '../lib/client.js';
import { cpuMs } from '../lib/cpu.js';
import { mockConfig, startGatewayProcess } from '../lib/gateway.js';
import { graphql } from '../lib/http.js';
import { providerCalls } from '../lib/prometheus.js';
import { median, percentile, ratio, round, timed } from '../lib/stats.js';
import { INCIDENT_LIST_PAGE, INCIDENT_PAGE, listedIncidents, PAGE_CANDIDATES } from '../queries.js';
import { RestConsole } from '../rest/console.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';

interface Candidate {
  id: string;
  alerts: { totalCount: number };
  tickets: { totalCount: number };
}

/** The incident whose page has the most alerts and tickets (at least 10 and 5). */
export async function pickIncident(gateway: GraphQLServer): Promise<{ id: string; alerts: number; tickets: number }> {
  const { data } = await graphql<{ incidents: { edges: { node: Candidate }[] } }>(gateway.graphql, PAGE_CANDIDATES);
  const score = (c: Candidate) => Math.min(c.alerts.totalCount / 10, c.tickets.totalCount / 5);
  const best = data.incidents.edges.map((e) => e.node).sort((a, b) => score(b) - score(a))[0];
  if (!best || best.alerts.totalCount < 10 || best.tickets.totalCount < 5) {
    throw new Error('no incident in the bench world has 10 alerts and 5 tickets');
  }
  return { id: best.id, alerts: best.alerts.totalCount, tickets: best.tickets.totalCount };
}

export function nativeIdOf(globalId: string): string {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  return decoded.slice(decoded.indexOf(':', decoded.indexOf(':') + 1) + 1);
}

async function restCalls(rest: Servers['rest']): Promise<number> {
  const response = await fetch(`${rest.origin}/bench/calls`);
  return ((await response.json()) as { calls: number }).calls;
}

async function gatewayCost(server: GraphQLServer, query: string, variables: Record<string, unknown>) {
  const before = await providerCalls(server.origin);
  const { ms } = await timed(() => graphql(server.graphql, query, variables));
  return { calls: (await providerCalls(server.origin)) - before, ms };
}

async function restCost(rest: Servers['rest'], dedupe: boolean, fetchPage: (c: RestConsole) => Promise<unknown>) {
  const before = await restCalls(rest);
  const console = new RestConsole(rest.origin, dedupe);
  const { ms } = await timed(() => fetchPage(console));
  return { calls: (await restCalls(rest)) - before, requests: console.requests, ms };
}

/** The page's world: one incident page with at least 10 alerts and 5 tickets. */
export const PAGE_COPIES = { incident: 1, alert: 5, ticket: 5 };

/** The injected latencies the page is measured at against its floor, besides `--latency`. */
const FLOOR_LATENCIES_MS = [10, 100];
/** Provider round trips the page needs at least: the incident, then everything else at once. */
const ROUND_TRIPS = 2;

/**
 * The page's provider calls (seen in `opsorch_provider_calls_in_flight` at 100 ms): a first visit
 * reads the incident with what is keyed by its ID alongside it (timeline, linked tickets), and once
 * the incident answers, the four reads it names (alerts, deployments, metrics, logs; service, team
 * and members come from the read cache); a page read again, or opened from its list, starts all six
 * alongside the incident, from the record it has.
 */
interface PageCalls {
  /** Calls that start with the incident's and wait for nothing. */
  alongside: number;
  /** Calls that start once the incident has answered. */
  after: number;
}
const FIRST_VISIT_CALLS: PageCalls = { alongside: 2, after: 4 };
const ONE_ROUND_CALLS: PageCalls = { alongside: 6, after: 0 };

/**
 * The page's floor as the bench world sets it: a gateway that spent no time itself still waits for
 * the incident and then the slowest of the calls after it, or for the slowest call alongside it,
 * whichever ends later, and the mock's calls each wait their latency ±20% (`createDelay`, timed by
 * real timers here). That puts a first visit's floor a few percent above `ROUND_TRIPS` × latency
 * (3% at 10 ms, 5% at 40 with 200 pages each).
 */
async function jitterFloorMs(latencyMs: number, calls: PageCalls, pages: number): Promise<number> {
  const { copies: _copies, ...mock } = mockConfig({ latencyMs, copies: PAGE_COPIES });
  const delay = createDelay(latencyMs, parseConfig(mock).seed);
  const each = (n: number) => Promise.all(Array.from({ length: n }, () => delay(undefined)));
  const ms: number[] = [];
  for (let i = 0; i < pages; i++) {
    const page = () => Promise.all([delay(undefined).then(() => each(calls.after)), each(calls.alongside)]);
    ms.push((await timed(page)).ms);
  }
  return median(ms);
}

/**
 * Pages each latency's gateway serves before its steady figures (a quarter of them with `--quick`).
 * After 1,000 the 10 ms gateway's V8 still compiled a fifth of a page's instructions (TurboFan 3.0M
 * of 14.7M under callgrind, 0.2M of 10.5M after 5,000) and its threads besides the main one spent
 * 1.0-1.1 ms a page (0.4-0.6 after 5,000), as the Core page's gateway did (`core.ts`).
 */
const STEADY_WARM_UP = 5000;
/**
 * Pages the warm-up keeps in flight at once: 16 per 25 ms of injected latency, at least 16, so that
 * each latency's gateway is kept about as busy and the 100 ms one's 5,000 pages take seconds, not
 * minutes.
 */
function warmUpConcurrency(latencyMs: number): number {
  return Math.max(16, Math.round((16 * latencyMs) / 25));
}

/**
 * Wall time of `rounds` pages one after another, and the gateway's CPU per page meanwhile. Timed as
 * the Core page is (`core.ts`): `node:http` on a kept-alive connection, the answer checked for
 * errors and not parsed. `fetch` and `JSON.parse` cost about 1 ms more a page on this machine
 * (BENCHMARKS.md, 2026-12-04 22:33Z), a twentieth of the 10 ms floor, spent in the client.
 */
async function pageRounds(gateway: GraphQLServer, vars: Record<string, unknown>, rounds: number) {
  const client = httpClient('persistent');
  try {
    const page = () => graphqlText(client.send, gateway.graphql, INCIDENT_PAGE, vars);
    await page();
    const ms: number[] = [];
    const cpuBefore = cpuMs(gateway.pid);
    for (let i = 0; i < rounds; i++) ms.push((await timed(page)).ms);
    return { ms, cpuMsPerPage: (cpuMs(gateway.pid) - cpuBefore) / rounds };
  } finally {
    client.close();
  }
}

/** `pages` pages, `concurrency` at a time. */
async function warmUp(
  gateway: GraphQLServer,
  vars: Record<string, unknown>,
  pages: number,
  concurrency: number,
): Promise<void> {
  let started = 0;
  const client = async () => {
    while (started < pages) {
      started++;
      await graphql(gateway.graphql, INCIDENT_PAGE, vars);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

function floorKeys(
  key: string,
  latencyMs: number,
  measured: { ms: number[]; cpuMsPerPage: number },
  jitterFloor: number,
): Figures {
  const floorMs = ROUND_TRIPS * latencyMs;
  return {
    [`${key}.floorMs`]: floorMs,
    [`${key}.jitterFloorMs`]: round(jitterFloor, 1),
    [`${key}.p50Ms`]: round(median(measured.ms), 1),
    [`${key}.p90Ms`]: round(percentile(measured.ms, 90), 1),
    [`${key}.ratio.p50OverFloor`]: ratio(median(measured.ms), floorMs),
    [`${key}.ratio.p50OverJitterFloor`]: ratio(median(measured.ms), jitterFloor),
    [`${key}.cpuMsPerPage`]: round(measured.cpuMsPerPage, 1),
  };
}

/**
 * The page against its dependency floor (two provider round trips) at each latency: a gateway of
 * its own per latency other than the section's, over the same world and incident, warmed with 3
 * pages. Then the same pages at steady state (`.steady`): after that gateway served
 * `STEADY_WARM_UP` more, on a gateway of its own at the section's latency too (the section's
 * gateway is left as the single-flight figures expect it). A freshly started gateway's V8 still
 * compiles and optimizes for hundreds of pages (about half of a page's instructions at page 300
 * under callgrind), where a gateway in production has served thousands.
 */
async function floorFigures(
  options: BenchOptions,
  vars: Record<string, unknown>,
  atSectionLatency: { ms: number[]; cpuMsPerPage: number },
): Promise<Figures> {
  const rounds = options.quick ? 10 : 40;
  // The floor's median over many more pages than the gateway's: the gateway's is the figure, the
  // floor its yardstick (200 pages: about 100 s of timers over the three latencies).
  const floorPages = options.quick ? 50 : 200;
  const warmUpPages = options.quick ? STEADY_WARM_UP / 4 : STEADY_WARM_UP;
  const figures: Figures = { 'page.floor.steady.warmUpPages': warmUpPages };
  const latencies = [...new Set([...FLOOR_LATENCIES_MS, options.latencyMs])].sort((a, b) => a - b);
  for (const latencyMs of latencies) {
    // Measured before this latency's gateways start, so that none of them takes the timers' CPU.
    const firstVisitFloor = await jitterFloorMs(latencyMs, FIRST_VISIT_CALLS, floorPages);
    const oneRoundFloor = await jitterFloorMs(latencyMs, ONE_ROUND_CALLS, floorPages);
    const gateway = await startGatewayProcess(`gateway-${latencyMs}ms`, { latencyMs, copies: PAGE_COPIES });
    try {
      let measured = atSectionLatency;
      if (latencyMs !== options.latencyMs) {
        for (let i = 0; i < 3; i++) await graphql(gateway.graphql, INCIDENT_PAGE, vars);
        measured = await pageRounds(gateway, vars, rounds);
      }
      const concurrency = warmUpConcurrency(latencyMs);
      const warmed = await timed(() => warmUp(gateway, vars, warmUpPages, concurrency));
      figures[`page.floor.${latencyMs}ms.steady.warmUpConcurrency`] = concurrency;
      figures[`page.floor.${latencyMs}ms.steady.warmUpSeconds`] = round(warmed.ms / 1000, 1);
      const steady = await pageRounds(gateway, vars, rounds);
      Object.assign(
        figures,
        floorKeys(`page.floor.${latencyMs}ms`, latencyMs, measured, oneRoundFloor),
        floorKeys(`page.floor.${latencyMs}ms.steady`, latencyMs, steady, oneRoundFloor),
      );
    } finally {
      await gateway.stop();
    }
    const firstVisit = await firstVisits(vars, rounds, latencyMs, warmUpPages);
    Object.assign(
      figures,
      floorKeys(`page.floor.${latencyMs}ms.firstVisit`, latencyMs, firstVisit.fresh, firstVisitFloor),
      floorKeys(`page.floor.${latencyMs}ms.firstVisit.steady`, latencyMs, firstVisit.steady, firstVisitFloor),
      floorKeys(`page.floor.${latencyMs}ms.fromList`, latencyMs, await openedFromTheList(latencyMs), oneRoundFloor),
    );
  }
  return figures;
}

/**
 * The page as a first visit: on a gateway that remembers no incident (`OPSORCH_LOOKAHEAD_RECORDS=0`),
 * so that every page reads the incident before what it names, as the first page of an incident
 * does. The figures above are of a page read again, whose reads start from the incident as last read.
 * Measured after 3 pages (`fresh`) and after `warmUpPages` more (`steady`): an incident's first page
 * in production is mostly served by a gateway that has served thousands of others.
 */
async function firstVisits(vars: Record<string, unknown>, rounds: number, latencyMs: number, warmUpPages: number) {
  const gateway = await startGatewayProcess(
    `gateway-${latencyMs}ms-first-visits`,
    { latencyMs, copies: PAGE_COPIES },
    {},
    { OPSORCH_LOOKAHEAD_RECORDS: '0' },
  );
  try {
    for (let i = 0; i < 3; i++) await graphql(gateway.graphql, INCIDENT_PAGE, vars);
    const fresh = await pageRounds(gateway, vars, rounds);
    await warmUp(gateway, vars, warmUpPages, warmUpConcurrency(latencyMs));
    return { fresh, steady: await pageRounds(gateway, vars, rounds) };
  } finally {
    await gateway.stop();
  }
}

/**
 * Incidents opened from their list, each page an incident's first: on a gateway of its own (at
 * its defaults, remembering records), warmed with 3 pages of incidents past the list's first
 * `LISTED_REMEMBERED`, then the list and each of those incidents opened once, one after another.
 * Their reads start from the record the list showed: one provider round trip a page, not two.
 * Its pages are of 20 different incidents, not of the one incident the figures above read.
 */
async function openedFromTheList(latencyMs: number): Promise<{ ms: number[]; cpuMsPerPage: number }> {
  const gateway = await startGatewayProcess(`gateway-${latencyMs}ms-from-list`, { latencyMs, copies: PAGE_COPIES });
  const client = httpClient('persistent');
  try {
    const listed = async (first: number) => {
      const { data } = await graphql<{ incidents: { edges: { node: { id: string } }[] } }>(
        gateway.graphql,
        listedIncidents(first),
      );
      return data.incidents.edges.map((e) => e.node.id);
    };
    const all = await listed(LISTED_REMEMBERED + 3);
    if (all.length < LISTED_REMEMBERED + 3) throw new Error(`the bench world lists ${all.length} incidents`);
    for (const id of all.slice(LISTED_REMEMBERED))
      await graphqlText(client.send, gateway.graphql, INCIDENT_PAGE, { id });
    const ids = await listed(LISTED_REMEMBERED);
    const ms: number[] = [];
    const cpuBefore = cpuMs(gateway.pid);
    for (const id of ids)
      ms.push((await timed(() => graphqlText(client.send, gateway.graphql, INCIDENT_PAGE, { id }))).ms);
    return { ms, cpuMsPerPage: (cpuMs(gateway.pid) - cpuBefore) / ids.length };
  } finally {
    client.close();
    await gateway.stop();
  }
}

export async function pageFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const picked = await pickIncident(servers.gateway);
  const nativeId = nativeIdOf(picked.id);
  const incidentPage = (c: RestConsole) => c.incidentPage(nativeId);
  const listPage = (c: RestConsole) => c.incidentListPage();
  const vars = { id: picked.id };

  // Warm every path once: JIT, schema caches and connections are not what is measured.
  await gatewayCost(servers.gateway, INCIDENT_PAGE, vars);
  await gatewayCost(servers.gatewayNoLoader, INCIDENT_PAGE, vars);
  await restCost(servers.rest, false, incidentPage);

  const page = {
    gateway: await gatewayCost(servers.gateway, INCIDENT_PAGE, vars),
    noLoader: await gatewayCost(servers.gatewayNoLoader, INCIDENT_PAGE, vars),
    rest: await restCost(servers.rest, false, incidentPage),
    restCached: await restCost(servers.rest, true, incidentPage),
  };
  const list = {
    gateway: await gatewayCost(servers.gateway, INCIDENT_LIST_PAGE, {}),
    noLoader: await gatewayCost(servers.gatewayNoLoader, INCIDENT_LIST_PAGE, {}),
    rest: await restCost(servers.rest, false, listPage),
    restCached: await restCost(servers.rest, true, listPage),
  };

  const rounds = options.quick ? 10 : 40;
  const gatewayMs: number[] = [];
  const restMs: number[] = [];
  const restCachedMs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    gatewayMs.push((await timed(() => graphql(servers.gateway.graphql, INCIDENT_PAGE, vars))).ms);
    restMs.push((await restCost(servers.rest, false, incidentPage)).ms);
    restCachedMs.push((await restCost(servers.rest, true, incidentPage)).ms);
  }
  const atSectionLatency = await pageRounds(servers.gateway, vars, rounds);

  return {
    'page.incident.alerts': picked.alerts,
    'page.incident.tickets': picked.tickets,
    'page.calls.gateway': page.gateway.calls,
    'page.calls.gatewayNoDataLoader': page.noLoader.calls,
    'page.calls.rest': page.rest.calls,
    'page.calls.restDeduplicated': page.restCached.calls,
    'page.calls.ratio.restOverGateway': ratio(page.rest.calls, page.gateway.calls),
    'page.calls.ratio.restDeduplicatedOverGateway': ratio(page.restCached.calls, page.gateway.calls),
    'page.calls.ratio.noDataLoaderOverGateway': ratio(page.noLoader.calls, page.gateway.calls),
    'list.calls.gateway': list.gateway.calls,
    'list.calls.gatewayNoDataLoader': list.noLoader.calls,
    'list.calls.rest': list.rest.calls,
    'list.calls.restDeduplicated': list.restCached.calls,
    'list.calls.ratio.restOverGateway': ratio(list.rest.calls, list.gateway.calls),
    'list.calls.ratio.restDeduplicatedOverGateway': ratio(list.restCached.calls, list.gateway.calls),
    'list.calls.ratio.noDataLoaderOverGateway': ratio(list.noLoader.calls, list.gateway.calls),
    'page.latency.injectedMs': options.latencyMs,
    'page.latency.gateway.p50Ms': round(median(gatewayMs), 1),
    'page.latency.gateway.p90Ms': round(percentile(gatewayMs, 90), 1),
    'page.latency.rest.p50Ms': round(median(restMs), 1),
    'page.latency.rest.p90Ms': round(percentile(restMs, 90), 1),
    'page.latency.restDeduplicated.p50Ms': round(median(restCachedMs), 1),
    'page.latency.ratio.gatewayOverRest': ratio(median(gatewayMs), median(restMs)),
    'page.latency.ratio.gatewayOverRestDeduplicated': ratio(median(gatewayMs), median(restCachedMs)),
    'list.latency.gatewayMs': round(list.gateway.ms, 1),
    'list.latency.restMs': round(list.rest.ms, 1),
    ...(await floorFigures(options, vars, atSectionLatency)),
  };
}
