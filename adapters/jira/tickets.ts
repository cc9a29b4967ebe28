/** The ticket capability over Jira Cloud issues. */

import { incidentIdOf, incidentLabel } from '../contract/incident-labels.js';
import {
  AdapterError,
  badInput,
  type CallContext,
  checkPageRequest,
  isAfter,
  LIST_ORDERS,
  notFound,
  type Page,
  type Result,
  settleEach,
  sortInOrder,
  type Ticket,
  type TicketCapability,
  type TicketCreate,
  type TicketQuery,
  type TicketStatus,
  type TicketUpdate,
} from '../contract/index.js';
import { fanOut, type HttpClient, pageCounter } from '../http/index.js';
import { textToAdf } from './adf.js';
import {
  ISSUE_FIELDS,
  ISSUE_KEY,
  type JiraIssue,
  type JiraSearchResponse,
  type JiraTransition,
  type JiraUser,
} from './api.js';
import type { JiraConfig } from './config.js';
import { buildJql, keysJql, linkedJql } from './jql.js';
import { PRIORITY_NAMES, statusOf, toTicket } from './map.js';

const FAN_OUT = 4;
const ORDER = LIST_ORDERS.tickets;
/** Jira caps `key in (...)` searches well above this; it keeps one request's JQL short. */
const KEYS_PER_SEARCH = 50;
/** Issues one combined linked-tickets search may read before giving way to per-incident searches. */
const LINKED_CAP = 500;
const ACCOUNT_ID = /^[0-9a-f]{24}$|^\d+:[0-9a-f-]{36}$/;

/** Target status categories for the statuses a transition can reach. */
const CATEGORY_FOR: Partial<Record<TicketStatus, string>> = { OPEN: 'new', IN_PROGRESS: 'indeterminate', DONE: 'done' };

