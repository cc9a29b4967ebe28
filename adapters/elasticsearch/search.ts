/**
 * Runs a log search to `limit` hits, newest first: one request when a page holds them, otherwise
 * `search_after` pages, inside a point in time where the cluster has one (Elasticsearch 7.10+,
 * OpenSearch 2.4+; each names the API differently) so pages come from one consistent snapshot.
 * The request body is the same on every supported version.
 */
import { AdapterError, type CallContext } from '../contract/index.js';
import { type HttpClient, pageCounter } from '../http/index.js';
import type { ElasticConfig } from './config.js';
import type { Clause } from './dsl.js';
import type { EsHit } from './map.js';

export type Distribution = 'elasticsearch' | 'opensearch';

export interface Cluster {
  distribution: Distribution;
  /** Which point-in-time API it has, if any. */
  pit: 'elasticsearch' | 'opensearch' | null;
}

interface SearchResponse {
  hits: { total?: { value: number; relation?: string } | number; hits: EsHit[] };
  pit_id?: string;
}

const KEEP_ALIVE = '1m';

export function clusterOf(root: unknown): Cluster {
  const version = (root as { version?: { number?: unknown; distribution?: unknown } } | undefined)?.version;
  const distribution: Distribution = version?.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
  const [major = 0, minor = 0] = String(version?.number ?? '')
    .split('.')
    .map(Number);
  const at = (m: number, n: number) => major > m || (major === m && minor >= n);
  if (distribution === 'opensearch') return { distribution, pit: at(2, 4) ? 'opensearch' : null };
  return { distribution, pit: at(7, 10) ? 'elasticsearch' : null };
}

/** The index pattern as a path segment (`*` and `,` stay readable; the rest is escaped). */
export function indexPath(config: ElasticConfig): string {
  return encodeURIComponent(config.indexPattern).replace(/%2A/gi, '*').replace(/%2C/gi, ',');
}

export interface SearchOutcome {
  hits: EsHit[];
  /** More hits matched than were returned. */
  truncated: boolean;
  pages: number;
}

export async function searchHits(
  http: HttpClient,
  config: ElasticConfig,
  cluster: () => Promise<Cluster>,
  query: Clause,
  limit: number,
  ctx: CallContext,
): Promise<SearchOutcome> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const index = indexPath(config);
  const paging = limit > config.pageSize;
  const pit = paging && config.pointInTime ? await openPit(http, index, (await cluster()).pit, signal) : null;
  const hits: EsHit[] = [];
  const seen = new Set<string>();
  let searchAfter: unknown[] | undefined;
  let total = 0;
  let pages = 0;
  const nextPage = pageCounter('Elasticsearch', 'search hits', config.maxPages);
  try {
    while (hits.length < limit) {
      nextPage();
      const size = Math.min(config.pageSize, limit - hits.length);
      const body: Record<string, unknown> = {
        size,
        query,
        sort: [{ [config.timestampField]: { order: 'desc', unmapped_type: 'date' } }],
        track_total_hits: limit + 1,
        ...(searchAfter ? { search_after: searchAfter } : {}),
        ...(pit ? { pit: { id: pit.id, keep_alive: KEEP_ALIVE } } : {}),
      };
      const path = pit ? '/_search' : `/${index}/_search`;
      const response = checked(await http.post<unknown>(path, body, { ...signal, read: true }));
      pages += 1;
      if (pit && response.pit_id) pit.id = response.pit_id;
      total = Math.max(total, totalOf(response));
      const page = response.hits.hits;
      for (const hit of page) {
        // Without a point in time, equal sort values at a page edge can repeat a hit.
        const key = `${hit._index}/${hit._id}`;
        if (!seen.has(key)) {
          seen.add(key);
          hits.push(hit);
        }
      }
      const last = page[page.length - 1];
      if (page.length < size || !Array.isArray(last?.sort)) break;
      searchAfter = last.sort;
    }
  } finally {
    if (pit) await closePit(http, pit).catch(() => undefined);
  }
  return { hits: hits.slice(0, limit), truncated: total > Math.min(hits.length, limit), pages };
}

function totalOf(response: SearchResponse): number {
  const total = response.hits.total;
  if (typeof total === 'number') return total;
  return typeof total?.value === 'number' ? total.value : response.hits.hits.length;
}

function checked(body: unknown): SearchResponse {
  const hits = (body as SearchResponse | undefined)?.hits;
  if (!hits || !Array.isArray(hits.hits) || hits.hits.some((h) => typeof h?._id !== 'string')) {
    throw new AdapterError(
      'PROVIDER_ERROR',
      'Elasticsearch answered a search with something that is not a search result',
    );
  }
  return body as SearchResponse;
}

interface Pit {
  api: 'elasticsearch' | 'opensearch';
  id: string;
}

async function openPit(
  http: HttpClient,
  index: string,
  api: Cluster['pit'],
  signal: { signal?: AbortSignal },
): Promise<Pit | null> {
  if (!api) return null;
  const query = { keep_alive: KEEP_ALIVE };
  // Opening a point in time changes no data (it lapses by itself), so it may go to another node.
  const read = true;
  if (api === 'elasticsearch') {
    const body = await http.post<{ id?: unknown }>(`/${index}/_pit`, undefined, { query, read, ...signal });
    return typeof body?.id === 'string' ? { api, id: body.id } : null;
  }
  const body = await http.post<{ pit_id?: unknown }>(`/${index}/_search/point_in_time`, undefined, {
    query,
    read,
    ...signal,
  });
  return typeof body?.pit_id === 'string' ? { api, id: body.pit_id } : null;
}

function closePit(http: HttpClient, pit: Pit): Promise<unknown> {
  return pit.api === 'elasticsearch'
    ? http.request('DELETE', '/_pit', { body: { id: pit.id } })
    : http.request('DELETE', '/_search/point_in_time', { body: { pit_id: [pit.id] } });
}
