/**
 * Against OpsOrch Core on its own plugins: Core (`../shared/opsorch/bin/opsorch`) and the gateway
 * (`dist/src/main.js`, single-flight off) each run OpsOrch's mock plugin binaries as their own
 * processes, as two deployments would.
 * - list: distinct incident list requests (ten filters, cycled) at saturation, runs alternating
 *   between the two and the best of each kept; throughput, p50/p99 and CPU per request of the server
 *   and its plugin processes together. Measured after the first page figures (`core.list`), and
 *   again after the steady pages' warm-up (`core.list.steady`).
 * - page: the incident page as one GraphQL request against Core's ten REST calls (the incident,
 *   then its timeline, service, team, members, alerts, tickets, deployments, a metric and logs in
 *   parallel), each side with a new connection per request and with kept-alive connections; wall
 *   time and the CPU per page of the server and its plugin processes. Measured twice: after one
 *   page (`core.page.<habit>`), and after both sides served a thousand (`core.page.steady.<habit>`),
 *   which a JIT-compiled gateway needs to reach the steady state an AOT-compiled Core starts in;
 *   at that steady state once more with a pause before every page (`core.page.steady.spaced.<habit>`),
 *   as a console's pages come, each to processes that have gone idle.
 */

import { setTimeout as pause } from 'node:timers/promises';
import { type ConnectionHabit, graphqlText, httpClient } from '../lib/client.js';
import { cpuMs, treeCpuMs } from '../lib/cpu.js';
import { graphqlBody } from '../lib/http.js';
import { type LoadResult, load } from '../lib/load.js';
import type { ServerProcess } from '../lib/process.js';
import { providerCalls } from '../lib/prometheus.js';
import { median, percentile, ratio, round, timed } from '../lib/stats.js';
import { CORE_INCIDENT_PAGE, coreIncidentList } from '../queries.js';
import type { BenchOptions, Figures, GraphQLServer, Servers } from './context.js';

const CONNECTIONS = 10;
const HALF_HOUR = 30 * 60_000;
const METRIC = 'http_request_duration_seconds';

/** The same filter in OpsOrch's words (Core) and the gateway's enums. */
const FILTERS: { core: Record<string, unknown>; gateway: string }[] = [
  { core: {}, gateway: '{}' },
  { core: { statuses: ['open', 'triggered'] }, gateway: '{ statuses: [TRIGGERED] }' },
  { core: { statuses: ['investigating', 'identified'] }, gateway: '{ statuses: [ACKNOWLEDGED] }' },
  { core: { statuses: ['mitigating', 'monitoring'] }, gateway: '{ statuses: [MITIGATED] }' },
  { core: { severities: ['sev1'] }, gateway: '{ severities: [CRITICAL] }' },
  { core: { severities: ['sev2', 'sev3'] }, gateway: '{ severities: [HIGH, MEDIUM] }' },
  { core: { query: 'checkout' }, gateway: '{ query: "checkout" }' },
  { core: { scope: { service: 'svc-checkout' } }, gateway: '{ scope: { service: "svc-checkout" } }' },
  { core: { scope: { team: 'team-velocity' } }, gateway: '{ scope: { team: "team-velocity" } }' },
  { core: { scope: { environment: 'prod' } }, gateway: '{ scope: { environment: "prod" } }' },
];
const LIMIT = 50;

interface Measured extends LoadResult {
  /** The server process and its plugin processes. */
  cpuMsPerRequest: number;
  /** The server process alone. */
  serverCpuMsPerRequest: number;
}

async function measure(server: ServerProcess, url: string, bodies: string[], seconds: number): Promise<Measured> {
  const treeBefore = treeCpuMs(server.pid);
  const serverBefore = cpuMs(server.pid);
  const result = await load({ url, body: bodies, seconds, connections: CONNECTIONS, checkBodies: true });
  const requests = Math.max(1, result.requests);
  return {
    ...result,
    cpuMsPerRequest: (treeCpuMs(server.pid) - treeBefore) / requests,
    serverCpuMsPerRequest: (cpuMs(server.pid) - serverBefore) / requests,
  };
}

