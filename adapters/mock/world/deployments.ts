import type { Deployment, DeploymentStatus, Incident, TimelineEntry } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { links } from './links.js';
import type { IncidentMeta } from './model.js';
import { HEX, type Rng } from './rng.js';
import type { ServiceRecord } from './services.js';
import type { TeamRecord } from './teams.js';
import { DAY, iso, MINUTE, toSecond } from './time.js';
import { insertEntry, MAX_GENERATED_ENTRIES, makeEntry } from './timeline.js';
import { DEPLOYMENT_STATUS_RAW } from './vocab.js';

const DEPLOYMENT_COUNT = 15;
const SUSPECT_COUNT = 8;
const OTHER_STATUSES: readonly DeploymentStatus[] = [
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'IN_PROGRESS',
];

const COMMIT_MESSAGES = [
  'Bump connection pool size to 40',
  'Switch to the new pricing client',
  'Enable HTTP/2 keep-alive to upstreams',
  'Cache product lookups for 60s',
  'Upgrade to Node 20.18',
  'Retry idempotent calls with jitter',
  'Move session store to Redis cluster',
  'Add tenant id to request logs',
  'Lower request timeout to 2s',
  'Refactor order validation',
  'Batch writes to the audit log',
  'Update TLS certificate bundle',
];

interface Draft {
  deployment: Deployment;
  startedAt: number;
  /** Set when this deploy caused an incident that was fixed by rolling it back. */
  rolledBackIn?: Incident;
}

export interface DeploymentContext {
  rng: Rng;
  ids: IdFactory;
  anchor: number;
  services: readonly ServiceRecord[];
  teams: readonly TeamRecord[];
  incidents: readonly Incident[];
  timelines: Map<string, TimelineEntry[]>;
  meta: Map<string, IncidentMeta>;
}

export function generateDeployments(ctx: DeploymentContext): Deployment[] {
  const { rng, anchor } = ctx;
  const drafts: Draft[] = [];
  const authorsOf = (service: string): string[] => {
    const team = ctx.services.find((s) => s.service.name === service)?.service.team;
    return ctx.teams.find((t) => t.team.name === team)?.members.map((m) => m.handle ?? m.name) ?? ['deploy-bot'];
  };
  const draft = (service: string, startedAt: number, status: DeploymentStatus): Draft => {
    const finished = status === 'IN_PROGRESS' || status === 'PENDING' ? null : startedAt + rng.int(3, 12) * MINUTE;
    return {
      startedAt,
      deployment: {
        id: '',
        service,
        version: null,
        environment: 'production',
        status,
        rawStatus: DEPLOYMENT_STATUS_RAW[status],
        startedAt: iso(startedAt),
        finishedAt: finished === null ? null : iso(finished),
        commit: rng.chars(HEX, 40),
        author: rng.pick(authorsOf(service)),
        description: rng.pick(COMMIT_MESSAGES),
        url: null,
      },
    };
  };

  // Deploys shortly before incidents on the same service: the first thing responders check.
  const headline = ctx.incidents.find((i) => i.service === 'checkout' && i.status !== 'RESOLVED');
  const rest = ctx.incidents.filter((i) => i !== headline);
  const preferred = rest.filter((i) => i.severity === 'CRITICAL' || i.severity === 'HIGH');
  const suspects = [
    ...(headline ? [headline] : []),
    ...rng.shuffle(preferred),
    ...rng.shuffle(rest.filter((i) => !preferred.includes(i))),
  ].slice(0, SUSPECT_COUNT);
  for (const incident of suspects) {
    const startedAt = Date.parse(incident.createdAt) - rng.int(20, 110) * MINUTE;
    const rolledBack = incident.status === 'RESOLVED' && rng.chance(0.5);
    const d = draft(incident.service!, startedAt, rolledBack ? 'ROLLED_BACK' : 'SUCCEEDED');
    if (rolledBack) d.rolledBackIn = incident;
    drafts.push(d);
  }
  for (let i = 0; drafts.length < DEPLOYMENT_COUNT; i++) {
    const status = OTHER_STATUSES[i % OTHER_STATUSES.length]!;
    const startedAt =
      status === 'IN_PROGRESS' ? anchor - rng.int(3, 8) * MINUTE : anchor - rng.int(60, (14 * DAY) / MINUTE) * MINUTE;
    drafts.push(draft(rng.pick(ctx.services).service.name, startedAt, status));
  }

  // GitHub run IDs and each service's versions grow with time.
  drafts.sort((a, b) => a.startedAt - b.startedAt);
  const versions = new Map<string, [number, number, number]>();
  let runId = 9_870_000_000 + rng.int(0, 99_999);
  for (const d of drafts) {
    const service = d.deployment.service!;
    const [major, minor, patch] = versions.get(service) ?? [rng.int(1, 4), rng.int(0, 20), rng.int(0, 9)];
    const next: [number, number, number] = rng.chance(0.25) ? [major, minor + 1, 0] : [major, minor, patch + 1];
    versions.set(service, next);
    runId += rng.int(20_000, 900_000);
    const repository = `acme/${service}`;
    d.deployment.id = String(runId);
    d.deployment.version = `v${next.join('.')}`;
    d.deployment.url = links.deployment(repository, d.deployment.id);
    d.deployment.fields = { repository, workflow: 'deploy-production.yml', ref: 'refs/heads/main', run_attempt: 1 };
    if (d.rolledBackIn) recordRollback(ctx, d.rolledBackIn, d.deployment, [major, minor, patch]);
  }
  return drafts.map((d) => d.deployment);
}

function recordRollback(ctx: DeploymentContext, incident: Incident, deployment: Deployment, previous: number[]): void {
  const timeline = ctx.timelines.get(incident.id);
  if (!timeline || timeline.length >= MAX_GENERATED_ENTRIES) return;
  const ack = incident.acknowledgedAt ? Date.parse(incident.acknowledgedAt) : Date.parse(incident.createdAt);
  const end = Date.parse(incident.resolvedAt ?? incident.createdAt);
  const at = toSecond(ack + (end - ack) * ctx.rng.float(0.2, 0.5));
  insertEntry(
    timeline,
    incident,
    makeEntry(ctx.ids, incident.id, {
      kind: 'DEPLOYMENT',
      body: `Rolled back ${incident.service} from ${deployment.version} to v${previous.join('.')}`,
      actor: incident.assignees[0] ?? 'deploy-bot',
      at,
      fields: { deploymentId: deployment.id, url: deployment.url },
    }),
  );
}
