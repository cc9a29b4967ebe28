/**
 * An OpsOrch plugin in TypeScript, built on the project's `servePlugin` helper: teams with their
 * members and on-call roster, and deployments. The helper announces the `id` extension, so the
 * gateway sends this process concurrent calls; `health` is answered too.
 *
 * Config (sent with every request): `baseUrl` for deep links, default https://deploy.example.com.
 */
import type { Deployment, DeploymentStatus, Team, TeamMember } from '../../../adapters/contract/index.js';
import { notFound, type PluginConfig, servePlugin, type Wire } from '../../../adapters/plugin/sdk.js';

const TEAMS: Wire<Team>[] = [
  { id: 'payments', name: 'Payments', handle: 'payments', description: 'Checkout and card processing' },
  { id: 'discovery', name: 'Discovery', handle: 'discovery', description: 'Search and recommendations' },
  { id: 'fulfilment', name: 'Fulfilment', handle: 'fulfilment', description: 'Inventory and shipping' },
];

const MEMBERS: Record<string, Wire<TeamMember>[]> = {
  payments: [
    { id: 'ana', name: 'Ana Ruiz', email: 'ana@example.com', handle: 'ana', role: 'lead', onCallRole: 'primary' },
    {
      id: 'dee',
      name: 'Dee Okafor',
      email: 'dee@example.com',
      handle: 'dee',
      role: 'engineer',
      onCallRole: 'secondary',
    },
  ],
  discovery: [
    { id: 'bo', name: 'Bo Lindqvist', email: 'bo@example.com', handle: 'bo', role: 'engineer', onCallRole: 'primary' },
  ],
  fulfilment: [
    { id: 'eli', name: 'Eli Novak', email: 'eli@example.com', handle: 'eli', role: 'lead', onCallRole: null },
  ],
};

/** Raw statuses as the deploy tool reports them; the gateway normalizes them. */
const DEPLOYMENTS: Wire<Deployment>[] = [
  {
    id: 'dep-9',
    service: 'checkout',
    version: 'v2.14.0',
    environment: 'production',
    status: 'running',
    startedAt: '2026-11-20T11:55:00Z',
    commit: '9f1c2ab',
    author: 'ana',
  },
  {
    id: 'dep-8',
    service: 'checkout',
    version: 'v2.13.1',
    environment: 'production',
    status: 'success',
    startedAt: '2026-11-20T11:20:00Z',
    finishedAt: '2026-11-20T11:31:00Z',
    commit: '77ab01e',
    author: 'dee',
  },
  {
    id: 'dep-7',
    service: 'search',
    version: 'v5.2.0',
    environment: 'production',
    status: 'failed',
    startedAt: '2026-11-20T08:50:00Z',
    finishedAt: '2026-11-20T09:02:00Z',
    commit: 'c0ffee1',
    author: 'bo',
  },
  {
    id: 'dep-6',
    service: 'search',
    version: 'v5.1.9',
    environment: 'staging',
    status: 'rolled_back',
    startedAt: '2026-11-19T16:00:00Z',
    finishedAt: '2026-11-19T16:40:00Z',
    commit: 'abad1de',
    author: 'bo',
  },
  {
    id: 'dep-5',
    service: 'inventory',
    version: 'v1.8.3',
    environment: 'production',
    status: 'success',
    startedAt: '2026-11-19T10:00:00Z',
    finishedAt: '2026-11-19T10:12:00Z',
    commit: '1234abc',
    author: 'eli',
  },
  {
    id: 'dep-4',
    service: 'inventory',
    version: 'v1.8.2',
    environment: 'production',
    status: 'cancelled',
    startedAt: '2026-11-18T10:00:00Z',
    finishedAt: '2026-11-18T10:01:00Z',
    commit: '0ddba11',
    author: 'eli',
  },
];

const NORMALIZED: Record<string, DeploymentStatus> = {
  running: 'IN_PROGRESS',
  success: 'SUCCEEDED',
  failed: 'FAILED',
  rolled_back: 'ROLLED_BACK',
  cancelled: 'CANCELLED',
};

function link(config: PluginConfig, path: string): string {
  const base = typeof config.baseUrl === 'string' ? config.baseUrl.replace(/\/$/, '') : 'https://deploy.example.com';
  return `${base}/${path}`;
}

const matches = (needle: string | undefined, ...haystack: (string | null | undefined)[]) =>
  !needle || haystack.some((h) => h?.toLowerCase().includes(needle.toLowerCase()));

const team = (t: Wire<Team>, config: PluginConfig): Wire<Team> => ({ ...t, url: link(config, `teams/${t.id}`) });

const deployment = (d: Wire<Deployment>, config: PluginConfig): Wire<Deployment> => ({
  ...d,
  url: link(config, `deployments/${d.id}`),
});

await servePlugin({
  'team.query': (query, config) => {
    const names = query.names?.map((n) => n.toLowerCase());
    return TEAMS.filter((t) => !names || names.includes(t.name.toLowerCase()) || names.includes(t.id))
      .filter((t) => matches(query.query, t.name, t.description))
      .slice(0, query.limit)
      .map((t) => team(t, config));
  },
  'team.get': ({ id }, config) => {
    const found = TEAMS.find((t) => t.id === id);
    if (!found) throw notFound('team', id);
    return team(found, config);
  },
  'team.members': ({ teamID }, config) => {
    const members = MEMBERS[teamID];
    if (!members) throw notFound('team', teamID);
    return members.map((m) => ({ ...m, url: link(config, `people/${m.id}`) }));
  },
  'deployment.query': (query, config) =>
    DEPLOYMENTS.filter(
      (d) => !query.statuses?.length || query.statuses.includes(NORMALIZED[d.status ?? ''] ?? 'UNKNOWN'),
    )
      .filter((d) => !query.scope?.service || d.service === query.scope.service)
      .filter((d) => !query.scope?.environment || d.environment === query.scope.environment)
      .filter(
        (d) =>
          !query.startedWithin ||
          (Date.parse(d.startedAt) >= Date.parse(query.startedWithin.start) &&
            Date.parse(d.startedAt) <= Date.parse(query.startedWithin.end)),
      )
      .filter((d) => matches(query.query, d.version, d.commit, d.service))
      .slice(0, query.limit)
      .map((d) => deployment(d, config)),
  'deployment.get': ({ id }, config) => {
    const found = DEPLOYMENTS.find((d) => d.id === id);
    if (!found) throw notFound('deployment', id);
    return deployment(found, config);
  },
  health: () => ({ status: 'ok' }),
});
