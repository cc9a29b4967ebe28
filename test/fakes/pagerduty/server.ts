/**
 * A PagerDuty REST API v2 stand-in on a loopback port, answering as developer.pagerduty.com
 * documents: `Token token=` auth, classic `offset`/`limit`/`more` paging (25 by default, 100 at
 * most), incident listing limited to the last 30 days unless `since`/`until` say otherwise,
 * `From` required on writes, `{error:{message,code,errors}}` bodies and 429s with `ratelimit-*`
 * headers. Tests seed it, script failures, and read what it was asked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRef {
  id: string;
  type: string;
  summary: string;
  self: string;
  html_url: string | null;
}

export interface FakeUser {
  id: string;
  name: string;
  email: string;
}

export interface FakeIncident {
  id: string;
  incident_number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  priority: string | null;
  created_at: string;
  updated_at: string;
  service_id: string;
  team_ids: string[];
  assignee_ids: string[];
  details: string | null;
  log_entries: { id: string; type: string; summary: string; created_at: string; agent_id: string | null }[];
  notes: { id: string; content: string; created_at: string; user_id: string }[];
}

export interface FakeService {
  id: string;
  name: string;
  description: string;
  team_ids: string[];
  escalation_policy_id: string;
}

export interface FakeTeam {
  id: string;
  name: string;
  description: string;
  members: { user_id: string; role: 'manager' | 'responder' | 'observer' }[];
}

export interface FakeEscalationPolicy {
  id: string;
  name: string;
  team_ids: string[];
  /** User IDs always on call (direct user targets), by escalation level (index 0 is level 1). */
  levels: string[][];
  /** Scheduled on-calls: a user on call at a level from `start` until `end` (PagerDuty's time format). */
  shifts?: FakeShift[];
}

