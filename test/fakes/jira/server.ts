/**
 * A Jira Cloud REST API v3 stand-in on a loopback port, answering as developer.atlassian.com
 * documents: Basic auth with email and API token, `POST /rest/api/3/search/jql` paging with
 * `nextPageToken`/`isLast`, issues with ADF descriptions and `+0000` timestamps, edits answering
 * 204, workflow transitions, `{errorMessages, errors}` bodies (a JQL naming a missing key fails
 * whole), and 429s with `Retry-After` and an ISO `X-RateLimit-Reset`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clause, JqlError, parseJql } from './jql.js';

export interface FakeJiraUser {
  accountId: string;
  displayName: string;
  emailAddress: string;
}

export interface FakeJiraStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface FakeIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  description: unknown;
  status: string;
  priority: string;
  assignee: string | null;
  reporter: string | null;
  created: string;
  updated: string;
  labels: string[];
  components: string[];
  issuetype: string;
}

export interface RecordedJiraRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface JiraFake {
  url: string;
  email: string;
  token: string;
  users: FakeJiraUser[];
  statuses: FakeJiraStatus[];
  projects: string[];
  priorities: string[];
  issues: FakeIssue[];
  requests: RecordedJiraRequest[];
  /** The next `count` requests answer 429, asking for `retryAfterSeconds` of patience. */
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  searches(): { jql: string; nextPageToken?: string; maxResults?: number }[];
  /** Searches answer their first page again with `isLast: false` and a token, forever (a broken Jira or proxy). */
  endless: boolean;
  stop(): Promise<void>;
}

const CATEGORY_NAMES = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' } as const;

