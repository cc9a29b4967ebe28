import type { Incident, IncidentStatus, Severity, TeamMember, TimelineEntry } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { links } from './links.js';
import type { IncidentMeta } from './model.js';
import type { Rng } from './rng.js';
import type { ServiceRecord } from './services.js';
import { SYMPTOM_BY_KEY, SYMPTOMS, type Symptom } from './symptoms.js';
import type { TeamRecord } from './teams.js';
import { DAY, iso, MINUTE, SECOND, toSecond } from './time.js';
import { type EntryDraft, MAX_GENERATED_ENTRIES, makeEntry } from './timeline.js';
import { INCIDENT_SEVERITY_RAW, INCIDENT_STATUS_RAW } from './vocab.js';

/**
 * The two open incidents every seed has, on services that have a runbook, so the demo always
 * shows a runbook in flight next to a live incident.
 */
export const HEADLINE_INCIDENTS = [
  { service: 'checkout', symptom: 'http-5xx', severity: 'CRITICAL', status: 'ACKNOWLEDGED' },
  { service: 'orders-db', symptom: 'db-pool', severity: 'HIGH', status: 'ACKNOWLEDGED' },
] as const satisfies readonly { service: string; symptom: string; severity: Severity; status: IncidentStatus }[];

/**
 * The oldest incident (PagerDuty numbers them from 1200 in creation order) predates team ownership
 * in the account: it names no team of its own and belongs to its service's team, which is what a
 * `scope.team` filter and `Incident.team` fall back to.
 */
export const TEAMLESS_INCIDENT_NUMBER = 1200;

/** Applied once the whole world exists, so nothing generated from the incidents changes. */
export function dropTeamOfTeamlessIncident(incidents: readonly Incident[]): void {
  const teamless = incidents.find((i) => i.fields?.incident_number === TEAMLESS_INCIDENT_NUMBER);
  if (teamless) teamless.team = null;
}

const OTHER_OPEN_STATUSES: readonly IncidentStatus[] = [
  'TRIGGERED',
  'TRIGGERED',
  'ACKNOWLEDGED',
  'MITIGATED',
  'MITIGATED',
];
const INCIDENT_COUNT = 24;
const SEVERITY_POOL: readonly Severity[] = [
  ...Array<Severity>(3).fill('CRITICAL'),
  ...Array<Severity>(5).fill('HIGH'),
  ...Array<Severity>(6).fill('MEDIUM'),
  ...Array<Severity>(4).fill('LOW'),
  ...Array<Severity>(4).fill('INFO'),
];

/** Symptoms that fit a service better than a random pick. */
const PREFERRED_SYMPTOM: Record<string, string> = { kafka: 'consumer-lag', 'orders-db': 'db-pool' };

export interface GeneratedIncidents {
  incidents: Incident[];
  timelines: Map<string, TimelineEntry[]>;
  meta: Map<string, IncidentMeta>;
  nextNumber: number;
}

