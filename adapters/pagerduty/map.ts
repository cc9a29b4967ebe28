/** PagerDuty records → normalized models, with the raw values kept. */
import type {
  Incident,
  IncidentStatus,
  Service,
  Severity,
  Team,
  TimelineEntry,
  TimelineEntryKind,
} from '../contract/index.js';
import type { PdIncident, PdLogEntry, PdNote, PdService, PdTeam } from './api.js';

const STATUS: Record<string, IncidentStatus> = {
  triggered: 'TRIGGERED',
  acknowledged: 'ACKNOWLEDGED',
  resolved: 'RESOLVED',
};

export const STATUS_TO_PD: Partial<Record<IncidentStatus, string>> = {
  TRIGGERED: 'triggered',
  ACKNOWLEDGED: 'acknowledged',
  RESOLVED: 'resolved',
};

/** The conventional priority scheme: P1 is the most severe. */
const PRIORITY: Record<string, Severity> = { P1: 'CRITICAL', P2: 'HIGH', P3: 'MEDIUM', P4: 'LOW', P5: 'INFO' };
export const SEVERITY_TO_PRIORITY: Partial<Record<Severity, string>> = {
  CRITICAL: 'P1',
  HIGH: 'P2',
  MEDIUM: 'P3',
  LOW: 'P4',
  INFO: 'P5',
};
const URGENCY: Record<string, Severity> = { high: 'HIGH', low: 'LOW' };

export function urgencyFor(severity: Severity): 'high' | 'low' {
  return severity === 'CRITICAL' || severity === 'HIGH' ? 'high' : 'low';
}

function priorityName(incident: PdIncident): string | undefined {
  return incident.priority?.name ?? incident.priority?.summary ?? undefined;
}

export function severityOf(incident: PdIncident): { severity: Severity; raw: string | null } {
  const priority = priorityName(incident);
  if (priority) return { severity: PRIORITY[priority.toUpperCase()] ?? 'UNKNOWN', raw: priority };
  const urgency = incident.urgency;
  return { severity: (urgency && URGENCY[urgency]) || 'UNKNOWN', raw: urgency ?? null };
}

export function toIncident(pd: PdIncident): Incident {
  const { severity, raw } = severityOf(pd);
  const resolvedAt = pd.resolved_at ?? (pd.status === 'resolved' ? (pd.last_status_change_at ?? null) : null);
  return {
    id: pd.id,
    url: pd.html_url ?? null,
    title: pd.title,
    description: pd.body?.details ?? pd.description ?? null,
    status: STATUS[pd.status] ?? 'UNKNOWN',
    rawStatus: pd.status,
    severity,
    rawSeverity: raw,
    createdAt: iso(pd.created_at),
    updatedAt: pd.updated_at ? iso(pd.updated_at) : null,
    acknowledgedAt: pd.acknowledgements?.[0]?.at ? iso(pd.acknowledgements[0].at) : null,
    resolvedAt: resolvedAt ? iso(resolvedAt) : null,
    assignees: (pd.assignments ?? []).map((a) => a.assignee.summary ?? a.assignee.id),
    service: pd.service?.summary ?? null,
    team: pd.teams?.[0]?.summary ?? null,
    fields: {
      incidentNumber: pd.incident_number ?? null,
      urgency: pd.urgency ?? null,
      priority: priorityName(pd) ?? null,
      incidentKey: pd.incident_key ?? null,
      serviceId: pd.service?.id ?? null,
      escalationPolicy: pd.escalation_policy?.summary ?? null,
    },
  };
}

const LOG_KIND: Record<string, TimelineEntryKind> = {
  trigger_log_entry: 'CREATED',
  acknowledge_log_entry: 'STATUS_CHANGE',
  unacknowledge_log_entry: 'STATUS_CHANGE',
  resolve_log_entry: 'STATUS_CHANGE',
  snooze_log_entry: 'STATUS_CHANGE',
  assign_log_entry: 'ASSIGNMENT',
  delegate_log_entry: 'ASSIGNMENT',
  escalate_log_entry: 'ESCALATION',
  exhaust_escalation_path_log_entry: 'ESCALATION',
  notify_log_entry: 'NOTIFICATION',
  priority_change_log_entry: 'SEVERITY_CHANGE',
  urgency_change_log_entry: 'SEVERITY_CHANGE',
  link_log_entry: 'OTHER',
};

export function toLogTimelineEntry(incidentId: string, entry: PdLogEntry): TimelineEntry {
  return {
    id: entry.id,
    incidentId,
    url: entry.html_url ?? null,
    kind: LOG_KIND[entry.type] ?? 'OTHER',
    rawKind: entry.type,
    body: entry.summary ?? entry.channel?.summary ?? entry.type,
    actor: entry.agent?.summary ?? null,
    at: iso(entry.created_at),
    fields: { channel: entry.channel?.type ?? null },
  };
}

export function toNoteTimelineEntry(incidentId: string, incidentUrl: string | null, note: PdNote): TimelineEntry {
  return {
    id: note.id,
    incidentId,
    url: incidentUrl,
    kind: 'NOTE',
    rawKind: 'note',
    body: note.content,
    actor: note.user?.summary ?? null,
    at: iso(note.created_at),
  };
}

export function toService(pd: PdService): Service {
  return {
    id: pd.id,
    url: pd.html_url ?? null,
    name: pd.name,
    description: pd.description ?? null,
    team: pd.teams?.[0]?.summary ?? null,
    fields: { status: pd.status ?? null, escalationPolicy: pd.escalation_policy?.summary ?? null },
  };
}

export function toTeam(pd: PdTeam): Team {
  return { id: pd.id, url: pd.html_url ?? null, name: pd.name, description: pd.description ?? null };
}

/** PagerDuty renders times in the account's zone (`2025-11-21T11:00:00+01:00`); we answer in UTC. */
export function iso(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
