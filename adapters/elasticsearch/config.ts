/**
 * Elasticsearch / OpenSearch log provider config. It reads the keys OpsOrch's own Elasticsearch
 * adapter reads (`addresses`, `cloudID`, `username`, `password`, `apiKey`, `indexPattern`), so an
 * OpsOrch `OPSORCH_LOG_CONFIG` works unchanged, plus what that adapter lacks: bearer auth, a private
 * CA, a separately configured Kibana / OpenSearch Dashboards URL for links, ECS field names and
 * paging. Errors name the key and never echo a value.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_MAX_PAGES } from '../http/index.js';
import { decodeCloudId } from './cloud-id.js';

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !new URL(value).username && !new URL(value).password, 'must not embed credentials')
  .transform((value) => value.replace(/\/+$/, ''));

/** A document field name: dotted ECS paths, never a metadata field (`_id`, `_source`...) or a wildcard. */
export const FIELD_NAME = /^[A-Za-z0-9@][A-Za-z0-9_@.-]*$/;
const fieldName = z.string().regex(FIELD_NAME, 'must be a field name such as log.level');

const schema = z
  .object({
    /** Cluster URLs (OpsOrch's key); requests go round-robin over them, a failed read to the next. */
    addresses: z.array(httpUrl).min(1).optional(),
    /** One cluster URL, for those who configure a single node. */
    url: httpUrl.optional(),
    /** Elastic Cloud ID (OpsOrch's key), instead of `addresses`. */
    cloudID: z.string().min(1).optional(),
    indexPattern: z
      .string()
      .regex(/^[^\s/\\?#"<>|]+$/, 'must be an index name or pattern such as logs-*')
      .default('logs-*'),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** `id:api_key` (as OpsOrch documents it) or the base64 `encoded` form Elasticsearch hands out. */
    apiKey: z.string().min(1).optional(),
    bearerToken: z.string().min(1).optional(),
    /** PEM file (or inline PEM) of the private CA the cluster's certificate chains to. */
    caFile: z.string().min(1).optional(),
    ca: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate' }).optional(),
    /** Kibana or OpenSearch Dashboards root, for `LogResult.url` and entry links. */
    kibanaURL: httpUrl.optional(),
    /** Which UI `kibanaURL` is; decides the Discover link's shape. */
    ui: z.enum(['kibana', 'opensearch-dashboards']).default('kibana'),
    /** The Kibana data view (index pattern) ID Discover opens; its own default view when absent. */
    dataViewId: z.string().min(1).optional(),
    timestampField: fieldName.default('@timestamp'),
    /** Fields free text is searched in. */
    messageFields: z.array(fieldName).min(1).default(['message']),
    /** Where a record's level may be, first match wins: OpsOrch's `severity`, `level`, ECS `log.level`. */
    levelFields: z.array(fieldName).min(1).default(['log.level', 'level', 'severity']),
    /** ECS `service.name`, then OpsOrch's flat `service`. */
    serviceFields: z.array(fieldName).min(1).default(['service.name', 'service']),
    environmentFields: z.array(fieldName).min(1).default(['service.environment', 'environment']),
    teamFields: z.array(fieldName).min(1).default(['team']),
    /** Hits per search request; a larger `limit` pages with search_after. */
    pageSize: z.number().int().min(1).max(10_000).default(500),
    /** Use a point in time while paging, where the cluster offers one (Elasticsearch 7.10+, OpenSearch 2.4+). */
    pointInTime: z.boolean().default(true),
    /** Search pages (`search_after`) one query follows before it fails with TOO_MANY_PAGES. */
    maxPages: z.number().int().positive().max(10_000).default(DEFAULT_MAX_PAGES),
    /** Let callers send Lucene `query_string` syntax with `raw: true`. Off: raw queries are refused. */
    allowRawQuery: z.boolean().default(false),
    timeoutMs: z.number().int().min(100).max(300_000).default(15_000),
  })
  .strict();

export type ElasticConfig = z.infer<typeof schema> & {
  /** Every node address requests may go to. */
  nodeUrls: string[];
  caPem?: string;
};

export function parseElasticConfig(raw: Record<string, unknown>): ElasticConfig {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`).join('; '),
    );
  }
  const config = result.data;
  let nodeUrls = config.addresses ?? (config.url ? [config.url] : undefined);
  let kibanaURL = config.kibanaURL;
  if (config.cloudID !== undefined) {
    const cloud = decodeCloudId(config.cloudID);
    if (!cloud) throw new Error('cloudID: not an Elastic Cloud ID');
    nodeUrls ??= [cloud.elasticsearch];
    kibanaURL ??= cloud.kibana ?? undefined;
  }
  if (!nodeUrls) throw new Error('addresses: give the cluster URL (addresses, url or cloudID)');
  if ((config.username === undefined) !== (config.password === undefined)) {
    throw new Error(`${config.username === undefined ? 'username' : 'password'}: basic auth needs both`);
  }
  const schemes = [config.username, config.apiKey, config.bearerToken].filter((s) => s !== undefined);
  if (schemes.length > 1) throw new Error('apiKey: give one of username/password, apiKey or bearerToken');
  if (config.ca !== undefined && config.caFile !== undefined) throw new Error('caFile: give ca or caFile, not both');
  const caPem = config.ca ?? (config.caFile === undefined ? undefined : readCa(config.caFile));
  return {
    ...config,
    nodeUrls: [...new Set(nodeUrls)],
    ...(kibanaURL ? { kibanaURL } : {}),
    ...(caPem ? { caPem } : {}),
  };
}

function readCa(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`caFile: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`caFile: ${path} holds no PEM certificate`);
  return pem;
}

/** The Authorization header for the configured scheme, if any. */
export function authorization(config: ElasticConfig): string | undefined {
  if (config.apiKey !== undefined) {
    // `id:key` is what OpsOrch documents; Elasticsearch sends the base64 of it as `encoded`.
    const encoded = config.apiKey.includes(':') ? Buffer.from(config.apiKey).toString('base64') : config.apiKey;
    return `ApiKey ${encoded}`;
  }
  if (config.bearerToken !== undefined) return `Bearer ${config.bearerToken}`;
  if (config.username !== undefined && config.password !== undefined) {
    return `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
  }
  return undefined;
}
