import {
  badInput,
  type Incident,
  type IncidentCreate,
  type IncidentStatus,
  type IncidentUpdate,
  notFound,
  type Severity,
  type TimelineAppend,
  type TimelineEntry,
} from '../../contract/index.js';
import { canonicalPerson, findService, findTeam } from '../scope.js';
import { links } from '../world/links.js';
import { membersAt } from '../world/rotation.js';
import { iso } from '../world/time.js';
import { type EntryDraft, makeEntry } from '../world/timeline.js';
import { INCIDENT_SEVERITY_RAW, INCIDENT_STATUS_RAW } from '../world/vocab.js';
import { checkRoom, keepNewest, mergedFields, WORLD_BOUNDS } from './bounds.js';
import { actorOf, GATEWAY_ACTOR, type OpsContext, requireText } from './context.js';

const STATUSES: readonly IncidentStatus[] = ['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED', 'RESOLVED'];
const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'UNKNOWN'];
const ENTRY_KINDS: readonly TimelineAppend['kind'][] = [
  'NOTE',
  'STATUS_CHANGE',
  'SEVERITY_CHANGE',
  'ASSIGNMENT',
  'ESCALATION',
  'NOTIFICATION',
  'ALERT',
  'DEPLOYMENT',
  'MESSAGE',
  'OTHER',
];

export function findIncident(ctx: OpsContext, id: string): Incident {
  const incident = ctx.world.incidents.find((i) => i.id === id);
  if (!incident) throw notFound('incident', id);
  return incident;
}

/** Appends one entry now, moves `updatedAt` and announces it. */
export function appendEntry(ctx: OpsContext, incident: Incident, draft: Omit<EntryDraft, 'at'>): TimelineEntry {
  const { world } = ctx;
  const entry = makeEntry(world.ids, incident.id, { ...draft, at: world.clock.now() });
  const timeline = world.timelines.get(incident.id) ?? [];
  timeline.push(entry);
  keepNewest(timeline, WORLD_BOUNDS.timelineEntries);
  world.timelines.set(incident.id, timeline);
  incident.updatedAt = entry.at;
  ctx.bus.emit({ type: 'timeline.appended', entry: structuredClone(entry) });
  return entry;
}

export function appendTimeline(ctx: OpsContext, incidentId: string, input: TimelineAppend): TimelineEntry {
  const incident = findIncident(ctx, incidentId);
  if (!ENTRY_KINDS.includes(input.kind)) {
    throw badInput(`kind ${JSON.stringify(input.kind)} cannot be appended; use one of ${ENTRY_KINDS.join(', ')}`);
  }
  const body = requireText(input.body, 'body');
  return appendEntry(ctx, incident, {
    kind: input.kind,
    body,
    actor: ctx.actor ?? (input.actor?.trim() || GATEWAY_ACTOR),
  });
}

export function createIncident(ctx: OpsContext, input: IncidentCreate): Incident {
  const { world } = ctx;
  checkRoom('incident', world.incidents.length, WORLD_BOUNDS.incidents);
  const title = requireText(input.title, 'title');
  const severity = input.severity ?? 'MEDIUM';
  if (!SEVERITIES.includes(severity)) throw badInput(`unknown severity ${JSON.stringify(severity)}`);
  const service = input.service ? findService(world, input.service) : undefined;
  if (input.service && !service) throw badInput(`unknown service ${JSON.stringify(input.service)}`);
  const team = input.team ? findTeam(world, input.team) : findTeam(world, service?.service.team);
  if (input.team && !team) throw badInput(`unknown team ${JSON.stringify(input.team)}`);
  // Like an escalation policy: nobody named means the team's primary on-call gets it.
  const onCall = team
    ? membersAt(team, world.anchor, world.clock.now()).find((m) => m.onCallRole === 'primary')?.name
    : undefined;
  const assignees = input.assignees?.length
    ? dedupe(input.assignees.map((a) => canonicalPerson(world, a)))
    : onCall
      ? [onCall]
      : [];

  const id = world.ids.pagerduty();
  const now = iso(world.clock.now());
  const incident: Incident = {
    id,
    title,
    description: input.description ?? null,
    status: 'TRIGGERED',
    rawStatus: INCIDENT_STATUS_RAW.TRIGGERED,
    severity,
    rawSeverity: INCIDENT_SEVERITY_RAW[severity],
    createdAt: now,
    updatedAt: now,
    acknowledgedAt: null,
    resolvedAt: null,
    assignees,
    service: service?.service.name ?? null,
    team: team?.team.name ?? null,
    url: links.incident(id),
    fields: {
      incident_number: world.sequences.incidentNumber++,
      urgency: severity === 'CRITICAL' || severity === 'HIGH' ? 'high' : 'low',
      ...input.fields,
    },
  };
  world.incidents.push(incident);
  world.timelines.set(id, []);
  world.incidentMeta.set(id, { symptom: 'http-5xx', mitigatedAt: null, leadMs: 0 });
  appendEntry(ctx, incident, { kind: 'CREATED', body: `Incident created: ${title}`, actor: actorOf(ctx) });
  if (assignees.length > 0) {
    appendEntry(ctx, incident, {
      kind: 'NOTIFICATION',
      body: `Notified ${assignees.join(', ')} by push and SMS`,
      actor: 'PagerDuty',
    });
  }
  return incident;
}