/** Jira's own timestamp format: milliseconds and an offset without a colon. */
export function jiraTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export async function startJiraFake(options: { email?: string; token?: string } = {}): Promise<JiraFake> {
  const email = options.email ?? 'bot@acme.test';
  const token = options.token ?? 'ATATT3xFfGF0-jira-secret-token';
  let rateLimited = 0;
  let retryAfter = 0;
  let server: Server | undefined;
  let nextId = 10_000;

  const fake: JiraFake = {
    url: '',
    email,
    token,
    users: [],
    statuses: [
      { id: '10000', name: 'To Do', category: 'new' },
      { id: '3', name: 'In Progress', category: 'indeterminate' },
      { id: '10002', name: 'Blocked', category: 'indeterminate' },
      { id: '10001', name: 'Done', category: 'done' },
      { id: '10003', name: "Won't Do", category: 'done' },
    ],
    projects: ['OPS', 'SECRET'],
    priorities: ['Highest', 'High', 'Medium', 'Low', 'Lowest'],
    issues: [],
    requests: [],
    endless: false,
    rateLimitNext(count, seconds) {
      rateLimited = count;
      retryAfter = seconds;
    },
    searches() {
      return fake.requests
        .filter((r) => r.path === '/rest/api/3/search/jql')
        .map((r) => r.body as { jql: string; nextPageToken?: string; maxResults?: number });
    },
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };

  const send = (res: ServerResponse, status: number, body?: unknown): ServerResponse => {
    if (body === undefined) {
      res.writeHead(status);
      return res.end();
    }
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
    return res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, messages: string[], errors: Record<string, string> = {}) =>
    send(res, status, { errorMessages: messages, errors });

  const userJson = (accountId: string | null) => {
    const u = fake.users.find((x) => x.accountId === accountId);
    return u
      ? {
          self: `${fake.url}/rest/api/3/user?accountId=${u.accountId}`,
          accountId: u.accountId,
          displayName: u.displayName,
          emailAddress: u.emailAddress,
          active: true,
          accountType: 'atlassian',
        }
      : null;
  };
  const statusJson = (name: string) => {
    const s = fake.statuses.find((x) => x.name === name) ?? (fake.statuses[0] as FakeJiraStatus);
    return {
      self: `${fake.url}/rest/api/3/status/${s.id}`,
      id: s.id,
      name: s.name,
      statusCategory: {
        id: { new: 2, indeterminate: 4, done: 3 }[s.category],
        key: s.category,
        name: CATEGORY_NAMES[s.category],
      },
    };
  };
  const issueJson = (issue: FakeIssue, fields?: string[]) => {
    const all: Record<string, unknown> = {
      summary: issue.summary,
      description: issue.description,
      status: statusJson(issue.status),
      priority: {
        self: `${fake.url}/rest/api/3/priority/3`,
        id: String(fake.priorities.indexOf(issue.priority) + 1),
        name: issue.priority,
      },
      assignee: userJson(issue.assignee),
      reporter: userJson(issue.reporter),
      created: issue.created,
      updated: issue.updated,
      labels: issue.labels,
      components: issue.components.map((name, n) => ({
        self: `${fake.url}/rest/api/3/component/${n}`,
        id: String(n),
        name,
      })),
      issuetype: { id: '10001', name: issue.issuetype, subtask: false },
      project: { id: '10000', key: issue.project, name: issue.project },
    };
    const wanted = fields?.length && !fields.includes('*all') ? fields : Object.keys(all);
    return {
      expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
      id: issue.id,
      self: `${fake.url}/rest/api/3/issue/${issue.id}`,
      key: issue.key,
      fields: Object.fromEntries(wanted.filter((f) => f in all).map((f) => [f, all[f]])),
    };
  };

  /** Words of an ADF document, for `text ~`. */
  const adfText = (node: unknown): string => {
    if (typeof node !== 'object' || node === null) return '';
    const n = node as { text?: string; content?: unknown[] };
    return `${n.text ?? ''} ${(n.content ?? []).map(adfText).join(' ')}`;
  };

  function matches(issue: FakeIssue, clause: Clause | null): boolean {
    if (!clause) return true;
    if (clause.kind === 'and') return matches(issue, clause.left) && matches(issue, clause.right);
    if (clause.kind === 'or') return matches(issue, clause.left) || matches(issue, clause.right);
    const lower = clause.values.map((v) => v.toLowerCase());
    let actual: string[];
    switch (clause.field) {
      case 'project':
        actual = [issue.project];
        break;
      case 'key':
      case 'issuekey':
        actual = [issue.key];
        break;
      case 'statuscategory': {
        const category = fake.statuses.find((s) => s.name === issue.status)?.category ?? 'new';
        actual = [CATEGORY_NAMES[category], category];
        break;
      }
      case 'status':
        actual = [issue.status];
        break;
      case 'assignee':
        actual = issue.assignee ? [issue.assignee] : [];
        break;
      case 'component':
        actual = issue.components;
        break;
      case 'labels':
        actual = issue.labels;
        break;
      case 'text': {
        const haystack = `${issue.summary} ${adfText(issue.description)}`.toLowerCase();
        const words = (lower[0] ?? '').split(/\s+/).filter(Boolean);
        return words.every((w) => haystack.includes(w));
      }
      default:
        throw new JqlError(`Field '${clause.field}' does not exist or you do not have permission to view it.`);
    }
    const hit = actual.some((a) => lower.includes(a.toLowerCase()));
    return clause.op === '!=' || clause.op === 'not in' ? !hit : hit;
  }

  function keysNamed(clause: Clause | null): string[] {
    if (!clause) return [];
    if (clause.kind !== 'cmp') return [...keysNamed(clause.left), ...keysNamed(clause.right)];
    return clause.field === 'key' || clause.field === 'issuekey' ? clause.values : [];
  }

  function search(res: ServerResponse, body: unknown): ServerResponse {
    const input = (body ?? {}) as { jql?: unknown; nextPageToken?: unknown; maxResults?: unknown; fields?: unknown };
    if (typeof input.jql !== 'string')
      return fail(res, 400, ['Invalid request payload. Refer to the REST API documentation and try again.']);
    let parsed: ReturnType<typeof parseJql>;
    try {
      parsed = parseJql(input.jql);
      for (const key of keysNamed(parsed.where)) {
        if (!fake.issues.some((i) => i.key === key)) {
          throw new JqlError(`An issue with key '${key}' does not exist for field 'key'.`);
        }
      }
      const maxResults = Math.min(typeof input.maxResults === 'number' ? input.maxResults : 50, 100);
      let offset = 0;
      if (input.nextPageToken !== undefined) {
        const decoded =
          typeof input.nextPageToken === 'string'
            ? /^page:(\d+):(.*)$/.exec(Buffer.from(input.nextPageToken, 'base64').toString('utf8'))
            : null;
        if (!decoded || decoded[2] !== input.jql)
          return fail(res, 400, ['The provided next page token is invalid or expired.']);
        offset = Number(decoded[1]);
      }
      const hits = fake.issues.filter((i) => matches(i, parsed.where));
      for (const { field, desc } of [...parsed.orderBy].reverse()) {
        const keyOf = (i: FakeIssue) =>
          field === 'created'
            ? Date.parse(i.created.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
            : Number(i.key.split('-')[1]);
        hits.sort((a, b) => (keyOf(a) - keyOf(b)) * (desc ? -1 : 1));
      }
      if (fake.endless) offset = 0;
      const page = hits.slice(offset, offset + maxResults);
      const isLast = !fake.endless && offset + page.length >= hits.length;
      const fields = Array.isArray(input.fields) ? (input.fields as string[]) : ['id'];
      return send(res, 200, {
        issues: page.map((i) => issueJson(i, fields)),
        ...(isLast
          ? {}
          : { nextPageToken: Buffer.from(`page:${offset + page.length}:${input.jql}`).toString('base64') }),
        isLast,
      });
    } catch (err) {
      if (err instanceof JqlError) return fail(res, 400, [err.message]);
      throw err;
    }
  }

  function validFields(fields: Record<string, unknown>): string | null {
    if ('description' in fields && fields.description !== null) {
      const d = fields.description as { type?: unknown; version?: unknown } | string;
      if (typeof d !== 'object' || d.type !== 'doc' || d.version !== 1)
        return 'Operation value must be an Atlassian Document (see the Atlassian Document Format).';
    }
    if ('priority' in fields && !fake.priorities.includes(String((fields.priority as { name?: unknown })?.name)))
      return 'Specify the Priority (name) in the string format';
    if (
      'assignee' in fields &&
      fields.assignee !== null &&
      !fake.users.some((u) => u.accountId === (fields.assignee as { accountId?: unknown })?.accountId)
    ) {
      return 'User does not exist or you do not have permission to see it.';
    }
    return null;
  }

  function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
    body: unknown,
  ): ServerResponse {
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === '/rest/api/3/search/jql') return search(res, body);
    if (method === 'GET' && path === '/rest/api/3/myself') {
      return send(res, 200, {
        accountId: '5b10ac8d82e05b22cc7d4ef5',
        emailAddress: email,
        displayName: 'OpsOrch Bot',
        active: true,
      });
    }
    if (method === 'GET' && path === '/rest/api/3/user/search') {
      const q = (query.get('query') ?? '').toLowerCase();
      return send(
        res,
        200,
        fake.users
          .filter((u) => q && (u.emailAddress.toLowerCase().startsWith(q) || u.displayName.toLowerCase().includes(q)))
          .map((u) => userJson(u.accountId)),
      );
    }
    if (method === 'POST' && path === '/rest/api/3/issue') {
      const fields = ((body ?? {}) as { fields?: Record<string, unknown> }).fields ?? {};
      const project = (fields.project as { key?: unknown } | undefined)?.key;
      const errors: Record<string, string> = {};
      if (typeof project !== 'string' || !fake.projects.includes(project))
        errors.project = 'Specify a valid project ID or key';
      if (typeof fields.summary !== 'string' || fields.summary === '')
        errors.summary = 'You must specify a summary of the issue.';
      const invalid = validFields(fields);
      if (invalid) errors.fields = invalid;
      if (Object.keys(errors).length) return fail(res, 400, [], errors);
      const number = fake.issues.filter((i) => i.project === project).length + 1;
      const now = jiraTimestamp(Date.now());
      const issue: FakeIssue = {
        id: String(nextId++),
        key: `${project}-${number}`,
        project: project as string,
        summary: fields.summary as string,
        description: fields.description ?? null,
        status: 'To Do',
        priority: (fields.priority as { name?: string } | undefined)?.name ?? 'Medium',
        assignee: (fields.assignee as { accountId?: string } | undefined)?.accountId ?? null,
        reporter: fake.users[0]?.accountId ?? null,
        created: now,
        updated: now,
        labels: Array.isArray(fields.labels) ? (fields.labels as string[]) : [],
        components: Array.isArray(fields.components)
          ? (fields.components as { name: string }[]).map((c) => c.name)
          : [],
        issuetype: (fields.issuetype as { name?: string } | undefined)?.name ?? 'Task',
      };
      fake.issues.push(issue);
      return send(res, 201, { id: issue.id, key: issue.key, self: `${fake.url}/rest/api/3/issue/${issue.id}` });
    }
    const issuePath = /^\/rest\/api\/3\/issue\/([^/]+)(\/transitions)?$/.exec(path);
    if (issuePath) {
      const idOrKey = decodeURIComponent(issuePath[1] ?? '');
      const issue = fake.issues.find((i) => i.key === idOrKey || i.id === idOrKey);
      if (!issue) return fail(res, 404, ['Issue does not exist or you do not have permission to see it.']);
      if (!issuePath[2] && method === 'GET') {
        const fields = query.get('fields')?.split(',').filter(Boolean);
        return send(res, 200, issueJson(issue, fields));
      }
      if (!issuePath[2] && method === 'PUT') {
        const input = (body ?? {}) as {
          fields?: Record<string, unknown>;
          update?: { labels?: { add?: string; remove?: string }[] };
        };
        const fields = input.fields ?? {};
        const invalid = validFields(fields);
        if (invalid) return fail(res, 400, [], { fields: invalid });
        if (typeof fields.summary === 'string') issue.summary = fields.summary;
        if ('description' in fields) issue.description = fields.description;
        if (fields.priority) issue.priority = (fields.priority as { name: string }).name;
        if ('assignee' in fields)
          issue.assignee = (fields.assignee as { accountId?: string } | null)?.accountId ?? null;
        for (const op of input.update?.labels ?? []) {
          if (op.add && !issue.labels.includes(op.add)) issue.labels.push(op.add);
          if (op.remove) issue.labels = issue.labels.filter((l) => l !== op.remove);
        }
        issue.updated = jiraTimestamp(Date.now());
        return send(res, 204);
      }
      if (issuePath[2] && method === 'GET') {
        const transitions = fake.statuses
          .filter((s) => s.name !== issue.status)
          .map((s) => ({
            id: `t${s.id}`,
            name: `Move to ${s.name}`,
            to: statusJson(s.name),
            hasScreen: false,
            isGlobal: true,
            isInitial: false,
            isAvailable: true,
            isConditional: false,
            isLooped: false,
          }));
        return send(res, 200, { expand: 'transitions', transitions });
      }
      if (issuePath[2] && method === 'POST') {
        const id = ((body ?? {}) as { transition?: { id?: unknown } }).transition?.id;
        const target = fake.statuses.find((s) => `t${s.id}` === id && s.name !== issue.status);
        if (!target) return fail(res, 400, [`Transition id '${String(id)}' is not valid for this issue.`]);
        issue.status = target.name;
        issue.updated = jiraTimestamp(Date.now());
        return send(res, 204);
      }
    }
    return fail(res, 404, [`No API matches ${method} ${path}`]);
  }

  const expectedAuth = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: unknown = null;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          return fail(res, 400, ['Unexpected character in request body.']);
        }
      }
      fake.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      if (rateLimited > 0) {
        rateLimited--;
        const reset = new Date(Date.now() + retryAfter * 1000).toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');
        res.writeHead(429, {
          'content-type': 'application/json;charset=UTF-8',
          'retry-after': String(retryAfter),
          'x-ratelimit-reset': reset,
          'x-ratelimit-limit': '100',
          'x-ratelimit-remaining': '0',
          'ratelimit-reason': 'jira-burst-based',
        });
        return res.end(JSON.stringify({ errorMessages: ['Rate limit exceeded.'], errors: {} }));
      }
      if (req.headers.authorization !== expectedAuth) {
        res.writeHead(401, {
          'content-type': 'text/plain;charset=UTF-8',
          'www-authenticate': 'OAuth realm="https%3A%2F%2Facme.atlassian.net"',
        });
        return res.end('Client must be authenticated to access this resource.');
      }
      route(req, res, url.pathname, url.searchParams, body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
