/**
 * JQL built from ticket filters. Every value is a quoted JQL string with backslashes and quotes
 * escaped, so no filter value can end its string and add clauses of its own; reserved words are
 * harmless inside quotes. Free text additionally loses the Lucene operators the `~` operator
 * would interpret.
 */

import { incidentLabel } from '../contract/incident-labels.js';
import type { TicketQuery, TicketStatus } from '../contract/index.js';

/** A JQL string literal. */
export function jqlString(value: string): string {
  return `"${value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n\t]+/g, ' ')}"`;
}

/** Lucene syntax the text-search operator would interpret: `+ - & | ! ( ) { } [ ] ^ ~ * ? : \ / "`. */
const LUCENE_SPECIALS = /[+\-&|!(){}[\]^~*?:\\/"]/g;

export function textSearch(value: string): string {
  return jqlString(value.replace(LUCENE_SPECIALS, ' ').replace(/\s+/g, ' ').trim());
}

/** Status categories by the names JQL's `statusCategory` field takes. */
const CATEGORY_NAMES: Partial<Record<TicketStatus, string>> = {
  OPEN: 'To Do',
  IN_PROGRESS: 'In Progress',
  DONE: 'Done',
};

export interface JqlInput {
  projectKey: string;
  query: TicketQuery;
  /** Assignees already resolved to Atlassian account IDs. */
  assigneeIds?: string[];
}

/** The JQL for a query, or null when it cannot match anything (e.g. only unknown statuses). */
export function buildJql({ projectKey, query, assigneeIds }: JqlInput): string | null {
  const clauses = [`project = ${jqlString(projectKey)}`];
  if (query.statuses?.length) {
    const categories = [...new Set(query.statuses.flatMap((s) => CATEGORY_NAMES[s] ?? []))];
    if (categories.length === 0) return null;
    clauses.push(`statusCategory in (${categories.map(jqlString).join(', ')})`);
  }
  if (query.assignees?.length) {
    if (!assigneeIds?.length) return null;
    clauses.push(`assignee in (${assigneeIds.map(jqlString).join(', ')})`);
  }
  if (query.scope?.service) clauses.push(`component = ${jqlString(query.scope.service)}`);
  if (query.incidentId) clauses.push(`labels = ${jqlString(incidentLabel(query.incidentId))}`);
  if (query.query?.trim()) {
    const text = textSearch(query.query);
    if (text !== '""') clauses.push(`text ~ ${text}`);
  }
  return `${clauses.join(' AND ')} ORDER BY created DESC, key DESC`;
}

/** Tickets linked to any of several incidents, ordered as `buildJql` orders one incident's. */
export function linkedJql(projectKey: string, incidentIds: readonly string[]): string {
  const labels = incidentIds.map((id) => jqlString(incidentLabel(id))).join(', ');
  return `project = ${jqlString(projectKey)} AND labels in (${labels}) ORDER BY created DESC, key DESC`;
}

export function keysJql(keys: readonly string[]): string {
  return `key in (${keys.map(jqlString).join(', ')})`;
}
