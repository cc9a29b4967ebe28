/**
 * The ticket capability over a repository's issues. Lists push every filter GitHub can apply: the
 * issues API (`state`, `labels`, `assignee`, newest first) for a first page, the search API when
 * there is free text, several assignees or a position to resume from (`created:<=` that
 * position). Pull requests, which the issues API also lists, are skipped.
 */

import { incidentIdOf, incidentLabel } from '../contract/incident-labels.js';
import {
  AdapterError,
  badInput,
  type CallContext,
  notFound,
  type Page,
  settleEach,
  type Ticket,
  type TicketCapability,
  type TicketCreate,
  type TicketPriority,
  type TicketQuery,
  type TicketStatus,
  type TicketUpdate,
} from '../contract/index.js';
import { fanOut, pageCounter } from '../http/index.js';
import type { GhIssue, GhSearch } from './api.js';
import type { GitHubClient } from './client.js';
import { hasNextLink, isAfter, type Position, positionOf } from './position.js';
import { qualifier, searchQuery } from './search.js';

const FAN_OUT = 4;
/** The search API serves the first 1000 results of a query only. */
const SEARCH_WINDOW = 1000;

export const malformed = (what: string) =>
  new AdapterError('PROVIDER_ERROR', `GitHub answered ${what} with an unexpected shape`);

export interface RepoRef {
  owner: string;
  repo: string;
  /** The service the repository's records belong to. */
  service: string;
  /** GitHub's web root (`https://github.com`, or a GitHub Enterprise host), for links records lack. */
  web: string;
}

const PRIORITY_WORDS: Record<string, TicketPriority> = {
  highest: 'HIGHEST',
  critical: 'HIGHEST',
  urgent: 'HIGHEST',
  p0: 'HIGHEST',
  high: 'HIGH',
  p1: 'HIGH',
  medium: 'MEDIUM',
  p2: 'MEDIUM',
  low: 'LOW',
  p3: 'LOW',
  lowest: 'LOWEST',
  p4: 'LOWEST',
};
const PRIORITY_LABEL = /^(?:priority|prio)\s*[:/_-]?\s*(\w+)$|^(p[0-4])$/i;

function labelNames(issue: GhIssue): string[] {
  return (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : l.name));
}

function priorityOf(labels: string[]): { priority: TicketPriority; raw: string | null } {
  for (const label of labels) {
    const match = PRIORITY_LABEL.exec(label.trim());
    const word = (match?.[1] ?? match?.[2])?.toLowerCase();
    if (word && PRIORITY_WORDS[word]) return { priority: PRIORITY_WORDS[word], raw: label };
  }
  return { priority: 'UNKNOWN', raw: null };
}

function statusOf(issue: GhIssue): TicketStatus {
  if (issue.state === 'open') return 'OPEN';
  if (issue.state === 'closed')
    return issue.state_reason === 'not_planned' || issue.state_reason === 'duplicate' ? 'CANCELLED' : 'DONE';
  return 'UNKNOWN';
}

export function toTicket(issue: GhIssue, ref: RepoRef): Ticket {
  const labels = labelNames(issue);
  const { priority, raw } = priorityOf(labels);
  return {
    id: String(issue.number),
    key: `${ref.repo}#${issue.number}`,
    url: issue.html_url,
    title: issue.title,
    description: issue.body ?? null,
    status: statusOf(issue),
    rawStatus: issue.state_reason ? `${issue.state}:${issue.state_reason}` : issue.state,
    priority,
    rawPriority: raw,
    assignee: issue.assignees?.[0]?.login ?? issue.assignee?.login ?? null,
    reporter: issue.user?.login ?? null,
    createdAt: new Date(issue.created_at).toISOString(),
    updatedAt: issue.updated_at ? new Date(issue.updated_at).toISOString() : null,
    service: ref.service,
    incidentIds: labels.map(incidentIdOf).filter((id): id is string => id !== null),
    fields: {
      number: issue.number,
      labels,
      assignees: (issue.assignees ?? []).map((a) => a.login),
      milestone: issue.milestone?.title ?? null,
      stateReason: issue.state_reason ?? null,
      closedAt: issue.closed_at ?? null,
      comments: issue.comments ?? 0,
    },
  };
}

