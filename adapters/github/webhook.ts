/**
 * GitHub webhooks: a delivery is genuine when `X-Hub-Signature-256` is `sha256=` and the HMAC-SHA256
 * of the raw body with one of the configured secrets (several while a secret is rotated), compared
 * in constant time. `deployment_status` deliveries become activity on the open incidents of the
 * repository's service; `issues` deliveries for issues labelled with an incident become activity
 * on those incidents. Entry IDs come from GitHub's own IDs, so a redelivery is published once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { incidentIdOf } from '../contract/incident-labels.js';
import type { AdapterWebhook, ProviderEvent, TimelineEntryKind, WebhookDelivery } from '../contract/index.js';
import { parseDelivery } from '../http/webhook-delivery.js';
import type { RepoRef } from './tickets.js';

const user = z.object({ login: z.string() }).nullish();
const repository = z.object({ name: z.string(), full_name: z.string(), html_url: z.string() });

const deploymentStatusEvent = z.object({
  action: z.string(),
  deployment_status: z.object({
    id: z.number(),
    state: z.string(),
    description: z.string().nullish(),
    environment: z.string().nullish(),
    target_url: z.string().nullish(),
    log_url: z.string().nullish(),
    environment_url: z.string().nullish(),
    created_at: z.string(),
    creator: user,
  }),
  deployment: z.object({ id: z.number(), sha: z.string(), ref: z.string(), environment: z.string() }),
  repository,
  sender: user,
});

const issuesEvent = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number(),
    title: z.string(),
    html_url: z.string(),
    state: z.string(),
    state_reason: z.string().nullish(),
    labels: z.array(z.object({ name: z.string() })).default([]),
    updated_at: z.string(),
    pull_request: z.unknown().optional(),
  }),
  label: z.object({ name: z.string() }).nullish(),
  repository,
  sender: user,
});

/** Issue actions worth an incident timeline line; the rest (edits, pins, milestones) are dropped. */
const ISSUE_ACTIONS: Record<string, string> = {
  opened: 'opened',
  closed: 'closed',
  reopened: 'reopened',
  assigned: 'assigned',
  unassigned: 'unassigned',
  labeled: 'linked',
};

export function githubWebhook(secrets: string[], ref: RepoRef): AdapterWebhook {
  const keys = secrets.map((s) => Buffer.from(s, 'utf8'));
  return {
    verify(delivery: WebhookDelivery) {
      const header = delivery.headers['x-hub-signature-256'] ?? '';
      const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
      if (!match?.[1]) return false;
      const offered = Buffer.from(match[1].toLowerCase(), 'hex');
      return keys.some((key) => timingSafeEqual(createHmac('sha256', key).update(delivery.rawBody).digest(), offered));
    },

    events(delivery: WebhookDelivery): ProviderEvent[] {
      const name = delivery.headers['x-github-event'];
      if (name === 'deployment_status') return deploymentStatus(parseDelivery(delivery, deploymentStatusEvent), ref);
      if (name === 'issues') return issue(parseDelivery(delivery, issuesEvent), ref);
      // Pings and the other events a repository's webhook may send (pushes, pull requests) say
      // nothing about incidents; they are still checked to be JSON.
      parseDelivery(delivery, z.unknown());
      return [];
    },
  };
}

/** The delivery's repository is the configured one, or (an organization webhook) another repository named after its service. */
function serviceOf(repo: z.infer<typeof repository>, ref: RepoRef): string {
  return repo.full_name.toLowerCase() === `${ref.owner}/${ref.repo}`.toLowerCase() ? ref.service : repo.name;
}

function deploymentStatus(e: z.infer<typeof deploymentStatusEvent>, ref: RepoRef): ProviderEvent[] {
  const s = e.deployment_status;
  const environment = s.environment ?? e.deployment.environment;
  const detail = s.description ? ` — ${s.description}` : '';
  return [
    {
      type: 'activity',
      service: serviceOf(e.repository, ref),
      entry: {
        id: `github:deployment_status:${s.id}`,
        kind: 'DEPLOYMENT' as TimelineEntryKind,
        rawKind: `deployment_status.${s.state}`,
        body: `Deployment of ${e.deployment.ref} (${e.deployment.sha.slice(0, 7)}) to ${environment}: ${s.state}${detail}`,
        actor: s.creator?.login ?? e.sender?.login ?? null,
        at: new Date(s.created_at).toISOString(),
        url: s.log_url || s.target_url || `${e.repository.html_url}/deployments/${encodeURIComponent(environment)}`,
        fields: {
          deploymentId: e.deployment.id,
          environment,
          state: s.state,
          sha: e.deployment.sha,
          ref: e.deployment.ref,
        },
      },
    },
  ];
}

function issue(e: z.infer<typeof issuesEvent>, ref: RepoRef): ProviderEvent[] {
  const verb = ISSUE_ACTIONS[e.action];
  if (!verb || e.issue.pull_request) return [];
  const labels = e.action === 'labeled' && e.label ? [e.label.name] : e.issue.labels.map((l) => l.name);
  const incidentIds = labels.map(incidentIdOf).filter((id): id is string => id !== null);
  if (!incidentIds.length) return [];
  const reason = e.action === 'closed' && e.issue.state_reason ? ` (${e.issue.state_reason.replace('_', ' ')})` : '';
  return [
    {
      type: 'activity',
      incidentIds,
      entry: {
        id: `github:issues:${e.repository.full_name}#${e.issue.number}:${e.action}:${e.issue.updated_at}`,
        kind: 'OTHER' as TimelineEntryKind,
        rawKind: `issues.${e.action}`,
        body: `Ticket ${e.repository.name}#${e.issue.number} ${verb}${reason}: ${e.issue.title}`,
        actor: e.sender?.login ?? null,
        at: new Date(e.issue.updated_at).toISOString(),
        url: e.issue.html_url,
        fields: {
          number: e.issue.number,
          action: e.action,
          state: e.issue.state,
          repository: e.repository.full_name,
          service: serviceOf(e.repository, ref),
        },
      },
    },
  ];
}
