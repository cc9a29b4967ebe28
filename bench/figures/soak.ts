/**
 * Figure 6: mixed read load for minutes (seconds with --quick). The live heap is read from the
 * gateway's own `/metrics` right after a full collection it is asked for, once when warm-up ends
 * and once just before the load stops, so the two figures compare what is still reachable rather
 * than where the collector happened to be. It is the heap outside the young generation: the load
 * goes on while the collection is asked for and read, and what the young generation holds by the
 * reading (2-14 MiB at 70-100 requests a second) is what was allocated since, not what is live. RSS is the minimum over a window of samples, taken
 * every second. Writes are left out on purpose: they grow the in-process mock world, which would
 * hide a leak in the gateway or fake one.
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
  const rss: number[] = [];
  const liveHeap = async () => {
    process.kill(server.pid, 'SIGUSR2');
    await sleep(500);
    return processMemory(server.origin);
  };
  let running = true;
  const sampler = (async () => {
    while (running) {
      rss.push((await processMemory(server.origin)).residentBytes);
      await sleep(1000);
    }
  })();
  const heap = (async () => {
    await sleep(warmupSeconds * 1000);
    const afterWarmup = await liveHeap();
    await sleep(Math.max(0, options.soakSeconds - 3) * 1000);
    return { afterWarmup, atEnd: await liveHeap() };
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
  const { afterWarmup: warm, atEnd: end } = await heap;
  const heapAfterWarmup = warm.heapOldBytes;
  const heapAtEnd = end.heapOldBytes;
  const afterWarmup = (series: number[]) => Math.min(...series.slice(warmupSeconds, warmupSeconds + windowSamples));
  const atEnd = (series: number[]) => Math.min(...series.slice(-windowSamples));
  const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return {
    'soak.seconds': options.soakSeconds,
    'soak.requests': result.requests,
    'soak.rps': result.requestsPerSecond,
    'soak.p99Ms': result.p99Ms,
    'soak.errors': result.errors,
    'soak.heapAfterWarmupMiB': mib(heapAfterWarmup),
    'soak.heapAtEndMiB': mib(heapAtEnd),
    'soak.rssAfterWarmupMiB': mib(afterWarmup(rss)),
    'soak.rssAtEndMiB': mib(atEnd(rss)),
    'soak.ratio.heapEndOverWarmup': ratio(heapAtEnd, heapAfterWarmup),
    // The whole heap at the same readings, young generation included: what the figure read before.
    'soak.heapWithYoungMiB': `${mib(warm.heapUsedBytes)} → ${mib(end.heapUsedBytes)}`,
    'soak.ratio.rssEndOverWarmup': ratio(atEnd(rss), afterWarmup(rss)),
  };
}