export interface FakeShift {
  level: number;
  user_id: string;
  start: string;
  end: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface PagerDutyFake {
  url: string;
  token: string;
  now: Date;
  users: FakeUser[];
  teams: FakeTeam[];
  services: FakeService[];
  policies: FakeEscalationPolicy[];
  incidents: FakeIncident[];
  priorities: { id: string; name: string }[];
  requests: RecordedRequest[];
  /** The next `count` requests (of `method`, when given) answer 429, asking for `resetSeconds` of patience. */
  rateLimitNext(count: number, resetSeconds: number, method?: string): void;
  requestsTo(pathPrefix: string, method?: string): RecordedRequest[];
  /** Requests to exactly `path` answer PagerDuty's 404 (`Not Found`, 2100) until cleared with null. */
  missing: string | null;
  /** Listings of exactly `path` say `more: true` on every page (a broken proxy or provider), until null. */
  endless: string | null;
  /** Adds a note the way someone adds one in PagerDuty's web UI, now by the real clock (or just after the incident's last entry). */
  addNote(incidentId: string, content: string, userId?: string): FakeIncident['notes'][number];
  stop(): Promise<void>;
}

const WEB = 'https://acme.pagerduty.com';

/** Every route ends the response; returning it keeps each branch a single expression. */
type Sent = ServerResponse;
const DAY = 86_400_000;

export async function startPagerDutyFake(options: { token?: string; now?: string } = {}): Promise<PagerDutyFake> {
  const token = options.token ?? 'y_NbAkKc66ryYTWUXYEu';
  let rateLimited = 0;
  let resetSeconds = 0;
  let rateLimitedMethod: string | undefined;
  let nextId = 1000;
  /** The path of the request being answered. */
  let listing = '';
  let server: Server | undefined;

  const fake: PagerDutyFake = {
    url: '',
    token,
    now: new Date(options.now ?? Date.now()),
    users: [],
    teams: [],
    services: [],
    policies: [],
    incidents: [],
    priorities: [],
    requests: [],
    missing: null,
    endless: null,
    rateLimitNext(count, reset, method) {
      rateLimited = count;
      resetSeconds = reset;
      rateLimitedMethod = method;
    },
    requestsTo(prefix, method) {
      return fake.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method));
    },
    addNote(incidentId, content, userId = 'PUALICE') {
      const incident = fake.incidents.find((i) => i.id === incidentId);
      if (!incident) throw new Error(`the fake has no incident ${incidentId}`);
      // PagerDuty's times have whole seconds; each note is a second after the incident's last entry,
      // so notes added in a row keep their order.
      const last = Math.max(0, ...incident.log_entries.map((e) => Date.parse(e.created_at)));
      const created_at = new Date(Math.max(Math.floor(Date.now() / 1000) * 1000, last + 1000))
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      const note = { id: `N${nextId++}WEBU`, content, created_at, user_id: userId };
      incident.notes.push(note);
      incident.log_entries.push({
        id: `R${nextId++}ANNO`,
        type: 'annotate_log_entry',
        summary: 'Note added',
        created_at,
        agent_id: userId,
      });
      return note;
    },
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };

  const ref = (type: string, id: string, summary: string, web: string | null): FakeRef => ({
    id,
    type,
    summary,
    self: `${fake.url}/${type.replace('_reference', '')}s/${id}`,
    html_url: web,
  });
  const userRef = (id: string): FakeRef => {
    const user = fake.users.find((u) => u.id === id);
    return ref('user_reference', id, user?.name ?? id, `${WEB}/users/${id}`);
  };
  const userObject = (u: FakeUser) => ({
    id: u.id,
    type: 'user',
    name: u.name,
    summary: u.name,
    email: u.email,
    html_url: `${WEB}/users/${u.id}`,
    self: `${fake.url}/users/${u.id}`,
  });
  const teamRef = (id: string) =>
    ref('team_reference', id, fake.teams.find((t) => t.id === id)?.name ?? id, `${WEB}/teams/${id}`);
  const serviceObject = (s: FakeService) => ({
    id: s.id,
    type: 'service',
    name: s.name,
    summary: s.name,
    description: s.description,
    status: 'active',
    html_url: `${WEB}/service-directory/${s.id}`,
    self: `${fake.url}/services/${s.id}`,
    teams: s.team_ids.map(teamRef),
    escalation_policy: ref('escalation_policy_reference', s.escalation_policy_id, 'EP', null),
  });
  const teamObject = (t: FakeTeam) => ({
    id: t.id,
    type: 'team',
    name: t.name,
    summary: t.name,
    description: t.description,
    html_url: `${WEB}/teams/${t.id}`,
    self: `${fake.url}/teams/${t.id}`,
  });
  const incidentObject = (i: FakeIncident) => {
    const service = fake.services.find((s) => s.id === i.service_id);
    const priority = fake.priorities.find((p) => p.name === i.priority);
    const ack = i.log_entries.find((e) => e.type === 'acknowledge_log_entry');
    const resolved = i.log_entries.find((e) => e.type === 'resolve_log_entry');
    return {
      id: i.id,
      type: 'incident',
      summary: `[#${i.incident_number}] ${i.title}`,
      self: `${fake.url}/incidents/${i.id}`,
      html_url: `${WEB}/incidents/${i.id}`,
      incident_number: i.incident_number,
      title: i.title,
      description: i.title,
      created_at: i.created_at,
      updated_at: i.updated_at,
      status: i.status,
      incident_key: `key-${i.id}`,
      service: ref(
        'service_reference',
        i.service_id,
        service?.name ?? i.service_id,
        `${WEB}/service-directory/${i.service_id}`,
      ),
      assignments: i.assignee_ids.map((id) => ({ at: i.created_at, assignee: userRef(id) })),
      acknowledgements:
        ack && i.status === 'acknowledged' ? [{ at: ack.created_at, acknowledger: userRef(ack.agent_id ?? '') }] : [],
      last_status_change_at: i.updated_at,
      resolved_at: i.status === 'resolved' ? (resolved?.created_at ?? i.updated_at) : null,
      urgency: i.urgency,
      priority: priority
        ? {
            id: priority.id,
            type: 'priority',
            summary: priority.name,
            name: priority.name,
            self: `${fake.url}/priorities/${priority.id}`,
            html_url: null,
          }
        : null,
      teams: i.team_ids.map(teamRef),
      escalation_policy: ref('escalation_policy_reference', service?.escalation_policy_id ?? 'PEP0000', 'EP', null),
      body: { type: 'incident_body', details: i.details },
    };
  };

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): Sent {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    return res.end(JSON.stringify(body));
  }
  const error = (res: ServerResponse, status: number, message: string, code: number, errors?: string[]): Sent =>
    send(res, status, { error: { message, code, ...(errors ? { errors } : {}) } });

  /** Classic pagination exactly as documented: `limit` defaults to 25 and caps at 100. */
  function paged<T>(res: ServerResponse, query: URLSearchParams, key: string, all: T[]): Sent {
    const limit = Math.min(Number(query.get('limit') ?? 25) || 25, 100);
    const offset = Number(query.get('offset') ?? 0) || 0;
    if (fake.endless === listing) {
      return send(res, 200, { [key]: all.slice(0, limit), limit, offset, more: true, total: null });
    }
    const items = all.slice(offset, offset + limit);
    return send(res, 200, {
      [key]: items,
      limit,
      offset,
      more: offset + items.length < all.length,
      total: query.get('total') === 'true' ? all.length : null,
    });
  }

  const list = (query: URLSearchParams, name: string) => query.getAll(`${name}[]`);

  function route(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, body: unknown): Sent {
    const method = req.method ?? 'GET';
    const write = method !== 'GET';
    if (write && !/^[^@\s]+@[^@\s]+$/.test(String(req.headers.from ?? ''))) {
      return error(res, 400, 'Invalid Input Provided', 2001, ["The 'From' header is missing or invalid."]);
    }
    const incidentPath = /^\/incidents\/([^/]+)$/.exec(path);
    const incidentSubPath = /^\/incidents\/([^/]+)\/(log_entries|notes)$/.exec(path);
    const servicePath = /^\/services\/([^/]+)$/.exec(path);
    const teamPath = /^\/teams\/([^/]+)(\/members)?$/.exec(path);

    if (method === 'GET' && path === '/incidents') {
      const until = query.get('until') ? Date.parse(query.get('until') as string) : fake.now.getTime();
      const since = query.get('since') ? Date.parse(query.get('since') as string) : until - 30 * DAY;
      if (Number.isNaN(since) || Number.isNaN(until))
        return error(res, 400, 'Invalid Input Provided', 2001, ['Invalid since or until']);
      const statuses = list(query, 'statuses');
      const urgencies = list(query, 'urgencies');
      const serviceIds = list(query, 'service_ids');
      const teamIds = list(query, 'team_ids');
      const matches = fake.incidents
        .filter((i) => {
          const at = Date.parse(i.created_at);
          return at >= since && at < until;
        })
        .filter((i) => !statuses.length || statuses.includes(i.status))
        .filter((i) => !urgencies.length || urgencies.includes(i.urgency))
        .filter((i) => !serviceIds.length || serviceIds.includes(i.service_id))
        .filter((i) => !teamIds.length || i.team_ids.some((t) => teamIds.includes(t)))
        .sort((a, b) => {
          const diff = Date.parse(a.created_at) - Date.parse(b.created_at);
          return query.get('sort_by') === 'created_at:desc' ? -diff : diff;
        });
      return paged(res, query, 'incidents', matches.map(incidentObject));
    }
    if (method === 'POST' && path === '/incidents') {
      const input = (body as { incident?: Record<string, unknown> } | null)?.incident;
      const serviceId = (input?.service as { id?: string } | undefined)?.id;
      if (!input || typeof input.title !== 'string' || !serviceId) {
        return error(res, 400, 'Invalid Input Provided', 2001, ['Incident title and service are required.']);
      }
      if (!fake.services.some((s) => s.id === serviceId)) {
        return error(res, 400, 'Invalid Input Provided', 2001, ['Service not found.']);
      }
      const priorityId = (input.priority as { id?: string } | undefined)?.id;
      const created = fake.now.toISOString().replace(/\.\d+Z$/, 'Z');
      const incident: FakeIncident = {
        id: `Q${nextId++}ABCDEF`,
        incident_number: fake.incidents.length + 1,
        title: input.title,
        status: 'triggered',
        urgency: input.urgency === 'low' ? 'low' : 'high',
        priority: fake.priorities.find((p) => p.id === priorityId)?.name ?? null,
        created_at: created,
        updated_at: created,
        service_id: serviceId,
        team_ids: fake.services.find((s) => s.id === serviceId)?.team_ids ?? [],
        assignee_ids: ((input.assignments as { assignee: { id: string } }[] | undefined) ?? []).map(
          (a) => a.assignee.id,
        ),
        details: (input.body as { details?: string } | undefined)?.details ?? null,
        log_entries: [
          {
            id: `R${nextId++}TRIG`,
            type: 'trigger_log_entry',
            summary: 'Triggered through the API.',
            created_at: created,
            agent_id: null,
          },
        ],
        notes: [],
      };
      fake.incidents.push(incident);
      return send(res, 201, { incident: incidentObject(incident) });
    }
    if (incidentPath) {
      const incident = fake.incidents.find((i) => i.id === decodeURIComponent(incidentPath[1] ?? ''));
      if (!incident) return error(res, 404, 'Not Found', 2100);
      if (method === 'GET') return send(res, 200, { incident: incidentObject(incident) });
      if (method === 'PUT') {
        const input = (body as { incident?: Record<string, unknown> } | null)?.incident;
        if (input?.type !== 'incident_reference') {
          return error(res, 400, 'Invalid Input Provided', 2001, ['Incident type must be incident_reference.']);
        }
        const at = fake.now.toISOString();
        if (input.status !== undefined) {
          if (input.status !== 'acknowledged' && input.status !== 'resolved') {
            return error(res, 400, 'Invalid Input Provided', 2001, ['Status must be acknowledged or resolved.']);
          }
          incident.status = input.status;
          incident.log_entries.push({
            id: `R${nextId++}STAT`,
            type: `${input.status === 'resolved' ? 'resolve' : 'acknowledge'}_log_entry`,
            summary: `${input.status === 'resolved' ? 'Resolved' : 'Acknowledged'} through the API.`,
            created_at: at,
            agent_id: null,
          });
        }
        if (typeof input.title === 'string') incident.title = input.title;
        if (input.urgency === 'high' || input.urgency === 'low') incident.urgency = input.urgency;
        const priorityId = (input.priority as { id?: string } | undefined)?.id;
        if (priorityId) incident.priority = fake.priorities.find((p) => p.id === priorityId)?.name ?? incident.priority;
        if (Array.isArray(input.assignments)) {
          incident.assignee_ids = (input.assignments as { assignee: { id: string } }[]).map((a) => a.assignee.id);
        }
        incident.updated_at = at;
        return send(res, 200, { incident: incidentObject(incident) });
      }
    }
    if (incidentSubPath) {
      const incident = fake.incidents.find((i) => i.id === decodeURIComponent(incidentSubPath[1] ?? ''));
      if (!incident) return error(res, 404, 'Not Found', 2100);
      if (incidentSubPath[2] === 'log_entries' && method === 'GET') {
        const entries = [...incident.log_entries]
          .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
          .map((e) => ({
            id: e.id,
            type: e.type,
            summary: e.summary,
            self: `${fake.url}/log_entries/${e.id}`,
            html_url: `${WEB}/incidents/${incident.id}/log_entries/${e.id}`,
            created_at: e.created_at,
            agent: e.agent_id ? userRef(e.agent_id) : ref('service_reference', incident.service_id, 'service', null),
            channel: { type: e.type === 'annotate_log_entry' ? 'note' : 'api' },
            incident: ref('incident_reference', incident.id, incident.title, `${WEB}/incidents/${incident.id}`),
          }));
        return paged(res, query, 'log_entries', entries);
      }
      if (incidentSubPath[2] === 'notes' && method === 'GET') {
        return send(res, 200, {
          notes: incident.notes.map((n) => ({
            id: n.id,
            user: userRef(n.user_id),
            channel: { summary: 'The PagerDuty website or APIs' },
            content: n.content,
            created_at: n.created_at,
          })),
        });
      }
      if (incidentSubPath[2] === 'notes' && method === 'POST') {
        const content = (body as { note?: { content?: unknown } } | null)?.note?.content;
        if (typeof content !== 'string' || content === '')
          return error(res, 400, 'Invalid Input Provided', 2001, ['Note content is required.']);
        const user = fake.users.find((u) => u.email === req.headers.from);
        if (!user) return error(res, 400, 'Invalid Input Provided', 2001, ['The requester is not a user.']);
        const note = {
          id: `N${nextId++}NOTE`,
          content,
          created_at: fake.now.toISOString().replace(/\.\d+Z$/, 'Z'),
          user_id: user.id,
        };
        incident.notes.push(note);
        incident.log_entries.push({
          id: `R${nextId++}ANNO`,
          type: 'annotate_log_entry',
          summary: 'Note added',
          created_at: note.created_at,
          agent_id: user.id,
        });
        return send(res, 201, {
          note: {
            id: note.id,
            user: userRef(user.id),
            channel: { summary: 'The PagerDuty website or APIs' },
            content,
            created_at: note.created_at,
          },
        });
      }
    }
    if (method === 'GET' && path === '/services') {
      const q = query.get('query')?.toLowerCase();
      const teamIds = list(query, 'team_ids');
      const services = fake.services
        .filter((s) => !q || s.name.toLowerCase().includes(q))
        .filter((s) => !teamIds.length || s.team_ids.some((t) => teamIds.includes(t)));
      return paged(res, query, 'services', services.map(serviceObject));
    }
    if (method === 'GET' && servicePath) {
      const service = fake.services.find((s) => s.id === decodeURIComponent(servicePath[1] ?? ''));
      return service ? send(res, 200, { service: serviceObject(service) }) : error(res, 404, 'Not Found', 2100);
    }
    if (method === 'GET' && path === '/teams') {
      const q = query.get('query')?.toLowerCase();
      return paged(
        res,
        query,
        'teams',
        fake.teams.filter((t) => !q || t.name.toLowerCase().includes(q)).map(teamObject),
      );
    }
    if (method === 'GET' && teamPath) {
      const team = fake.teams.find((t) => t.id === decodeURIComponent(teamPath[1] ?? ''));
      if (!team) return error(res, 404, 'Not Found', 2100);
      if (!teamPath[2]) return send(res, 200, { team: teamObject(team) });
      const withUsers = list(query, 'include').includes('users');
      const members = team.members.map((member) => {
        const user = fake.users.find((u) => u.id === member.user_id);
        return { user: withUsers && user ? userObject(user) : userRef(member.user_id), role: member.role };
      });
      return paged(res, query, 'members', members);
    }
    if (method === 'GET' && path === '/escalation_policies') {
      const teamIds = list(query, 'team_ids');
      const policies = fake.policies
        .filter((p) => !teamIds.length || p.team_ids.some((t) => teamIds.includes(t)))
        .map((p) => ({
          id: p.id,
          type: 'escalation_policy',
          name: p.name,
          summary: p.name,
          teams: p.team_ids.map(teamRef),
          html_url: `${WEB}/escalation_policies/${p.id}`,
        }));
      return paged(res, query, 'escalation_policies', policies);
    }
    if (method === 'GET' && path === '/oncalls') {
      // Both ends default to the current time; an on-call overlapping [since, until] is listed.
      const since = query.get('since') ? Date.parse(query.get('since') as string) : fake.now.getTime();
      const until = query.get('until') ? Date.parse(query.get('until') as string) : since;
      if (Number.isNaN(since) || Number.isNaN(until))
        return error(res, 400, 'Invalid Input Provided', 2001, ['Invalid since or until']);
      if (until < since) return error(res, 400, 'Invalid Input Provided', 2001, ['Until cannot be before since']);
      if (until - since > 90 * DAY)
        return error(res, 400, 'Invalid Input Provided', 2001, ['The search range cannot exceed 3 months']);
      const policyIds = list(query, 'escalation_policy_ids');
      const withUsers = list(query, 'include').includes('users');
      const onCall = (
        p: FakeEscalationPolicy,
        level: number,
        userId: string,
        start: string | null,
        end: string | null,
      ) => {
        const user = fake.users.find((u) => u.id === userId);
        return {
          escalation_policy: ref('escalation_policy_reference', p.id, p.name, null),
          escalation_level: level,
          schedule: start
            ? ref('schedule_reference', `PS${p.id.slice(2)}L${level}`, `${p.name} L${level}`, null)
            : null,
          user: withUsers && user ? userObject(user) : userRef(userId),
          start,
          end,
        };
      };
      let oncalls = fake.policies
        .filter((p) => !policyIds.length || policyIds.includes(p.id))
        .flatMap((p) => [
          ...p.levels.flatMap((userIds, index) => userIds.map((userId) => onCall(p, index + 1, userId, null, null))),
          ...(p.shifts ?? [])
            .filter((shift) => Date.parse(shift.start) <= until && Date.parse(shift.end) > since)
            .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
            .map((shift) => onCall(p, shift.level, shift.user_id, shift.start, shift.end)),
        ]);
      if (query.get('earliest') === 'true') {
        // Only the earliest on-call of each (escalation policy, level, user).
        const seen = new Set<string>();
        oncalls = oncalls.filter((o) => {
          const key = `${o.escalation_policy.id} ${o.escalation_level} ${o.user.id}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      }
      return paged(res, query, 'oncalls', oncalls);
    }
    if (method === 'GET' && path === '/users') {
      const q = query.get('query')?.toLowerCase();
      const users = fake.users.filter(
        (u) => !q || u.name.toLowerCase().includes(q) || u.email.toLowerCase().includes(q),
      );
      return paged(res, query, 'users', users.map(userObject));
    }
    if (method === 'GET' && path === '/priorities') {
      return paged(
        res,
        query,
        'priorities',
        fake.priorities.map((p) => ({ id: p.id, type: 'priority', name: p.name, summary: p.name, description: '' })),
      );
    }
    return error(res, 404, 'Not Found', 2100);
  }

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
          return error(res, 400, 'Invalid Input Provided', 2001, ['Request body is not valid JSON.']);
        }
      }
      fake.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      if (rateLimited > 0 && (!rateLimitedMethod || rateLimitedMethod === req.method)) {
        rateLimited--;
        res.writeHead(429, {
          'content-type': 'application/json; charset=utf-8',
          'ratelimit-limit': '960',
          'ratelimit-remaining': '0',
          'ratelimit-reset': String(resetSeconds),
        });
        return res.end(JSON.stringify({ error: { message: 'Rate Limit Exceeded', code: 2020 } }));
      }
      if (req.headers.authorization !== `Token token=${token}`) return error(res, 401, 'Unauthorized', 2006);
      if (fake.missing === url.pathname) return error(res, 404, 'Not Found', 2100);
      listing = url.pathname;
      if (req.headers.accept !== 'application/vnd.pagerduty+json;version=2') {
        return error(res, 406, 'Not Acceptable', 2001, ['Accept header must request API version 2.']);
      }
      route(req, res, url.pathname, url.searchParams, body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
