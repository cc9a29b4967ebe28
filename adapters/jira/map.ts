/** Jira issues → tickets, with the raw status and priority kept. */

import { incidentIdOf } from '../contract/incident-labels.js';
import type { Ticket, TicketPriority, TicketStatus } from '../contract/index.js';
import { adfToText } from './adf.js';
import type { JiraIssue, JiraStatus } from './api.js';

const CATEGORY: Record<string, TicketStatus> = { new: 'OPEN', indeterminate: 'IN_PROGRESS', done: 'DONE' };

/** Status names more specific than their category says. */
const BLOCKED = /\bblocked\b|\bon hold\b/i;
const CANCELLED = /\bcancel+ed\b|won'?t do|\bdeclined\b|\brejected\b/i;

export function statusOf(status: JiraStatus | undefined): TicketStatus {
  if (!status) return 'UNKNOWN';
  if (BLOCKED.test(status.name)) return 'BLOCKED';
  const category = CATEGORY[status.statusCategory?.key ?? ''] ?? 'UNKNOWN';
  if (category === 'DONE' && CANCELLED.test(status.name)) return 'CANCELLED';
  return category;
}

const PRIORITY: Record<string, TicketPriority> = {
  highest: 'HIGHEST',
  blocker: 'HIGHEST',
  critical: 'HIGHEST',
  high: 'HIGH',
  major: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  minor: 'LOW',
  lowest: 'LOWEST',
  trivial: 'LOWEST',
};

export const PRIORITY_NAMES: Record<Exclude<TicketPriority, 'UNKNOWN'>, string> = {
  HIGHEST: 'Highest',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  LOWEST: 'Lowest',
};

export function toTicket(issue: JiraIssue, site: string): Ticket {
  const f = issue.fields;
  const description = f.description == null ? null : adfToText(f.description);
  const created = jiraTime(f.created);
  return {
    id: issue.key,
    key: issue.key,
    url: `${site}/browse/${encodeURIComponent(issue.key)}`,
    title: f.summary ?? '',
    description,
    status: statusOf(f.status),
    rawStatus: f.status?.name ?? null,
    priority: f.priority ? (PRIORITY[f.priority.name.toLowerCase()] ?? 'UNKNOWN') : 'UNKNOWN',
    rawPriority: f.priority?.name ?? null,
    assignee: f.assignee?.displayName ?? f.assignee?.emailAddress ?? null,
    reporter: f.reporter?.displayName ?? f.reporter?.emailAddress ?? null,
    createdAt: created ?? new Date(0).toISOString(),
    updatedAt: jiraTime(f.updated),
    service: f.components?.[0]?.name ?? null,
    incidentIds: (f.labels ?? []).map(incidentIdOf).filter((id): id is string => id !== null),
    fields: {
      issueId: issue.id,
      issueType: f.issuetype?.name ?? null,
      project: f.project?.key ?? null,
      labels: f.labels ?? [],
      statusCategory: f.status?.statusCategory?.key ?? null,
    },
  };
}

/**
 * Jira writes offsets without a colon (`2025-11-21T10:00:00.000+0000`), which is not RFC 3339 and
 * which not every parser accepts; this adds the colon and answers in UTC.
 */
export function jiraTime(value: string | undefined | null): string | null {
  if (!value) return null;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
