/**
 * An OpsOrch plugin in TypeScript, built on the project's `servePlugin` helper: teams with their
 * members (the role `oncall` marks who is on call), deployments, and the logs and metrics of a
 * deploy pipeline. Records and queries are OpsOrch Core's shapes and words (adapters/plugin/schema.ts).
 * The helper announces the `id` extension, so the gateway sends this process concurrent calls;
 * `health` is answered too.
 *
 * Config (sent with every request): `baseUrl` for deep links, default https://deploy.example.com.
 */
import {
  type Deployment,
  type LogEntry,
  type MetricDescriptor,
  notFound,
  type PluginConfig,
  servePlugin,
  type Team,
  type TeamMember,
} from '../../../adapters/plugin/sdk.js';

const TEAMS: Team[] = [
  {
    id: 'payments',
    name: 'Payments',
    tags: { focus: 'checkout' },
    metadata: { description: 'Checkout and card processing' },
  },
  {
    id: 'discovery',
    name: 'Discovery',
    tags: { focus: 'search' },
    metadata: { description: 'Search and recommendations' },
  },
  {
    id: 'fulfilment',
    name: 'Fulfilment',
    tags: { focus: 'shipping' },
    metadata: { description: 'Inventory and shipping' },
  },
];

const MEMBERS: Record<string, TeamMember[]> = {
  payments: [
    { id: 'ana', name: 'Ana Ruiz', email: 'ana@example.com', handle: 'ana', role: 'oncall' },
    { id: 'dee', name: 'Dee Okafor', email: 'dee@example.com', handle: 'dee', role: 'engineer' },
  ],
  discovery: [{ id: 'bo', name: 'Bo Lindqvist', email: 'bo@example.com', handle: 'bo', role: 'oncall' }],
  fulfilment: [{ id: 'eli', name: 'Eli Novak', email: 'eli@example.com', handle: 'eli', role: 'lead' }],
};

/** Statuses in the deploy tool's words (OpsOrch's mock says `success`, `failed`, `running`); the gateway maps them. */
const DEPLOYMENTS: Deployment[] = [
  {
    id: 'dep-9',
    service: 'checkout',
    version: 'v2.14.0',
    environment: 'production',
    status: 'running',
    startedAt: '2026-11-20T11:55:00Z',
    actor: { name: 'ana', type: 'user' },
    metadata: { commit: '9f1c2ab' },
  },
  {
    id: 'dep-8',
    service: 'checkout',
    version: 'v2.13.1',
    environment: 'production',
    status: 'success',
    startedAt: '2026-11-20T11:20:00Z',
    finishedAt: '2026-11-20T11:31:00Z',
    actor: { name: 'dee', type: 'user' },
    metadata: { commit: '77ab01e' },
  },
  {
    id: 'dep-7',
    service: 'search',
    version: 'v5.2.0',
    environment: 'production',
    status: 'failed',
    startedAt: '2026-11-20T08:50:00Z',
    finishedAt: '2026-11-20T09:02:00Z',
    actor: { name: 'bo', type: 'user' },
    metadata: { commit: 'c0ffee1' },
  },
  {
    id: 'dep-6',
    service: 'search',
    version: 'v5.1.9',
    environment: 'staging',
    status: 'rolled_back',
    startedAt: '2026-11-19T16:00:00Z',
    finishedAt: '2026-11-19T16:40:00Z',
    actor: { name: 'bo', type: 'user' },
    metadata: { commit: 'abad1de' },
  },
  {
    id: 'dep-5',
    service: 'inventory',
    version: 'v1.8.3',
    environment: 'production',
    status: 'success',
    startedAt: '2026-11-19T10:00:00Z',
    finishedAt: '2026-11-19T10:12:00Z',
    actor: { name: 'eli', type: 'user' },
    metadata: { commit: '1234abc' },
  },
  {
    id: 'dep-4',
    service: 'inventory',
    version: 'v1.8.2',
    environment: 'production',
    status: 'cancelled',
    startedAt: '2026-11-18T10:00:00Z',
    finishedAt: '2026-11-18T10:01:00Z',
    actor: { name: 'eli', type: 'user' },
    metadata: { commit: '0ddba11' },
  },
];

function link(config: PluginConfig, path: string): string {
  const base = typeof config.baseUrl === 'string' ? config.baseUrl.replace(/\/$/, '') : 'https://deploy.example.com';
  return `${base}/${path}`;
}