export function generateIncidents(
  rng: Rng,
  ids: IdFactory,
  anchor: number,
  services: readonly ServiceRecord[],
  teams: readonly TeamRecord[],
): GeneratedIncidents {
  const severities = rng.shuffle(SEVERITY_POOL);
  const drafts: { incident: Incident; entries: EntryDraft[]; meta: IncidentMeta }[] = [];

  for (let i = 0; i < INCIDENT_COUNT; i++) {
    const headline = HEADLINE_INCIDENTS[i];
    const otherOpen = OTHER_OPEN_STATUSES[i - HEADLINE_INCIDENTS.length];
    const status: IncidentStatus = headline?.status ?? otherOpen ?? 'RESOLVED';
    const severity: Severity = headline?.severity ?? severities[i - HEADLINE_INCIDENTS.length] ?? 'MEDIUM';
    const serviceRecord = headline ? services.find((s) => s.service.name === headline.service)! : rng.pick(services);
    const service = serviceRecord.service;
    const team = teams.find((t) => t.team.name === service.team)!;
    const symptomKey = headline?.symptom ?? PREFERRED_SYMPTOM[service.name];
    const symptom: Symptom = (symptomKey && SYMPTOM_BY_KEY.get(symptomKey)) || rng.pick(SYMPTOMS);

    const createdAt = pickCreatedAt(rng, anchor, status, headline !== undefined);
    const resolvedAt =
      status === 'RESOLVED' ? Math.min(createdAt + rng.int(15, 300) * MINUTE, anchor - 10 * MINUTE) : null;
    const story = tellStory(rng, {
      status,
      createdAt,
      resolvedAt,
      anchor,
      team: team.members,
      symptom,
      service: service.name,
    });

    const id = ids.pagerduty();
    drafts.push({
      incident: {
        id,
        title: symptom.title(service.name),
        description: symptom.description(service.name),
        status,
        rawStatus: INCIDENT_STATUS_RAW[status],
        severity,
        rawSeverity: INCIDENT_SEVERITY_RAW[severity],
        createdAt: iso(createdAt),
        updatedAt: iso(story.entries[story.entries.length - 1]!.at),
        acknowledgedAt: story.acknowledgedAt === null ? null : iso(story.acknowledgedAt),
        resolvedAt: resolvedAt === null ? null : iso(resolvedAt),
        assignees: story.assignees,
        service: service.name,
        team: team.team.name,
        url: links.incident(id),
        fields: {
          urgency: severity === 'CRITICAL' || severity === 'HIGH' ? 'high' : 'low',
          escalation_policy: `${team.team.name} escalation`,
        },
      },
      entries: story.entries,
      meta: { symptom: symptom.key, mitigatedAt: story.mitigatedAt, leadMs: 5 * MINUTE },
    });
  }

  // PagerDuty numbers incidents in creation order.
  drafts.sort((a, b) => Date.parse(a.incident.createdAt) - Date.parse(b.incident.createdAt));
  let number = 1200;
  const timelines = new Map<string, TimelineEntry[]>();
  const meta = new Map<string, IncidentMeta>();
  for (const draft of drafts) {
    draft.incident.fields = { incident_number: number++, ...draft.incident.fields };
    timelines.set(
      draft.incident.id,
      draft.entries.map((entry) => makeEntry(ids, draft.incident.id, entry)),
    );
    meta.set(draft.incident.id, draft.meta);
  }
  return { incidents: drafts.map((d) => d.incident), timelines, meta, nextNumber: number };
}

function pickCreatedAt(rng: Rng, anchor: number, status: IncidentStatus, headline: boolean): number {
  const minutesAgo = (() => {
    if (headline) return rng.int(35, 110);
    switch (status) {
      case 'TRIGGERED':
        return rng.int(4, 80);
      case 'ACKNOWLEDGED':
        return rng.int(25, 300);
      case 'MITIGATED':
        return rng.int(2 * 60, 30 * 60);
      default:
        return rng.int(6 * 60, (14 * DAY) / MINUTE);
    }
  })();
  return Math.floor((anchor - minutesAgo * MINUTE - rng.int(0, 59) * SECOND) / SECOND) * SECOND;
}

interface StoryInput {
  status: IncidentStatus;
  createdAt: number;
  resolvedAt: number | null;
  anchor: number;
  team: readonly TeamMember[];
  symptom: Symptom;
  service: string;
}

interface Story {
  entries: EntryDraft[];
  acknowledgedAt: number | null;
  mitigatedAt: number | null;
  assignees: string[];
}

/**
 * The incident's timeline, consistent with its status: every status it went through has its
 * entry, in order, all within [createdAt, resolvedAt ?? now].
 */