/** The run least disturbed by other work: highest throughput; the lowest p50, p99 and CPU of the runs. */
function best(runs: Measured[]): Measured {
  const fastest = [...runs].sort((a, b) => b.requestsPerSecond - a.requestsPerSecond)[0] as Measured;
  return {
    ...fastest,
    p50Ms: Math.min(...runs.map((r) => r.p50Ms)),
    p99Ms: Math.min(...runs.map((r) => r.p99Ms)),
    cpuMsPerRequest: Math.min(...runs.map((r) => r.cpuMsPerRequest)),
    serverCpuMsPerRequest: Math.min(...runs.map((r) => r.serverCpuMsPerRequest)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

async function listFigures(
  core: ServerProcess,
  gateway: GraphQLServer,
  options: BenchOptions,
  at = 'core.list',
): Promise<Figures> {
  const coreUrl = `${core.origin}/incidents/query`;
  const coreBodies = FILTERS.map((f) => JSON.stringify({ ...f.core, limit: LIMIT }));
  const gatewayBodies = FILTERS.map((f) => graphqlBody(coreIncidentList(f.gateway, LIMIT)));
  await measure(gateway, gateway.graphql, gatewayBodies, 1);
  await measure(core, coreUrl, coreBodies, 1);
  const g: Measured[] = [];
  const c: Measured[] = [];
  for (let run = 0; run < (options.quick ? 1 : 3); run++) {
    g.push(await measure(gateway, gateway.graphql, gatewayBodies, options.loadSeconds));
    c.push(await measure(core, coreUrl, coreBodies, options.loadSeconds));
  }
  const gw = best(g);
  const co = best(c);
  return {
    [`${at}.connections`]: CONNECTIONS,
    [`${at}.distinctRequests`]: FILTERS.length,
    [`${at}.gateway.rps`]: gw.requestsPerSecond,
    [`${at}.core.rps`]: co.requestsPerSecond,
    [`${at}.ratio.throughputGatewayOverCore`]: ratio(gw.requestsPerSecond, co.requestsPerSecond),
    [`${at}.gateway.p50Ms`]: gw.p50Ms,
    [`${at}.core.p50Ms`]: co.p50Ms,
    [`${at}.gateway.p99Ms`]: gw.p99Ms,
    [`${at}.core.p99Ms`]: co.p99Ms,
    [`${at}.ratio.p99GatewayOverCore`]: ratio(gw.p99Ms, co.p99Ms),
    [`${at}.gateway.cpuMsPerRequest`]: round(gw.cpuMsPerRequest, 3),
    [`${at}.core.cpuMsPerRequest`]: round(co.cpuMsPerRequest, 3),
    [`${at}.ratio.cpuGatewayOverCore`]: ratio(gw.cpuMsPerRequest, co.cpuMsPerRequest),
    [`${at}.gateway.serverCpuMsPerRequest`]: round(gw.serverCpuMsPerRequest, 3),
    [`${at}.core.serverCpuMsPerRequest`]: round(co.serverCpuMsPerRequest, 3),
    [`${at}.errors`]: gw.errors + co.errors,
  };
}

interface CoreIncident {
  id: string;
  service?: string;
  createdAt: string;
  resolvedAt?: string;
  fields?: { team?: string };
}

/** Core's incident page as a console fetches it: the incident, then the nine reads it names, in parallel. */
async function corePage(send: ReturnType<typeof httpClient>['send'], origin: string, id: string): Promise<void> {
  const incident = JSON.parse(await send('GET', `${origin}/incidents/${encodeURIComponent(id)}`)) as CoreIncident;
  const service = incident.service ?? '';
  const team = incident.fields?.team ?? '';
  const scope = { service };
  const start = new Date(Date.parse(incident.createdAt) - HALF_HOUR).toISOString();
  const end = incident.resolvedAt ?? new Date().toISOString();
  await Promise.all([
    send('GET', `${origin}/incidents/${encodeURIComponent(id)}/timeline`),
    send('POST', `${origin}/services/query`, { ids: [service] }),
    send('GET', `${origin}/teams/${encodeURIComponent(team)}`),
    send('GET', `${origin}/teams/${encodeURIComponent(team)}/members`),
    send('POST', `${origin}/alerts/query`, { scope, limit: 20 }),
    send('POST', `${origin}/tickets/query`, { scope, limit: 20 }),
    send('POST', `${origin}/deployments/query`, { scope, limit: 20 }),
    send('POST', `${origin}/metrics/query`, { expression: { metricName: METRIC }, start, end, step: 60, scope }),
    send('POST', `${origin}/logs/query`, { expression: {}, start, end, scope, limit: 50 }),
  ]);
}

async function gatewayPage(send: ReturnType<typeof httpClient>['send'], url: string, id: string): Promise<void> {
  await graphqlText(send, url, CORE_INCIDENT_PAGE, { id });
}

/** An incident both sides know, with a service and a team; its global ID on the gateway. */
async function pickIncident(core: ServerProcess, gateway: GraphQLServer): Promise<{ native: string; global: string }> {
  const client = httpClient('persistent');
  try {
    const coreList = JSON.parse(await client.send('POST', `${core.origin}/incidents/query`, {})) as CoreIncident[];
    const candidate = coreList
      .filter((i) => i.service && i.fields?.team)
      .map((i) => i.id)
      .sort()[0];
    if (!candidate) throw new Error('Core lists no incident with a service and a team');
    const answer = JSON.parse(
      await client.send('POST', gateway.graphql, {
        query: `{ incidents(first: 100) { edges { node { id source { nativeId } } } } }`,
      }),
    ) as { data: { incidents: { edges: { node: { id: string; source: { nativeId: string } } }[] } } };
    const node = answer.data.incidents.edges.find((e) => e.node.source.nativeId === candidate)?.node;
    if (!node) throw new Error(`the gateway does not list ${candidate}`);
    return { native: candidate, global: node.id };
  } finally {
    client.close();
  }
}

/**
 * Wall time of one page, adding the CPU the server and its plugin processes spent on it to `cpu`
 * (clock ticks of 10 ms: meaningful summed over the rounds, not per page).
 */
async function metered(
  server: ServerProcess,
  cpu: { tree: number; server: number },
  page: () => Promise<void>,
): Promise<number> {
  const tree = treeCpuMs(server.pid);
  const own = cpuMs(server.pid);
  const { ms } = await timed(page);
  cpu.tree += treeCpuMs(server.pid) - tree;
  cpu.server += cpuMs(server.pid) - own;
  return ms;
}

/** The incident page's two sides, and the incident both show. */
interface PageSides {
  incident: { native: string; global: string };
  core: ServerProcess;
  gateway: GraphQLServer;
}

/** One connection habit's pages: wall times and the CPU they cost each side. */
interface HabitRounds {
  habit: ConnectionHabit;
  client: ReturnType<typeof httpClient>;
  gatewayMs: number[];
  coreMs: number[];
  gatewayCpu: { tree: number; server: number };
  coreCpu: { tree: number; server: number };
}

/**
 * `rounds` pages a side and habit, interleaved: each round serves a gateway page and a Core page
 * with each habit, the habits' order swapped every round. Measured in blocks, one habit after the
 * other, whichever came first was slower on the gateway (V8 still optimizing after the warm-up:
 * 0.3-1.8 ms a page with a connection per call first, -0.6 to +0.2 ms with kept-alive first), so the
 * difference between habits was the order's. Figures under `<prefix>.<habit>`. With `pauseMs`,
 * every page (either side's) starts that long after the one before it ended.
 */
async function pageRounds(
  sides: PageSides,
  rounds: number,
  prefix: string,
  pauseMs = 0,
): Promise<{ figures: Figures; pluginCallsPerPage: number }> {
  const { incident, core, gateway } = sides;
  const byHabit: HabitRounds[] = HABITS.map((habit) => ({
    habit,
    client: httpClient(habit),
    gatewayMs: [],
    coreMs: [],
    gatewayCpu: { tree: 0, server: 0 },
    coreCpu: { tree: 0, server: 0 },
  }));
  const out: Figures = {};
  let pluginCallsPerPage = 0;
  try {
    // Warm-up: (persistent) connections are not what is measured.
    for (const { client } of byHabit) {
      await gatewayPage(client.send, gateway.graphql, incident.global);
      await corePage(client.send, core.origin, incident.native);
    }
    const callsBefore = await providerCalls(gateway.origin);
    for (let i = 0; i < rounds; i++) {
      for (const h of i % 2 === 0 ? byHabit : [...byHabit].reverse()) {
        const { send } = h.client;
        if (pauseMs > 0) await pause(pauseMs);
        h.gatewayMs.push(
          await metered(gateway, h.gatewayCpu, () => gatewayPage(send, gateway.graphql, incident.global)),
        );
        if (pauseMs > 0) await pause(pauseMs);
        h.coreMs.push(await metered(core, h.coreCpu, () => corePage(send, core.origin, incident.native)));
      }
    }
    // Every habit's page makes the same calls: the calls per page are the block's over its pages.
    pluginCallsPerPage = round(((await providerCalls(gateway.origin)) - callsBefore) / (rounds * byHabit.length), 2);
  } finally {
    for (const { client } of byHabit) client.close();
  }
  for (const { habit, gatewayMs, coreMs, gatewayCpu, coreCpu } of byHabit) {
    const at = `${prefix}.${habit}`;
    out[`${at}.gateway.p50Ms`] = round(median(gatewayMs), 2);
    out[`${at}.gateway.p90Ms`] = round(percentile(gatewayMs, 90), 2);
    out[`${at}.core.p50Ms`] = round(median(coreMs), 2);
    out[`${at}.core.p90Ms`] = round(percentile(coreMs, 90), 2);
    out[`${at}.ratio.gatewayOverCore`] = ratio(median(gatewayMs), median(coreMs));
    out[`${at}.gateway.cpuMsPerPage`] = round(gatewayCpu.tree / rounds, 2);
    out[`${at}.gateway.serverCpuMsPerPage`] = round(gatewayCpu.server / rounds, 2);
    out[`${at}.core.cpuMsPerPage`] = round(coreCpu.tree / rounds, 2);
    out[`${at}.core.serverCpuMsPerPage`] = round(coreCpu.server / rounds, 2);
  }
  return { figures: out, pluginCallsPerPage };
}

const HABITS: ConnectionHabit[] = ['fresh', 'persistent'];
/** Measured pages a side, per connection habit. */
const pageRoundsOf = (options: BenchOptions) => (options.quick ? 10 : 40);
/**
 * Pages each side serves before the steady figures (a quarter of them with `--quick`). After 1,000
 * pages (and the list's ~28,000 requests) the gateway's V8 still compiled about 4.1M instructions a
 * page under callgrind (37% of the page's), 0.5 ms a page of CPU on its compiler thread beside the
 * plugins; after 5,000, 0.07 ms (BENCHMARKS.md, 2026-12-03 17:00Z).
 */
const STEADY_WARM_UP = 5000;
/**
 * The pause before each page of the spaced steady figures. Back to back, each side's processes
 * are still awake from the page before; a console's pages are seconds apart, by which time the
 * servers, their plugins and the idle CPUs have gone to sleep and every hand-off on the page's
 * path pays a wake-up (a 15 ms pause already moved both sides: BENCHMARKS.md, 2026-12-03).
 */
const SPACED_PAUSE_MS = 50;

async function pageFigures(sides: PageSides, options: BenchOptions): Promise<Figures> {
  const out: Figures = { 'core.page.incident': sides.incident.native };
  const before = await providerCalls(sides.gateway.origin);
  await gatewayPage(httpClient('fresh').send, sides.gateway.graphql, sides.incident.global);
  out['core.page.gateway.pluginCallsCold'] = (await providerCalls(sides.gateway.origin)) - before;
  const { figures, pluginCallsPerPage } = await pageRounds(sides, pageRoundsOf(options), 'core.page');
  return { ...out, ...figures, 'core.page.gateway.pluginCallsWarm': pluginCallsPerPage };
}

/**
 * The same pages after both sides served `STEADY_WARM_UP` pages (half with each habit). Core is
 * compiled ahead of time; the gateway's V8 is still optimizing its functions thousands of pages in
 * (measured: compilation on the main thread 2.7 to 3.7 ms per page over pages 100 to 400, 0.3 to
 * 1.1 ms over pages 1,000 to 1,500), where a gateway in production has served many more. The
 * figures above are the short warm-up's, kept as they were.
 */
async function steadyPageFigures(sides: PageSides, options: BenchOptions): Promise<Figures> {
  const warmUp = options.quick ? STEADY_WARM_UP / 4 : STEADY_WARM_UP;
  const clients = HABITS.map((habit) => httpClient(habit));
  try {
    for (let i = 0; i < warmUp; i++) {
      const { send } = clients[i % clients.length] as ReturnType<typeof httpClient>;
      await gatewayPage(send, sides.gateway.graphql, sides.incident.global);
      await corePage(send, sides.core.origin, sides.incident.native);
    }
  } finally {
    for (const client of clients) client.close();
  }
  const { figures, pluginCallsPerPage } = await pageRounds(sides, pageRoundsOf(options), 'core.page.steady');
  const spaced = await pageRounds(sides, pageRoundsOf(options), 'core.page.steady.spaced', SPACED_PAUSE_MS);
  const out: Figures = {
    'core.page.steady.warmUpPages': warmUp,
    ...figures,
    'core.page.steady.spaced.pauseMs': SPACED_PAUSE_MS,
    ...spaced.figures,
  };
  for (const habit of HABITS) out[`core.page.steady.${habit}.gateway.pluginCalls`] = pluginCallsPerPage;
  return out;
}

export async function coreFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const sides: PageSides = {
    incident: await pickIncident(servers.core, servers.gatewayPlugins),
    core: servers.core,
    gateway: servers.gatewayPlugins,
  };
  // The list before the long warm-up, so that its figure stays comparable with earlier runs, and
  // again after it (`core.list.steady`), as a gateway in production that has served thousands
  // lists: the first list's rounds begin a second after the gateway's first request.
  return {
    ...(await pageFigures(sides, options)),
    ...(await listFigures(servers.core, servers.gatewayPlugins, options)),
    ...(await steadyPageFigures(sides, options)),
    ...(await listFigures(servers.core, servers.gatewayPlugins, options, 'core.list.steady')),
  };
}
