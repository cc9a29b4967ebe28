/**
 * Figure 4: 10, 100 and 1,000 incidents with service and team in one query. Time and memory should
 * grow linearly with a small constant; provider calls should not grow at all.
 */
import { graphql } from '../lib/http.js';
import { processMemory, providerCalls } from '../lib/prometheus.js';
import { median, ratio, round, timed } from '../lib/stats.js';
import { incidentsQuery } from '../queries.js';
import type { BenchOptions, Figures, Servers } from './context.js';
import { pageCursors } from './cursors.js';

const SIZES = [10, 100, 1000] as const;

export async function scaleFigures(servers: Servers, options: BenchOptions): Promise<Figures> {
  const server = servers.gatewayFast;
  const cursors = await pageCursors(server.graphql, 10);
  const out: Figures = {};
  const perIncidentMs: Record<number, number> = {};
  for (const size of SIZES) {
    const query = incidentsQuery(size, cursors);
    for (let i = 0; i < 3; i++) await graphql(server.graphql, query);
    const before = await providerCalls(server.origin);
    const { value } = await timed(() => graphql(server.graphql, query));
    const calls = (await providerCalls(server.origin)) - before;
    const times: number[] = [];
    let heapPeak = 0;
    for (let i = 0; i < (options.quick ? 5 : 20); i++) {
      times.push((await timed(() => graphql(server.graphql, query))).ms);
      heapPeak = Math.max(heapPeak, (await processMemory(server.origin)).heapUsedBytes);
    }
    const ms = median(times);
    perIncidentMs[size] = ms / size;
    out[`scale.${size}.p50Ms`] = round(ms, 1);
    out[`scale.${size}.providerCalls`] = calls;
    out[`scale.${size}.responseKiB`] = round(value.bytes / 1024, 1);
    out[`scale.${size}.heapUsedMiB`] = round(heapPeak / 1024 / 1024, 1);
  }
  out['scale.ratio.msPerIncident1000Over100'] = ratio(perIncidentMs[1000] as number, perIncidentMs[100] as number);
  return out;
}