function tellStory(rng: Rng, input: StoryInput): Story {
  const { status, createdAt: c, resolvedAt, anchor, team, symptom, service } = input;
  const end = resolvedAt ?? anchor;
  const span = end - c;
  const primary = team.find((m) => m.onCallRole === 'primary') ?? team[0]!;
  const secondary = team.find((m) => m.onCallRole === 'secondary') ?? team.find((m) => m !== primary) ?? primary;
  const at = (fraction: number) => toSecond(c + span * fraction);

  const notifiedAt = c + rng.int(15, 60) * SECOND;
  const entries: EntryDraft[] = [
    {
      kind: 'CREATED',
      body: `Triggered through the Alertmanager integration: ${symptom.alertname} on ${service}`,
      actor: 'Alertmanager',
      at: c,
    },
    { kind: 'NOTIFICATION', body: `Notified ${primary.name} by push and SMS`, actor: 'PagerDuty', at: notifiedAt },
  ];

  const acknowledged = status !== 'TRIGGERED' && (status !== 'RESOLVED' || rng.chance(0.85));
  const ackFraction = rng.float(0.08, 0.3);
  // Escalation means nobody acknowledged for ten minutes, so the acknowledgement (if any) comes after it.
  const escalated = acknowledged ? span >= 30 * MINUTE && rng.chance(0.3) : span > 15 * MINUTE;
  const escalatedAt = c + 10 * MINUTE;
  const acknowledgedAt = acknowledged
    ? Math.max(at(ackFraction), notifiedAt + 2 * MINUTE, escalated ? escalatedAt + rng.int(1, 5) * MINUTE : 0)
    : null;
  const acker = escalated ? secondary : primary;
  if (escalated) {
    entries.push({
      kind: 'ESCALATION',
      body: `Escalated to ${secondary.name} (level 2): not acknowledged within 10 minutes`,
      actor: 'PagerDuty',
      at: escalatedAt,
    });
  }
  if (acknowledgedAt !== null) {
    entries.push({
      kind: 'STATUS_CHANGE',
      body: `Acknowledged by ${acker.name}`,
      actor: acker.name,
      at: acknowledgedAt,
      fields: { to: 'acknowledged' },
    });
  }

  const assignees = [acker.name];
  if (acknowledged && rng.chance(0.4)) {
    const helper = rng.pick(team.filter((m) => m !== acker));
    if (helper) assignees.push(helper.name);
  }

  const mitigated = status === 'MITIGATED' || (status === 'RESOLVED' && acknowledged && rng.chance(0.5));
  const mitigatedAt = mitigated ? at(rng.float(0.6, 0.8)) : null;

  const room = MAX_GENERATED_ENTRIES - entries.length - (mitigated ? 1 : 0) - (status === 'RESOLVED' ? 1 : 0);
  const noteCount = acknowledgedAt !== null ? Math.min(room, rng.int(0, 3)) : 0;
  if (acknowledgedAt !== null && noteCount > 0) {
    // Notes are written while people work on it: after the acknowledgement, before impact ends.
    const from = acknowledgedAt + 30 * SECOND;
    const until = (mitigatedAt ?? end) - 30 * SECOND;
    const slot = (until - from) / noteCount;
    rng.sample(symptom.notes, noteCount).forEach((body, i) => {
      entries.push({
        kind: 'NOTE',
        body,
        actor: rng.pick(assignees),
        at: toSecond(from + slot * (i + rng.float(0.1, 0.9))),
      });
    });
  }

  if (mitigatedAt !== null) {
    entries.push({
      kind: 'STATUS_CHANGE',
      body: `Marked mitigated by ${acker.name}: impact stopped, monitoring`,
      actor: acker.name,
      at: mitigatedAt,
      fields: { to: 'mitigated' },
    });
  }
  if (resolvedAt !== null) {
    const automatic = !acknowledged || rng.chance(0.2);
    entries.push({
      kind: 'STATUS_CHANGE',
      body: automatic ? 'Resolved automatically: the alert cleared' : `Resolved by ${acker.name}`,
      actor: automatic ? 'Alertmanager' : acker.name,
      at: resolvedAt,
      fields: { to: 'resolved' },
    });
  }
  entries.sort((a, b) => a.at - b.at);
  return { entries, acknowledgedAt, mitigatedAt, assignees: acknowledged ? assignees : [primary.name] };
}