/** Which issue states a status filter needs; null when no issue can match. */
function statesFor(
  statuses: TicketStatus[] | undefined,
): { state: 'open' | 'closed' | 'all'; reason?: 'completed' | 'not_planned' } | null {
  if (!statuses?.length) return { state: 'all' };
  const open = statuses.includes('OPEN');
  const done = statuses.includes('DONE');
  const cancelled = statuses.includes('CANCELLED');
  if (!open && !done && !cancelled) return null;
  // Open and closed together: the status check after the listing keeps the asked closed kinds.
  if (open && (done || cancelled)) return { state: 'all' };
  if (open) return { state: 'open' };
  if (done && cancelled) return { state: 'closed' };
  return { state: 'closed', reason: done ? 'completed' : 'not_planned' };
}

/** `maxPages`: GitHub pages one listing reads to fill a page of tickets (pull requests and filters thin pages out). */
export function ticketCapability(
  http: GitHubClient,
  ref: RepoRef,
  pageSize: number,
  maxPages: number,
): TicketCapability {
  const repoPath = { owner: ref.owner, repo: ref.repo };
  const matchesStatus = (statuses: TicketStatus[] | undefined) => (t: Ticket) =>
    !statuses?.length || statuses.includes(t.status);

  async function viaIssuesList(q: TicketQuery, state: string, signal?: AbortSignal): Promise<Page<Ticket>> {
    const nodes: Ticket[] = [];
    const nextPage = pageCounter('GitHub', 'issues', maxPages);
    for (let page = 1; ; page++) {
      nextPage();
      const res = await http.request<GhIssue[]>(
        'GET /repos/{owner}/{repo}/issues',
        {
          ...repoPath,
          state,
          sort: 'created',
          direction: 'desc',
          per_page: pageSize,
          page,
          ...(q.incidentId ? { labels: incidentLabel(q.incidentId) } : {}),
          ...(q.assignees?.length === 1 ? { assignee: q.assignees[0] } : {}),
        },
        signal,
      );
      if (!Array.isArray(res.data)) throw malformed('the issue list');
      for (const issue of res.data) {
        if (issue.pull_request) continue;
        const ticket = toTicket(issue, ref);
        if (!matchesStatus(q.statuses)(ticket)) continue;
        if (nodes.length === q.first) return { nodes, hasNextPage: true, totalCount: null };
        nodes.push(ticket);
      }
      if (!hasNextLink(res.headers.link)) return { nodes, hasNextPage: false, totalCount: null };
    }
  }

  async function viaSearch(q: TicketQuery, after: Position | undefined, signal?: AbortSignal): Promise<Page<Ticket>> {
    const states = statesFor(q.statuses);
    const qualifiers = [`repo:${ref.owner}/${ref.repo}`, 'is:issue'];
    if (states && states.state !== 'all') qualifiers.push(`state:${states.state}`);
    if (states?.reason) qualifiers.push(states.reason === 'completed' ? 'reason:completed' : 'reason:"not planned"');
    if (q.incidentId) qualifiers.push(qualifier('label', incidentLabel(q.incidentId)));
    const assignees = q.assignees ?? [];
    if (assignees.length === 1) qualifiers.push(qualifier('assignee', assignees[0] as string));
    if (assignees.length > 1) qualifiers.push(`(${assignees.map((a) => qualifier('assignee', a)).join(' OR ')})`);
    if (after) qualifiers.push(`created:<=${new Date(after.key).toISOString().replace('.000Z', 'Z')}`);
    const text = q.query?.trim();
    const search = searchQuery(qualifiers, text ? text : undefined);

    const nodes: Ticket[] = [];
    let total: number | null = null;
    const nextPage = pageCounter('GitHub', 'search results', maxPages);
    // Past the search window GitHub answers nothing more: the next page resumes before the last ticket.
    for (let page = 1; page * pageSize <= SEARCH_WINDOW; page++) {
      nextPage();
      const res = await http.request<GhSearch<GhIssue>>(
        'GET /search/issues',
        { q: search, sort: 'created', order: 'desc', per_page: pageSize, page },
        signal,
      );
      if (!Array.isArray(res.data?.items)) throw malformed('the issue search');
      total = after ? null : res.data.total_count;
      for (const issue of res.data.items) {
        if (issue.pull_request) continue;
        const ticket = toTicket(issue, ref);
        if (after && !isAfter(ticket, after)) continue;
        if (!matchesStatus(q.statuses)(ticket)) continue;
        if (nodes.length === q.first) return { nodes, hasNextPage: true, totalCount: total };
        nodes.push(ticket);
      }
      if (!hasNextLink(res.headers.link)) return { nodes, hasNextPage: false, totalCount: total };
    }
    return { nodes, hasNextPage: true, totalCount: total };
  }

  async function runQuery(q: TicketQuery, signal?: AbortSignal): Promise<Page<Ticket>> {
    const empty = { nodes: [], hasNextPage: false, totalCount: 0 };
    if (q.scope?.service && q.scope.service.toLowerCase() !== ref.service.toLowerCase()) return empty;
    const states = statesFor(q.statuses);
    if (!states) return empty;
    const after = positionOf(q.after);
    if (after || q.query?.trim() || (q.assignees?.length ?? 0) > 1) return viaSearch(q, after, signal);
    return viaIssuesList(q, states.state, signal);
  }

  async function getIssue(id: string, signal?: AbortSignal): Promise<GhIssue> {
    if (!/^[1-9]\d{0,9}$/.test(id)) throw notFound('GitHub issue', id);
    const res = await http.request<GhIssue>(
      'GET /repos/{owner}/{repo}/issues/{issue_number}',
      { ...repoPath, issue_number: Number(id) },
      signal,
    );
    if (res.data.pull_request) throw notFound('GitHub issue', id);
    return res.data;
  }

  function labelsFor(
    current: string[],
    input: { priority?: TicketPriority; incidentId?: string | null; fields?: Record<string, unknown> },
  ): string[] {
    let labels = [...current];
    const extra = input.fields?.labels;
    if (Array.isArray(extra)) labels.push(...extra.filter((l): l is string => typeof l === 'string'));
    if (input.priority && input.priority !== 'UNKNOWN') {
      labels = labels.filter((l) => !PRIORITY_LABEL.test(l.trim()));
      labels.push(`priority: ${input.priority.toLowerCase()}`);
    }
    if (input.incidentId) labels.push(incidentLabel(input.incidentId));
    return [...new Set(labels)];
  }

  return {
    async query(queries, ctx) {
      return settleEach(queries, (q) => runQuery(q, ctx.signal));
    },

    async getMany(ids, ctx) {
      // The REST API has no batch read of issues by number.
      return fanOut(ids, FAN_OUT, async (id) => toTicket(await getIssue(id, ctx.signal), ref));
    },

    async create(input: TicketCreate, ctx: CallContext) {
      const labels = labelsFor([], input);
      const res = await http.request<GhIssue>(
        'POST /repos/{owner}/{repo}/issues',
        {
          ...repoPath,
          title: input.title,
          ...(input.description ? { body: input.description } : {}),
          ...(input.assignee ? { assignees: [input.assignee] } : {}),
          ...(labels.length ? { labels } : {}),
        },
        ctx.signal,
      );
      return toTicket(res.data, ref);
    },

    async update(id: string, input: TicketUpdate, ctx: CallContext) {
      if (!/^[1-9]\d{0,9}$/.test(id)) throw notFound('GitHub issue', id);
      const patch: Record<string, unknown> = {};
      if (input.title) patch.title = input.title;
      if (input.description !== undefined) patch.body = input.description ?? '';
      if (input.assignee !== undefined) patch.assignees = input.assignee ? [input.assignee] : [];
      if (input.status) {
        if (input.status === 'OPEN') patch.state = 'open';
        else if (input.status === 'DONE') Object.assign(patch, { state: 'closed', state_reason: 'completed' });
        else if (input.status === 'CANCELLED') Object.assign(patch, { state: 'closed', state_reason: 'not_planned' });
        else
          throw badInput(`GitHub issues are open or closed (done or not planned); ${input.status} has no GitHub state`);
      }
      if ((input.priority && input.priority !== 'UNKNOWN') || input.incidentId || input.fields?.labels) {
        patch.labels = labelsFor(labelNames(await getIssue(id, ctx.signal)), input);
      }
      const res = await http.request<GhIssue>(
        'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
        { ...repoPath, issue_number: Number(id), ...patch },
        ctx.signal,
      );
      return toTicket(res.data, ref);
    },
  };
}
