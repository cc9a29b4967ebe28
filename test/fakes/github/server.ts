/**
 * A GitHub REST API stand-in on a loopback port, answering as docs.github.com documents: token or
 * installation-token auth (401 `Bad credentials`), page/per_page paging (30 by default, 100 at
 * most) with `Link` headers, the issues list (pull requests included, as GitHub does), the issue
 * search syntax the adapter uses (`repo:`, `is:issue`, `state:`, `reason:`, `label:`, `assignee:`,
 * `(… OR …)`, `created:<=`, quoted phrases; 422 past 256 characters), deployments and their
 * statuses, workflow runs (`status`, `created` ranges), teams and members (`role`), GitHub App
 * installation tokens, and rate limits: primary (403, `x-ratelimit-remaining: 0`,
 * `x-ratelimit-reset`) and secondary (403 with `retry-after`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  user: string;
  created_at: string;
  updated_at: string;
  pull_request?: boolean;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  creator: string;
  created_at: string;
  description: string;
  /** Oldest first, as they were created. */
  statuses: { id: number; state: string; created_at: string; description: string; log_url: string }[];
}

export interface FakeRun {
  id: number;
  name: string;
  head_branch: string;
  head_sha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  created_at: string;
  updated_at: string;
  actor: string;
}

export interface FakeTeam {
  id: number;
  slug: string;
  name: string;
  description: string;
  members: { login: string; role: 'maintainer' | 'member' }[];
}

export interface GitHubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: Record<string, unknown> | null;
}

export interface GitHubFake {
  url: string;
  owner: string;
  repo: string;
  org: string;
  token: string;
  appId: number;
  installationId: number;
  issues: FakeIssue[];
  deployments: FakeDeployment[];
  runs: FakeRun[];
  teams: FakeTeam[];
  requests: GitHubRequest[];
  /** The next `count` requests get a primary (403, reset in `seconds`) or secondary (retry-after) rate limit. */
  rateLimitNext(count: number, seconds: number, kind?: 'primary' | 'secondary'): void;
  failNext(count: number, status: number): void;
  malformedNext(): void;
  requestsTo(path: string, method?: string): GitHubRequest[];
  /** Lists at exactly this path always carry a `rel="next"` link (a broken proxy or API), until null. */
  endless: string | null;
  stop(): Promise<void>;
}

const WEB = 'https://github.com';
/** Repository name of the fake's second repository, which has no deployments. */
export const LEGACY_REPO = 'legacy';

