/**
 * Deep links into Kibana Discover and OpenSearch Dashboards Discover. Their state lives in the URL
 * fragment as rison (`_g` for time, `_a` for the app state, `_q` for the query in newer OpenSearch
 * Dashboards), encoded with rison-node and then URI-escaped so any character a query holds survives.
 * The search's own conditions travel as one custom DSL filter, so Discover shows exactly the query
 * the gateway ran rather than a re-translation of it.
 */
import rison from 'rison-node';
import type { ElasticConfig } from './config.js';
import type { Clause } from './dsl.js';

const enc = (value: unknown) => encodeURIComponent(rison.encode(value));

export function discoverUrl(
  config: ElasticConfig,
  range: { start: string; end: string },
  conditions: readonly Clause[],
): string | null {
  if (!config.kibanaURL) return null;
  const filters = conditions.length
    ? [
        {
          $state: { store: 'appState' },
          meta: {
            alias: 'OpsOrch query',
            disabled: false,
            negate: false,
            type: 'custom',
            key: 'query',
            value: JSON.stringify({ bool: { filter: conditions } }),
            ...(config.dataViewId ? { index: config.dataViewId } : {}),
          },
          query: { bool: { filter: conditions } },
        },
      ]
    : [];
  const g = { filters: [], refreshInterval: { pause: true, value: 0 }, time: { from: range.start, to: range.end } };
  const query = { language: 'kuery', query: '' };
  const a = {
    columns: [],
    filters,
    ...(config.dataViewId ? { index: config.dataViewId } : {}),
    query,
    sort: [[config.timestampField, 'desc']],
  };
  let url = `${config.kibanaURL}/app/discover#/?_g=${enc(g)}&_a=${enc(a)}`;
  if (config.ui === 'opensearch-dashboards') url += `&_q=${enc({ filters, query })}`;
  return url;
}

/** One document in Discover's document view; it needs the data view's ID. */
export function documentUrl(config: ElasticConfig, index: string, id: string): string | null {
  if (!config.kibanaURL || !config.dataViewId) return null;
  const view = encodeURIComponent(config.dataViewId);
  return `${config.kibanaURL}/app/discover#/doc/${view}/${encodeURIComponent(index)}?id=${encodeURIComponent(id)}`;
}
