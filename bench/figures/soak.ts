/**
 * Figure 6: mixed read load for minutes (seconds with --quick). Memory is sampled every second from
 * the gateway's own `/metrics`; the minimum over a window approximates the live heap after a GC,
 * which a single sample at an arbitrary moment does not. Writes are left out on purpose: they grow
 * the in-process mock world, which would hide a leak in the gateway or fake one.
 */
import { graphqlBody } from '../lib/http.js';
import { load } from '../lib/load.js';
import { processMemory } from '../lib/prometheus.js';
import { ratio, round, sleep } from '../lib/stats.js';
import { INCIDENT_LIST, INCIDENT_LIST_PAGE, INCIDENT_PAGE } from '../queries.js';
import type { BenchOptions, Figures, Servers } from './context.js';
import { pickIncident } from './page.js';

export async function soakFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const server = servers.gateway;
  const { id } = await pickIncident(server);
  const bodies = [graphqlBody(INCIDENT_PAGE, { id }), graphqlBody(INCIDENT_LIST_PAGE), graphqlBody(INCIDENT_LIST)];
  const warmupSeconds = options.quick ? 4 : 30;
  const windowSamples = options.quick ? 3 : 15;
  const heap: number[] = [];
  const rss: number[] = [];
  let running = true;
  const sampler = (async () => {
    while (running) {
      const memory = await processMemory(server.origin);
      heap.push(memory.heapUsedBytes);
      rss.push(memory.residentBytes);
      await sleep(1000);
    }
  })();
  const result = await load({
    url: server.graphql,
    body: bodies,
    seconds: warmupSeconds + options.soakSeconds,
    connections: 8,
    checkBodies: true,
  });
  running = false;
  await sampler;
  const afterWarmup = (series: number[]) => Math.min(...series.slice(warmupSeconds, warmupSeconds + windowSamples));
  const atEnd = (series: number[]) => Math.min(...series.slice(-windowSamples));
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return {
    'soak.seconds': options.soakSeconds,
    'soak.requests': result.requests,
    'soak.rps': result.requestsPerSecond,
    'soak.p99Ms': result.p99Ms,
    'soak.errors': result.errors,
    'soak.heapAfterWarmupMiB': mib(afterWarmup(heap)),
    'soak.heapAtEndMiB': mib(atEnd(heap)),
    'soak.rssAfterWarmupMiB': mib(afterWarmup(rss)),
    'soak.rssAtEndMiB': mib(atEnd(rss)),
    'soak.ratio.heapEndOverWarmup': ratio(atEnd(heap), afterWarmup(heap)),
    'soak.ratio.rssEndOverWarmup': ratio(atEnd(rss), afterWarmup(rss)),
  };
}