export async function startGitHubFake(): Promise<GitHubFake> {
  let limited = 0;
  let limitSeconds = 1;
  let limitKind: 'primary' | 'secondary' = 'primary';
  let failing = 0;
  let failStatus = 502;
  let malformed = false;
  let server: Server | undefined;
  const installationTokens = new Set<string>();

  const fake: GitHubFake = {
    url: '',
    owner: 'acme',
    repo: 'checkout',
    org: 'acme',
    token: `ghp_${randomBytes(18).toString('hex')}`,
    appId: 424242,
    installationId: 9001,
    issues: [],
    deployments: [],
    runs: [],
    teams: [],
    requests: [],
    endless: null,
    rateLimitNext(count, seconds, kind = 'primary') {
      limited = count;
      limitSeconds = seconds;
      limitKind = kind;
    },
    failNext(count, status) {
      failing = count;
      failStatus = status;
    },
    malformedNext() {
      malformed = true;
    },
    requestsTo: (path, method) => fake.requests.filter((r) => r.path === path && (!method || r.method === method)),
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };

  const user = (login: string) => ({ login, id: login.length * 1000, type: 'User', html_url: `${WEB}/${login}` });
  const repoWeb = () => `${WEB}/${fake.owner}/${fake.repo}`;
  const issueJson = (i: FakeIssue) => ({
    id: 100000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    html_url: `${repoWeb()}/${i.pull_request ? 'pull' : 'issues'}/${i.number}`,
    user: user(i.user),
    assignee: i.assignees[0] ? user(i.assignees[0]) : null,
    assignees: i.assignees.map(user),
    labels: i.labels.map((name, n) => ({ id: n + 1, name, color: 'ededed' })),
    milestone: null,
    comments: 0,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.state === 'closed' ? i.updated_at : null,
    ...(i.pull_request
      ? { pull_request: { url: `${fake.url}/repos/${fake.owner}/${fake.repo}/pulls/${i.number}` } }
      : {}),
  });
  const statusJson = (s: FakeDeployment['statuses'][number], d: FakeDeployment) => ({
    id: s.id,
    state: s.state,
    description: s.description,
    environment: d.environment,
    target_url: s.log_url,
    log_url: s.log_url,
    environment_url: `https://${d.environment}.checkout.acme.test`,
    created_at: s.created_at,
    creator: user(d.creator),
  });
  const deploymentJson = (d: FakeDeployment) => ({
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    task: 'deploy',
    environment: d.environment,
    description: d.description,
    creator: user(d.creator),
    created_at: d.created_at,
    updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
    production_environment: d.environment === 'production',
  });
  const runJson = (r: FakeRun) => ({
    id: r.id,
    name: r.name,
    display_title: `${r.name} #${r.id}`,
    head_branch: r.head_branch,
    head_sha: r.head_sha,
    run_number: r.id % 1000,
    event: 'push',
    status: r.status,
    conclusion: r.conclusion,
    html_url: `${repoWeb()}/actions/runs/${r.id}`,
    created_at: r.created_at,
    updated_at: r.updated_at,
    run_started_at: r.created_at,
    actor: user(r.actor),
  });
  const teamJson = (t: FakeTeam) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    description: t.description,
    privacy: 'closed',
    html_url: `${WEB}/orgs/${fake.org}/teams/${t.slug}`,
    parent: null,
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      ...headers,
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }
  const fail = (res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}) =>
    send(res, status, { message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...extra });

  /** One page of a list, with GitHub's `Link` header. */
  function paged<T>(res: ServerResponse, req: GitHubRequest, all: T[], wrap?: (items: T[]) => unknown) {
    const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
    const items = all.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(all.length / perPage));
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(req.query);
      q.set('page', String(p));
      q.set('per_page', String(perPage));
      return `<${fake.url}${req.path}?${q}>; rel="${rel}"`;
    };
    const links = [
      ...(page < last || fake.endless === req.path
        ? [link(page + 1, 'next'), link(Math.max(last, page + 1), 'last')]
        : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    send(res, 200, wrap ? wrap(items) : items, links.length ? { link: links.join(', ') } : {});
  }

  const newestFirst = <T extends { created_at: string }>(a: T, b: T) =>
    Date.parse(b.created_at) - Date.parse(a.created_at);

  /** The subset of GitHub's issue search syntax the adapter writes. */
  function search(q: string): FakeIssue[] | string {
    if (q.length > 256) return 'The search is longer than 256 characters.';
    const tokens = q.match(/\((?:[^()"]|"[^"]*")*\)|[a-z]+:"[^"]*"|"[^"]*"|\S+/gi) ?? [];
    const filters: ((i: FakeIssue) => boolean)[] = [];
    let repoOk = false;
    for (const token of tokens) {
      const qual = /^([a-z]+):(?:"([^"]*)"|(\S+))$/i.exec(token);
      if (token.startsWith('(')) {
        const options = token
          .slice(1, -1)
          .split(/\s+OR\s+/)
          .map((t) => /^assignee:(?:"([^"]*)"|(\S+))$/.exec(t.trim()));
        filters.push((i) => options.some((m) => m && i.assignees.includes((m[1] ?? m[2]) as string)));
      } else if (qual) {
        const [, name, quoted, bare] = qual;
        const value = (quoted ?? bare) as string;
        if (name === 'repo') repoOk = value === `${fake.owner}/${fake.repo}`;
        else if (name === 'is')
          filters.push((i) => (value === 'issue' ? !i.pull_request : value === 'pr' ? Boolean(i.pull_request) : true));
        else if (name === 'state') filters.push((i) => i.state === value);
        else if (name === 'reason') filters.push((i) => i.state_reason === value.replace(' ', '_'));
        else if (name === 'label') filters.push((i) => i.labels.includes(value));
        else if (name === 'assignee') filters.push((i) => i.assignees.includes(value));
        else if (name === 'created') {
          const m = /^<=(.+)$/.exec(value);
          if (m) filters.push((i) => Date.parse(i.created_at) <= Date.parse(m[1] as string));
        } else return `unknown qualifier ${name}`;
      } else {
        const text = token.replace(/^"|"$/g, '').toLowerCase();
        filters.push((i) => `${i.title} ${i.body}`.toLowerCase().includes(text));
      }
    }
    if (!repoOk) return [];
    return fake.issues.filter((i) => filters.every((f) => f(i))).sort(newestFirst);
  }

  function route(req: GitHubRequest, res: ServerResponse) {
    const repoBase = `/repos/${fake.owner}/${fake.repo}`;
    // A second repository that has workflow runs but has never used the Deployments API.
    const legacyBase = `/repos/${fake.owner}/${LEGACY_REPO}`;
    const legacy = req.path === legacyBase || req.path.startsWith(`${legacyBase}/`);
    const p = legacy ? `${repoBase}${req.path.slice(legacyBase.length)}` : req.path;
    if (legacy && p.startsWith(`${repoBase}/deployments`))
      return p === `${repoBase}/deployments` ? send(res, 200, []) : fail(res, 404, 'Not Found');
    if (req.method === 'GET' && p === repoBase)
      return send(res, 200, { id: 1, name: fake.repo, full_name: `${fake.owner}/${fake.repo}`, html_url: repoWeb() });
    if (req.method === 'GET' && p === `/orgs/${fake.org}`) return send(res, 200, { login: fake.org, id: 7 });

    if (p === `${repoBase}/issues`) {
      if (req.method === 'POST') {
        const b = req.body ?? {};
        if (typeof b.title !== 'string' || !b.title)
          return fail(res, 422, 'Validation Failed', {
            errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }],
          });
        const now = new Date().toISOString();
        const issue: FakeIssue = {
          number: Math.max(0, ...fake.issues.map((i) => i.number)) + 1,
          title: b.title,
          body: typeof b.body === 'string' ? b.body : '',
          state: 'open',
          state_reason: null,
          labels: Array.isArray(b.labels) ? (b.labels as string[]) : [],
          assignees: Array.isArray(b.assignees) ? (b.assignees as string[]) : [],
          user: 'opsorch-bot',
          created_at: now,
          updated_at: now,
        };
        fake.issues.push(issue);
        return send(res, 201, issueJson(issue));
      }
      const state = req.query.get('state') ?? 'open';
      const labels = req.query.get('labels')?.split(',').filter(Boolean) ?? [];
      const assignee = req.query.get('assignee');
      const list = fake.issues
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => !assignee || i.assignees.includes(assignee))
        .sort(newestFirst);
      return paged(res, req, list.map(issueJson));
    }
    const one = new RegExp(`^${repoBase}/issues/(\\d+)$`).exec(p);
    if (one) {
      const issue = fake.issues.find((i) => i.number === Number(one[1]));
      if (!issue) return fail(res, 404, 'Not Found');
      if (req.method === 'PATCH') {
        const b = req.body ?? {};
        if (typeof b.title === 'string') issue.title = b.title;
        if (typeof b.body === 'string') issue.body = b.body;
        if (b.state === 'open' || b.state === 'closed') {
          issue.state_reason =
            b.state === 'open'
              ? issue.state === 'closed'
                ? 'reopened'
                : null
              : ((b.state_reason as string) ?? 'completed');
          issue.state = b.state;
        }
        if (Array.isArray(b.assignees)) issue.assignees = b.assignees as string[];
        if (Array.isArray(b.labels)) issue.labels = b.labels as string[];
        issue.updated_at = new Date().toISOString();
      }
      return send(res, 200, issueJson(issue));
    }
    if (req.method === 'GET' && p === '/search/issues') {
      const found = search(req.query.get('q') ?? '');
      if (typeof found === 'string')
        return fail(res, 422, 'Validation Failed', {
          errors: [{ message: found, resource: 'Search', field: 'q', code: 'invalid' }],
        });
      return paged(res, req, found.map(issueJson), (items) => ({
        total_count: found.length,
        incomplete_results: false,
        items,
      }));
    }

    if (req.method === 'GET' && p === `${repoBase}/deployments`) {
      const env = req.query.get('environment');
      const list = fake.deployments.filter((d) => !env || d.environment === env).sort((a, b) => b.id - a.id);
      return paged(res, req, list.map(deploymentJson));
    }
    const dep = new RegExp(`^${repoBase}/deployments/(\\d+)(/statuses)?$`).exec(p);
    if (req.method === 'GET' && dep) {
      const d = fake.deployments.find((x) => x.id === Number(dep[1]));
      if (!d) return fail(res, 404, 'Not Found');
      if (!dep[2]) return send(res, 200, deploymentJson(d));
      return paged(
        res,
        req,
        [...d.statuses].reverse().map((s) => statusJson(s, d)),
      );
    }
    if (req.method === 'GET' && p === `${repoBase}/actions/runs`) {
      const status = req.query.get('status');
      const created = req.query.get('created');
      const [from, to] = created ? created.split('..') : ['*', '*'];
      const list = fake.runs
        .filter((r) => !status || r.status === status || r.conclusion === status)
        .filter((r) => from === '*' || Date.parse(r.created_at) >= Date.parse(from as string))
        .filter((r) => to === '*' || Date.parse(r.created_at) <= Date.parse(to as string))
        .sort(newestFirst);
      return paged(res, req, list.map(runJson), (items) => ({ total_count: list.length, workflow_runs: items }));
    }
    const run = new RegExp(`^${repoBase}/actions/runs/(\\d+)$`).exec(p);
    if (req.method === 'GET' && run) {
      const r = fake.runs.find((x) => x.id === Number(run[1]));
      return r ? send(res, 200, runJson(r)) : fail(res, 404, 'Not Found');
    }

    if (req.method === 'GET' && p === `/orgs/${fake.org}/teams`) return paged(res, req, fake.teams.map(teamJson));
    const team = new RegExp(`^/orgs/${fake.org}/teams/([^/]+)(/members)?$`).exec(p);
    if (req.method === 'GET' && team) {
      const t = fake.teams.find((x) => x.slug === team[1]);
      if (!t) return fail(res, 404, 'Not Found');
      if (!team[2]) return send(res, 200, teamJson(t));
      const role = req.query.get('role') ?? 'all';
      return paged(
        res,
        req,
        t.members.filter((m) => role === 'all' || m.role === role).map((m) => user(m.login)),
      );
    }
    return fail(res, 404, 'Not Found');
  }

  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      let body: Record<string, unknown> | null = null;
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return fail(res, 400, 'Problems parsing JSON');
        }
      }
      const record: GitHubRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        body,
      };
      fake.requests.push(record);

      const app = new RegExp(`^/app/installations/${fake.installationId}/access_tokens$`).exec(url.pathname);
      if (app && record.method === 'POST') {
        const jwt = /^bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/i.exec(record.authorization ?? '');
        const claims = jwt
          ? (JSON.parse(Buffer.from(jwt[2] as string, 'base64url').toString('utf8')) as { iss?: unknown; exp?: number })
          : null;
        if (!claims || String(claims.iss) !== String(fake.appId))
          return fail(res, 401, 'A JSON web token could not be decoded');
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        installationTokens.add(token);
        return send(res, 201, {
          token,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: { issues: 'write', deployments: 'read' },
          repository_selection: 'all',
        });
      }
      if (limited > 0) {
        limited--;
        if (limitKind === 'secondary') {
          return send(
            res,
            403,
            { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
            { 'retry-after': String(limitSeconds) },
          );
        }
        return send(
          res,
          403,
          { message: `API rate limit exceeded for user ID 1.` },
          {
            'x-ratelimit-limit': '5000',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-used': '5000',
            'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + limitSeconds - 1),
          },
        );
      }
      if (failing > 0) {
        failing--;
        return fail(res, failStatus, 'Server Error');
      }
      if (malformed) {
        malformed = false;
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><title>Unicorn!</title></html>');
      }
      const presented = /^(?:token|Bearer) (.+)$/i.exec(record.authorization ?? '')?.[1];
      if (!presented || (presented !== fake.token && !installationTokens.has(presented)))
        return fail(res, 401, 'Bad credentials');
      route(record, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
