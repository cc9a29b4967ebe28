/**
 * Metric descriptors: names from `/api/v1/label/__name__/values` (narrowed to a scope with
 * `match[]`), types, help and units from `/api/v1/metadata`. Histograms and summaries are stored
 * as `_bucket`/`_sum`/`_count` series but documented under their family name, so those series
 * collapse into one descriptor of the family. Names without metadata are UNKNOWN.
 */
import type { CallContext, MetricDescriptor, MetricType, Scope } from '../contract/index.js';
import type { HttpClient } from '../http/index.js';
import type { Envelope, MetadataResult } from './api.js';
import { type ScopeLabels, scopeAlternatives } from './expression.js';
import { labelSelector } from './promql.js';

const TYPES: Record<string, MetricType> = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  histogram: 'HISTOGRAM',
  gaugehistogram: 'HISTOGRAM',
  summary: 'SUMMARY',
};

const FAMILY_SUFFIX = /_(bucket|sum|count)$/;

export function fetchMetadata(http: HttpClient, ctx: CallContext): Promise<MetadataResult> {
  return http
    .get<Envelope<MetadataResult>>('/api/v1/metadata', ctx.signal ? { signal: ctx.signal } : {})
    .then((envelope) => envelope.data ?? {});
}

export async function describeScope(
  http: HttpClient,
  labels: ScopeLabels,
  scope: Scope,
  metadata: MetadataResult,
  ctx: CallContext,
): Promise<MetricDescriptor[]> {
  const match = scopeAlternatives(scope, labels)
    .filter((alt) => alt.length > 0)
    .map(labelSelector);
  const names = await http.get<Envelope<string[]>>('/api/v1/label/__name__/values', {
    query: { 'match[]': match },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const byName = new Map<string, MetricDescriptor>();
  for (const series of names.data) {
    const family = series.replace(FAMILY_SUFFIX, '');
    const familyMeta = family !== series ? metadata[family]?.[0] : undefined;
    const collapses = familyMeta?.type === 'histogram' || familyMeta?.type === 'summary';
    const name = collapses ? family : series;
    if (byName.has(name)) continue;
    const meta = collapses ? familyMeta : metadata[series]?.[0];
    byName.set(name, {
      name,
      type: (meta && TYPES[meta.type]) ?? 'UNKNOWN',
      help: meta?.help || null,
      unit: meta?.unit || null,
      labels: [],
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
