/**
 * Elasticsearch (7–9) and OpenSearch (1–2) as the log capability: `POST /{index}/_search` with a
 * bool query built from the LogQuery, level and service read the ECS way, paging with search_after
 * (in a point in time where available), and Kibana / OpenSearch Dashboards Discover links.
 */
import type { Adapter, AdapterFactory, LogCapability, LogResult } from '../contract/index.js';
import { AdapterError } from '../contract/index.js';
import { createHttpClient, fanOut, probeHealth } from '../http/index.js';
import { authorization, parseElasticConfig } from './config.js';
import { discoverUrl } from './discover.js';
import { buildQuery } from './dsl.js';
import { toLogEntry } from './map.js';
import { nodePool } from './nodes.js';
import { type Cluster, clusterOf, indexPath, searchHits } from './search.js';

const MAX_CONCURRENT_SEARCHES = 4;

export const createElasticsearchAdapter: AdapterFactory = (raw) => {
  const config = parseElasticConfig(raw);
  const auth = authorization(config);
  const http = nodePool(
    config.nodeUrls.map((baseUrl) =>
      createHttpClient({
        baseUrl,
        provider: 'Elasticsearch',
        timeoutMs: config.timeoutMs,
        headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}) },
        ...(config.caPem ? { ca: config.caPem } : {}),
        secrets: [config.password, config.apiKey, config.bearerToken].filter((s): s is string => s !== undefined),
      }),
    ),
  );

  // Learned once: which distribution and whether it has a point in time. A key that may search but
  // not read the cluster root (a 403) just pages without one.
  let cluster: Promise<Cluster> | undefined;
  const clusterInfo = () => {
    cluster ??= http.get<unknown>('/').then(clusterOf, (err: unknown) => {
      cluster = undefined;
      if (err instanceof AdapterError && err.code === 'FORBIDDEN') return { distribution: 'elasticsearch', pit: null };
      throw err;
    });
    return cluster;
  };

  const log: LogCapability = {
    query: (queries, ctx) =>
      fanOut(queries, MAX_CONCURRENT_SEARCHES, async (query): Promise<LogResult> => {
        const built = buildQuery(config, query);
        const outcome = await searchHits(http, config, clusterInfo, built.query, query.limit, ctx);
        return {
          entries: outcome.hits.map((hit) => toLogEntry(config, hit)).filter((e) => e !== null),
          url: discoverUrl(config, query, built.conditions),
          truncated: outcome.truncated,
        };
      }),
  };

  const adapter: Adapter = {
    kind: 'elasticsearch',
    capabilities: { log },
    // Counting the index needs only read access to it, which every log-reading key has.
    checkHealth: (ctx) => probeHealth(http, `/${indexPath(config)}/_count`, ctx),
    close: () => http.close(),
  };
  return adapter;
};