export function updateIncident(ctx: OpsContext, id: string, input: IncidentUpdate, actor = actorOf(ctx)): Incident {
  const { world } = ctx;
  const incident = findIncident(ctx, id);
  const title = input.title === undefined ? undefined : requireText(input.title, 'title');
  if (input.status !== undefined && !STATUSES.includes(input.status)) {
    throw badInput(`status must be one of ${STATUSES.join(', ')}`);
  }
  if (input.severity !== undefined && !SEVERITIES.includes(input.severity)) {
    throw badInput(`unknown severity ${JSON.stringify(input.severity)}`);
  }
  const fields = input.fields === undefined ? undefined : mergedFields(incident.fields, input.fields);

  const changed: string[] = [];
  const previousStatus = incident.status;
  const updatedBefore = incident.updatedAt;
  if (title !== undefined && title !== incident.title) {
    incident.title = title;
    changed.push('title');
  }
  if (input.description !== undefined && input.description !== incident.description) {
    incident.description = input.description;
    changed.push('description');
  }
  if (fields !== undefined) {
    incident.fields = fields;
    changed.push('fields');
  }
  if (input.status !== undefined && input.status !== incident.status) {
    changeStatus(ctx, incident, input.status, actor);
    changed.push('status');
  }
  if (input.severity !== undefined && input.severity !== incident.severity) {
    const before = incident.rawSeverity;
    incident.severity = input.severity;
    incident.rawSeverity = INCIDENT_SEVERITY_RAW[input.severity];
    appendEntry(ctx, incident, {
      kind: 'SEVERITY_CHANGE',
      body: `Priority changed from ${before} to ${incident.rawSeverity}`,
      actor,
      fields: { from: before, to: incident.rawSeverity },
    });
    changed.push('severity');
  }
  if (input.assignees !== undefined) {
    const assignees = dedupe(input.assignees.map((a) => canonicalPerson(world, a)));
    if (assignees.join('\u0000') !== incident.assignees.join('\u0000')) {
      incident.assignees = assignees;
      appendEntry(ctx, incident, {
        kind: 'ASSIGNMENT',
        body: assignees.length > 0 ? `Assigned to ${assignees.join(', ')}` : 'Unassigned',
        actor,
      });
      changed.push('assignees');
    }
  }
  if (input.note !== undefined && input.note.trim().length > 0) {
    appendEntry(ctx, incident, { kind: 'NOTE', body: input.note.trim(), actor });
  }
  if (changed.length > 0) {
    // Changes with a timeline entry already moved updatedAt to that entry; the rest move it now.
    if (incident.updatedAt === updatedBefore) incident.updatedAt = iso(world.clock.now());
    const event = { type: 'incident.updated' as const, incident: structuredClone(incident), changedFields: changed };
    ctx.bus.emit(changed.includes('status') ? { ...event, previousStatus } : event);
  }
  return incident;
}

const STATUS_VERB: Record<IncidentStatus, string> = {
  TRIGGERED: 'Re-triggered',
  ACKNOWLEDGED: 'Acknowledged',
  MITIGATED: 'Marked mitigated',
  RESOLVED: 'Resolved',
  UNKNOWN: 'Changed',
};

function changeStatus(ctx: OpsContext, incident: Incident, status: IncidentStatus, actor: string): void {
  const now = ctx.world.clock.now();
  const meta = ctx.world.incidentMeta.get(incident.id);
  const from = incident.rawStatus;
  incident.status = status;
  incident.rawStatus = INCIDENT_STATUS_RAW[status];
  if (status === 'TRIGGERED') incident.acknowledgedAt = null;
  else if (status !== 'RESOLVED') incident.acknowledgedAt ??= iso(now);
  incident.resolvedAt = status === 'RESOLVED' ? iso(now) : null;
  if (meta) meta.mitigatedAt = status === 'MITIGATED' ? now : status === 'RESOLVED' ? meta.mitigatedAt : null;
  appendEntry(ctx, incident, {
    kind: 'STATUS_CHANGE',
    body: `${STATUS_VERB[status]} by ${actor}`,
    actor,
    fields: { from, to: incident.rawStatus },
  });
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}
