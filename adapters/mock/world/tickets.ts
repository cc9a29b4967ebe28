import type { Incident, Ticket, TicketPriority, TicketStatus } from '../../contract/index.js';
import { links } from './links.js';
import type { IncidentMeta } from './model.js';
import type { Rng } from './rng.js';
import type { ServiceRecord } from './services.js';
import { DEFAULT_SYMPTOM, SYMPTOM_BY_KEY } from './symptoms.js';
import type { TeamRecord } from './teams.js';
import { DAY, HOUR, iso, MINUTE } from './time.js';
import { TICKET_PRIORITY_RAW, TICKET_STATUS_RAW } from './vocab.js';

const TICKET_COUNT = 15;
const POSTMORTEM_COUNT = 6;
const FOLLOW_UP_COUNT = 3;
export const FIRST_TICKET_NUMBER = 101;
export const FIRST_TICKET_ID = 10_400;

const TECH_DEBT = [
  (s: string) => `Add SLO dashboard for ${s}`,
  (s: string) => `Upgrade ${s} to Node 20`,
  (s: string) => `Tune HPA thresholds of ${s}`,
  (s: string) => `Document failover procedure for ${s}`,
  (s: string) => `Remove deprecated v1 endpoints from ${s}`,
  (s: string) => `Load test ${s} before the holiday peak`,
];

interface Draft {
  title: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  service: string;
  incidentIds: string[];
  createdAt: number;
  issueType: 'Bug' | 'Task';
}

export interface TicketContext {
  rng: Rng;
  anchor: number;
  services: readonly ServiceRecord[];
  teams: readonly TeamRecord[];
  incidents: readonly Incident[];
  meta: Map<string, IncidentMeta>;
}

export function generateTickets(ctx: TicketContext): Ticket[] {
  const { rng, anchor, incidents } = ctx;
  const drafts: Draft[] = [];
  const cap = (t: number) => Math.min(t, anchor - 10 * MINUTE);

  const resolvedSerious = incidents.filter(
    (i) => i.status === 'RESOLVED' && (i.severity === 'CRITICAL' || i.severity === 'HIGH'),
  );
  // Serious incidents always get a postmortem; a quiet fortnight fills up with lesser ones.
  const lesser = incidents.filter((i) => i.status === 'RESOLVED' && !resolvedSerious.includes(i));
  for (const incident of [...rng.shuffle(resolvedSerious), ...rng.shuffle(lesser)].slice(0, POSTMORTEM_COUNT)) {
    drafts.push({
      title: `Postmortem: ${incident.title}`,
      description: `Write up timeline, root cause and action items for incident #${String(incident.fields?.incident_number)}.`,
      status: rng.weighted<TicketStatus>([
        ['DONE', 3],
        ['IN_PROGRESS', 2],
        ['OPEN', 1],
      ]),
      priority: resolvedSerious.includes(incident) ? 'HIGH' : 'MEDIUM',
      service: incident.service!,
      incidentIds: [incident.id],
      createdAt: cap(Date.parse(incident.resolvedAt!) + rng.int(1, 48) * HOUR),
      issueType: 'Task',
    });
  }

  // Follow-ups are filed by whoever is working an open incident, so never for untouched ones.
  const worked = incidents.filter((i) => i.status === 'ACKNOWLEDGED' || i.status === 'MITIGATED');
  for (const incident of rng.shuffle(worked).slice(0, FOLLOW_UP_COUNT)) {
    const created = Date.parse(incident.createdAt);
    drafts.push({
      title: `Investigate: ${incident.title}`,
      description: `Follow-up from the open incident. ${incident.description ?? ''}`.trim(),
      status: rng.chance(0.6) ? 'IN_PROGRESS' : 'OPEN',
      priority: incident.severity === 'CRITICAL' ? 'HIGHEST' : 'HIGH',
      service: incident.service!,
      incidentIds: [incident.id],
      createdAt: Math.min(created + rng.int(5, 30) * MINUTE, Math.round((created + anchor) / 2)),
      issueType: 'Bug',
    });
  }

  // A problem that keeps coming back links every incident it caused.
  const byService = new Map<string, Incident[]>();
  for (const incident of incidents.filter((i) => i.status === 'RESOLVED'))
    byService.set(incident.service!, [...(byService.get(incident.service!) ?? []), incident]);
  const recurring = [...byService.values()].find((list) => list.length >= 2);
  if (recurring) {
    const pair = recurring.slice(0, 2);
    const symptom = SYMPTOM_BY_KEY.get(ctx.meta.get(pair[0]!.id)?.symptom ?? '') ?? DEFAULT_SYMPTOM;
    drafts.push({
      title: `Recurring ${symptom.alertname} on ${pair[0]!.service}: find the root cause`,
      description: 'Two incidents with the same signature. Blocked on the vendor support case.',
      status: 'BLOCKED',
      priority: 'HIGH',
      service: pair[0]!.service!,
      incidentIds: pair.map((i) => i.id),
      createdAt: cap(Math.max(...pair.map((i) => Date.parse(i.createdAt))) + rng.int(1, 6) * HOUR),
      issueType: 'Bug',
    });
  }

  while (drafts.length < TICKET_COUNT) {
    const service = rng.pick(ctx.services).service.name;
    drafts.push({
      title: rng.pick(TECH_DEBT)(service),
      description: 'Reliability backlog item.',
      status: rng.weighted<TicketStatus>([
        ['OPEN', 4],
        ['IN_PROGRESS', 2],
        ['DONE', 2],
        ['CANCELLED', 1],
      ]),
      priority: rng.pick<TicketPriority>(['MEDIUM', 'LOW', 'LOWEST']),
      service,
      incidentIds: [],
      createdAt: anchor - rng.int(60, (14 * DAY) / MINUTE) * MINUTE,
      issueType: 'Task',
    });
  }

  // Jira numbers issues in creation order.
  drafts.sort((a, b) => a.createdAt - b.createdAt);
  return drafts.map((d, index) => {
    const key = `OPS-${FIRST_TICKET_NUMBER + index}`;
    const members =
      ctx.teams.find((t) => t.team.name === ctx.services.find((s) => s.service.name === d.service)?.service.team)
        ?.members ?? [];
    const assignee = d.status === 'OPEN' && rng.chance(0.3) ? null : (rng.pick(members)?.name ?? null);
    const reporter = rng.pick(members)?.name ?? null;
    const updatedAt = Math.min(d.createdAt + rng.int(0, 72) * HOUR, anchor);
    return {
      id: String(FIRST_TICKET_ID + index),
      key,
      title: d.title,
      description: d.description,
      status: d.status,
      rawStatus: TICKET_STATUS_RAW[d.status],
      priority: d.priority,
      rawPriority: TICKET_PRIORITY_RAW[d.priority],
      assignee,
      reporter,
      createdAt: iso(d.createdAt),
      updatedAt: iso(updatedAt),
      service: d.service,
      incidentIds: d.incidentIds,
      url: links.ticket(key),
      fields: {
        project: 'OPS',
        issuetype: d.issueType,
        labels: d.incidentIds.length > 0 ? ['incident', d.service] : [d.service],
      },
    };
  });
}