export function ticketCapability(http: HttpClient, config: JiraConfig): TicketCapability {
  const site = config.apiURL.replace(/\/+$/, '');
  const signalOf = (signal?: AbortSignal) => (signal ? { signal } : {});

  async function search(jql: string, token: string, maxResults: number, signal?: AbortSignal) {
    return http.post<JiraSearchResponse>(
      '/rest/api/3/search/jql',
      { jql, maxResults, fields: ISSUE_FIELDS, ...(token ? { nextPageToken: token } : {}) },
      { ...signalOf(signal), read: true },
    );
  }

  async function getIssue(key: string, signal?: AbortSignal): Promise<JiraIssue> {
    if (!ISSUE_KEY.test(key)) throw notFound('Jira issue', key);
    return http.get<JiraIssue>(`/rest/api/3/issue/${encodeURIComponent(key)}`, {
      query: { fields: ISSUE_FIELDS.join(',') },
      ...signalOf(signal),
    });
  }

  async function accountId(who: string, signal?: AbortSignal): Promise<string> {
    if (ACCOUNT_ID.test(who)) return who;
    const users = await http.get<JiraUser[]>('/rest/api/3/user/search', { query: { query: who }, ...signalOf(signal) });
    const lower = who.toLowerCase();
    const match =
      users.find((u) => u.emailAddress?.toLowerCase() === lower) ??
      users.find((u) => u.displayName?.toLowerCase() === lower);
    if (!match) throw badInput(`Jira has no user ${JSON.stringify(who)}`);
    return match.accountId;
  }

  /**
   * Jira's search pages with opaque tokens, which a cursor cannot resume by key, so a page after a
   * cursor reads from the newest ticket again and skips what is not after the cursor's (createdAt,
   * key). Guaranteed: no duplicate and no skip while tickets come and go. The cost: a page deep in
   * the list reads the searches before it again (one search per `pageSize` tickets).
   */
  async function runQuery(query: TicketQuery, signal?: AbortSignal): Promise<Page<Ticket>> {
    checkPageRequest(query, ORDER);
    let assigneeIds: string[] | undefined;
    if (query.assignees?.length) {
      const settled = await Promise.allSettled(query.assignees.map((a) => accountId(a, signal)));
      assigneeIds = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    }
    const jql = buildJql({ projectKey: config.projectKey, query, ...(assigneeIds ? { assigneeIds } : {}) });
    if (jql === null) return { nodes: [], hasNextPage: false, totalCount: 0 };

    const { after } = query;
    const found: Ticket[] = [];
    const nextPage = pageCounter('Jira', 'search results', config.maxPages);
    for (let token = ''; ; ) {
      nextPage();
      const page = await search(jql, token, config.pageSize, signal);
      const read = (page.issues ?? []).map((issue) => toTicket(issue, site));
      found.push(...(after ? read.filter((t) => isAfter(ORDER, t, after)) : read));
      const sorted = sortInOrder(found, ORDER);
      const last = read.at(-1);
      // Jira sorts by created (descending) as asked: nothing unread precedes a ticket created after the last one read.
      const settled =
        sorted.length > query.first &&
        last !== undefined &&
        ORDER.compareKeys(ORDER.key(sorted[query.first - 1] as Ticket), last.createdAt) < 0;
      if (settled || page.isLast !== false || !page.nextPageToken) {
        return { nodes: sorted.slice(0, query.first), hasNextPage: sorted.length > query.first, totalCount: null };
      }
      token = page.nextPageToken;
    }
  }

  /**
   * A list of incidents asks for each one's tickets: one search over all their labels answers
   * them together. Only first pages small enough to lie within Jira's first search page qualify,
   * so each page is the one a search for that incident alone would give.
   */
  async function linkedPages(
    queries: readonly TicketQuery[],
    signal?: AbortSignal,
  ): Promise<Map<TicketQuery, Page<Ticket>>> {
    const simple = queries.filter(
      (q) =>
        q.incidentId &&
        q.after === undefined &&
        q.first < config.pageSize &&
        !q.statuses?.length &&
        !q.assignees?.length &&
        !q.query &&
        !q.scope,
    );
    const pages = new Map<TicketQuery, Page<Ticket>>();
    const incidentIds = [...new Set(simple.map((q) => q.incidentId as string))];
    if (incidentIds.length < 2) return pages;
    const jql = linkedJql(config.projectKey, incidentIds);
    const byIncident = new Map<string, Ticket[]>(incidentIds.map((id) => [id, []]));
    let token = '';
    const nextPage = pageCounter('Jira', 'search results', config.maxPages);
    for (let read = 0; ; ) {
      if (read >= LINKED_CAP) return pages;
      nextPage();
      const page = await search(jql, token, config.pageSize, signal);
      for (const issue of page.issues ?? []) {
        const ticket = toTicket(issue, site);
        for (const label of issue.fields.labels ?? []) byIncident.get(incidentIdOf(label) ?? '')?.push(ticket);
      }
      read += page.issues?.length ?? 0;
      if (page.isLast !== false || !page.nextPageToken) break;
      token = page.nextPageToken;
    }
    for (const q of simple) {
      const tickets = byIncident.get(q.incidentId as string) ?? [];
      pages.set(q, {
        nodes: sortInOrder(tickets, ORDER).slice(0, q.first),
        hasNextPage: tickets.length > q.first,
        totalCount: tickets.length,
      });
    }
    return pages;
  }

  /** One `key in (...)` search per chunk; a key Jira rejects in JQL falls back to reads by key. */
  async function getByKeys(keys: readonly string[], signal?: AbortSignal): Promise<Map<string, Result<Ticket>>> {
    const found = new Map<string, Result<Ticket>>();
    const valid = [...new Set(keys.filter((k) => ISSUE_KEY.test(k)))];
    for (let i = 0; i < valid.length; i += KEYS_PER_SEARCH) {
      const chunk = valid.slice(i, i + KEYS_PER_SEARCH);
      try {
        const page = await search(keysJql(chunk), '', chunk.length, signal);
        for (const issue of page.issues ?? []) found.set(issue.key, toTicket(issue, site));
      } catch (err) {
        // Jira fails the whole JQL when one key does not exist (or moved); read them one by one.
        if (!(err instanceof AdapterError && err.code === 'BAD_USER_INPUT')) throw err;
        const one = await fanOut(chunk, FAN_OUT, async (key) => toTicket(await getIssue(key, signal), site));
        for (const [n, key] of chunk.entries()) found.set(key, one[n] as Result<Ticket>);
      }
    }
    return found;
  }

  async function transition(key: string, status: TicketStatus, signal?: AbortSignal): Promise<void> {
    const path = `/rest/api/3/issue/${encodeURIComponent(key)}/transitions`;
    const { transitions } = await http.get<{ transitions: JiraTransition[] }>(path, signalOf(signal));
    const candidates = transitions.filter((t) => statusOf(t.to) === status);
    const category = CATEGORY_FOR[status];
    const chosen =
      candidates[0] ?? (category ? transitions.find((t) => t.to.statusCategory?.key === category) : undefined);
    if (!chosen) {
      const reachable = [...new Set(transitions.map((t) => t.to.name))].join(', ') || 'none';
      throw badInput(`${key} has no transition to a ${status} status from here (reachable: ${reachable})`);
    }
    await http.post(path, { transition: { id: chosen.id } }, signalOf(signal));
  }

  return {
    async query(queries, ctx) {
      const linked = await linkedPages(queries, ctx.signal);
      return settleEach(queries, (q) => linked.get(q) ?? runQuery(q, ctx.signal));
    },

    async getMany(ids, ctx) {
      const found = await getByKeys(ids, ctx.signal);
      return ids.map((id) => found.get(id) ?? notFound('Jira issue', id));
    },

    async create(input: TicketCreate, ctx: CallContext) {
      const fields: Record<string, unknown> = {
        ...(input.fields ?? {}),
        project: { key: config.projectKey },
        issuetype: { name: config.issueType },
        summary: input.title,
        ...(input.description ? { description: textToAdf(input.description) } : {}),
        ...(input.priority && input.priority !== 'UNKNOWN'
          ? { priority: { name: PRIORITY_NAMES[input.priority] } }
          : {}),
        ...(input.assignee ? { assignee: { accountId: await accountId(input.assignee, ctx.signal) } } : {}),
        ...(input.service ? { components: [{ name: input.service }] } : {}),
        ...(input.incidentId ? { labels: [incidentLabel(input.incidentId)] } : {}),
      };
      const created = await http.post<{ id: string; key: string }>(
        '/rest/api/3/issue',
        { fields },
        signalOf(ctx.signal),
      );
      return toTicket(await getIssue(created.key, ctx.signal), site);
    },

    async update(id: string, input: TicketUpdate, ctx: CallContext) {
      if (!ISSUE_KEY.test(id)) throw notFound('Jira issue', id);
      const fields: Record<string, unknown> = { ...(input.fields ?? {}) };
      if (input.title) fields.summary = input.title;
      if (input.description !== undefined) {
        fields.description = input.description ? textToAdf(input.description) : null;
      }
      if (input.priority && input.priority !== 'UNKNOWN') fields.priority = { name: PRIORITY_NAMES[input.priority] };
      if (input.assignee !== undefined) {
        fields.assignee = input.assignee ? { accountId: await accountId(input.assignee, ctx.signal) } : null;
      }
      const update = input.incidentId ? { labels: [{ add: incidentLabel(input.incidentId) }] } : undefined;
      if (Object.keys(fields).length > 0 || update) {
        await http.put(
          `/rest/api/3/issue/${encodeURIComponent(id)}`,
          { ...(Object.keys(fields).length ? { fields } : {}), ...(update ? { update } : {}) },
          signalOf(ctx.signal),
        );
      }
      if (input.status) {
        const current = toTicket(await getIssue(id, ctx.signal), site);
        if (current.status !== input.status) await transition(id, input.status, ctx.signal);
      }
      return toTicket(await getIssue(id, ctx.signal), site);
    },
  };
}