const contains = (needle: string | undefined, ...haystack: (string | undefined)[]) =>
  !needle || haystack.some((h) => h?.toLowerCase().includes(needle.toLowerCase()));
/** OpsOrch providers match filter words exactly; an empty filter lets everything through. */
const oneOf = (wanted: string[] | undefined, value: string | undefined) =>
  !wanted?.length || (value !== undefined && wanted.includes(value));

/** Pipeline log lines, spread evenly over whatever window is asked for. */
const LOG_LINES: Pick<LogEntry, 'message' | 'severity' | 'service'>[] = [
  { message: 'build 4812 started for checkout v2.14.0', severity: 'info', service: 'checkout' },
  { message: 'canary for checkout at 5% traffic', severity: 'info', service: 'checkout' },
  { message: 'canary p95 latency above budget: 1.4s', severity: 'warn', service: 'checkout' },
  { message: 'search v5.2.0 rollout failed: readiness probe timeout', severity: 'error', service: 'search' },
  { message: 'inventory v1.8.3 promoted to production', severity: 'info', service: 'inventory' },
  { message: 'deploy queue backlog: 7 jobs waiting', severity: 'warn', service: 'inventory' },
];

const METRICS: MetricDescriptor[] = [
  {
    name: 'deployments_total',
    type: 'counter',
    description: 'Deployments started',
    labels: ['service', 'environment'],
    unit: 'deployments',
  },
  {
    name: 'deploy_duration_seconds',
    type: 'gauge',
    description: 'Duration of the last deployment',
    labels: ['service'],
    unit: 'seconds',
  },
];

const team = (t: Team, config: PluginConfig): Team => ({ ...t, url: link(config, `teams/${t.id}`) });

const deployment = (d: Deployment, config: PluginConfig): Deployment => ({
  ...d,
  url: link(config, `deployments/${d.id}`),
});

await servePlugin({
  'team.query': (query, config) =>
    TEAMS.filter((t) => contains(query.name, t.name, t.id))
      .filter((t) => Object.entries(query.tags ?? {}).every(([k, v]) => t.tags?.[k] === v))
      .slice(0, query.limit)
      .map((t) => team(t, config)),
  'team.get': ({ id }, config) => {
    const found = TEAMS.find((t) => t.id === id);
    if (!found) throw notFound('team', id);
    return team(found, config);
  },
  'team.members': ({ teamID }) => {
    const members = MEMBERS[teamID];
    if (!members) throw notFound('team', teamID);
    return members;
  },
  'deployment.query': (query, config) =>
    DEPLOYMENTS.filter((d) => oneOf(query.statuses, d.status))
      .filter((d) => oneOf(query.versions, d.version))
      .filter((d) => !query.scope?.service || d.service === query.scope.service)
      .filter((d) => !query.scope?.environment || d.environment === query.scope.environment)
      .filter((d) => contains(query.query, d.version, d.service, d.metadata?.commit as string | undefined))
      .slice(0, query.limit)
      .map((d) => deployment(d, config)),
  'deployment.get': ({ id }, config) => {
    const found = DEPLOYMENTS.find((d) => d.id === id);
    if (!found) throw notFound('deployment', id);
    return deployment(found, config);
  },
  'log.query': (query) => {
    const start = Date.parse(query.start);
    const span = Date.parse(query.end) - start;
    const step = span / (LOG_LINES.length + 1);
    const entries = LOG_LINES.map(
      (line, i): LogEntry => ({ ...line, timestamp: new Date(start + (i + 1) * step).toISOString() }),
    )
      .filter((e) => oneOf(query.expression?.severityIn, e.severity))
      .filter((e) => contains(query.expression?.search, e.message))
      .filter((e) => !query.scope?.service || e.service === query.scope.service)
      .reverse()
      .slice(0, query.limit);
    return { entries };
  },
  'metric.describe': () => METRICS,
  'metric.query': (query) => {
    const name = query.expression?.metricName;
    const stepMs = (query.step || 60) * 1000;
    const start = Date.parse(query.start);
    const end = Date.parse(query.end);
    return METRICS.filter((m) => !name || m.name === name).map((m, series) => ({
      name: m.name,
      labels: { service: query.scope?.service ?? 'checkout' },
      points: Array.from({ length: Math.floor((end - start) / stepMs) + 1 }, (_, i) => ({
        timestamp: new Date(start + i * stepMs).toISOString(),
        value: series === 0 ? i : 30 + (i % 5),
      })),
    }));
  },
  health: () => ({ status: 'ok' }),
});
