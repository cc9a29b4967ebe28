/**
 * A Datadog API stand-in on a loopback port, answering as Datadog's API reference shows:
 * `DD-API-KEY` and `DD-APPLICATION-KEY` headers (403 `{"errors":["Forbidden"]}` otherwise),
 * `GET /api/v1/validate`, `POST /api/v2/query/timeseries` (metric query grammar checked, 400 on a
 * malformed query), `GET /api/v2/metrics` with cursors, `POST /api/v2/logs/events/search` with
 * `page.cursor` / `meta.page.after`, `GET /api/v1/monitor` (page/page_size/monitor_tags),
 * `POST /api/v2/downtime`, the Incidents API v2 with offset paging and timeline cells, and 429 with
 * the `X-RateLimit-*` headers (`X-RateLimit-Reset`: seconds until the window resets).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileSearch, type SearchableLog, SearchSyntaxError } from './search.js';

export interface DdRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
}

export interface FakeLog extends SearchableLog {
  id: string;
  timestamp: string;
  host: string;
}

export interface FakeSeries {
  metric: string;
  tags: string[];
  value: number;
}

export interface FakeMonitor {
  id: number;
  name: string;
  overall_state: string;
  overall_state_modified: string;
  priority: number | null;
  tags: string[];
  query: string;
  type: string;
  options: { silenced: Record<string, number | null> };
  matching_downtimes: { id: string; active: boolean; start: number; end: number | null }[];
}

export interface FakeIncident {
  id: string;
  public_id: number;
  title: string;
  created: string;
  modified: string;
  state: string;
  severity: string;
  services: string[];
  cells: { id: string; content: string; created: string; user: string }[];
}

export interface DatadogFake {
  url: string;
  apiKey: string;
  appKey: string;
  requests: DdRequest[];
  logs: FakeLog[];
  series: FakeSeries[];
  metricNames: { id: string; type: string }[];
  monitors: FakeMonitor[];
  downtimes: Record<string, unknown>[];
  incidents: FakeIncident[];
  /** The next `count` requests answer 429 with `X-RateLimit-Reset: resetSeconds`. */
  rateLimitNext(count: number, resetSeconds: number): void;
  malformedNext(): void;
  requestsTo(path: string, method?: string): DdRequest[];
  /** Requests to exactly `path` answer Datadog's 404 until cleared with null. */
  missing: string | null;
  addCell(incidentId: string, content: string): FakeIncident['cells'][number];
  stop(): Promise<void>;
}

const METRIC_QUERY =
  /^(avg|sum|min|max|p50|p90|p99):([A-Za-z][\w.]*)\{([^{}]*)\}(?: by \{([^{}]*)\})?(\.as_count\(\)|\.as_rate\(\))?$/;

export async function startDatadogFake(): Promise<DatadogFake> {
  let rateLimited = 0;
  let reset = 1;
  let malformed = false;
  let server: Server | undefined;
  let downtimeSeq = 0;

  const fake: DatadogFake = {
    url: '',
    apiKey: 'dd-api-0123456789abcdef0123456789abcdef',
    appKey: 'dd-app-fedcba9876543210fedcba9876543210abcd',
    requests: [],
    logs: [],
    series: [],
    metricNames: [],
    monitors: [],
    downtimes: [],
    incidents: [],
    rateLimitNext(count, seconds) {
      rateLimited = count;
      reset = seconds;
    },
    malformedNext() {
      malformed = true;
    },
    requestsTo: (path, method) => fake.requests.filter((r) => r.path === path && (!method || r.method === method)),
    missing: null,
    addCell(incidentId, content) {
      const incident = fake.incidents.find((i) => i.id === incidentId);
      if (!incident) throw new Error(`no incident ${incidentId}`);
      const cell = { id: randomUUID(), content, created: new Date().toISOString(), user: 'user-ui' };
      incident.cells.push(cell);
      return cell;
    },
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const errors = (res: ServerResponse, status: number, ...messages: string[]) =>
    send(res, status, { errors: messages });

  function incidentJson(i: FakeIncident) {
    return {
      type: 'incidents',
      id: i.id,
      attributes: {
        public_id: i.public_id,
        title: i.title,
        created: i.created,
        modified: i.modified,
        resolved: i.state === 'resolved' ? i.modified : null,
        state: i.state,
        severity: i.severity,
        customer_impacted: false,
        fields: {
          state: { type: 'dropdown', value: i.state },
          severity: { type: 'dropdown', value: i.severity },
          services: { type: 'autocomplete', value: i.services.length ? i.services : null },
          teams: { type: 'autocomplete', value: null },
        },
      },
      relationships: { commander_user: { data: null } },
    };
  }

  const cellJson = (c: FakeIncident['cells'][number]) => ({
    id: c.id,
    type: 'incident_timeline_cells',
    attributes: { cell_type: 'markdown', content: { content: c.content }, created: c.created, modified: c.created },
    relationships: { created_by_user: { data: { id: c.user, type: 'users' } } },
  });

  function offsetPage<T>(items: T[], q: URLSearchParams) {
    const size = Number(q.get('page[size]') ?? 10);
    const offset = Number(q.get('page[offset]') ?? 0);
    const page = items.slice(offset, offset + size);
    return { page, meta: { pagination: { offset, size, next_offset: offset + size } } };
  }

  /** Incident field values must be the documented shapes; Datadog answers 400 otherwise. */
  function fieldProblem(fields: Record<string, { type?: string; value?: unknown }> | undefined): string | null {
    for (const [name, f] of Object.entries(fields ?? {})) {
      if (name === 'state' && !['active', 'stable', 'resolved'].includes(String(f.value)))
        return `invalid state ${f.value}`;
      if (name === 'severity' && !/^(SEV-[1-5]|UNKNOWN)$/.test(String(f.value))) return `invalid severity ${f.value}`;
      if (f.type !== 'dropdown' && f.type !== 'autocomplete') return `field ${name} needs a type`;
    }
    return null;
  }

  function route(r: DdRequest, res: ServerResponse) {
    const { method, path, query: q, body } = r;
    if (path === '/api/v1/validate' && method === 'GET') return send(res, 200, { valid: true });

    if (path === '/api/v2/query/timeseries' && method === 'POST') {
      const attrs = (body?.data as { attributes?: Record<string, unknown> } | undefined)?.attributes;
      const queries = attrs?.queries as { query: string; name: string; data_source: string }[] | undefined;
      const from = Number(attrs?.from);
      const to = Number(attrs?.to);
      const interval = Number(attrs?.interval);
      if (!queries?.length || !Number.isFinite(from) || !Number.isFinite(to) || !(interval > 0)) {
        return errors(res, 400, 'invalid timeseries request');
      }
      const m = METRIC_QUERY.exec(queries[0]?.query ?? '');
      if (!m) return errors(res, 400, `Error parsing query: ${queries[0]?.query}`);
      const [, agg, metric, filter, by] = m;
      const conditions = (filter === '*' ? '' : (filter ?? '')).split(',').filter(Boolean);
      const groups = (by ?? '').split(',').filter(Boolean);
      const matching = fake.series.filter(
        (s) =>
          s.metric === metric &&
          conditions.every((c) => (c.startsWith('!') ? !s.tags.includes(c.slice(1)) : s.tags.includes(c))),
      );
      const grouped = new Map<string, FakeSeries[]>();
      for (const s of matching) {
        const key = groups.map((g) => s.tags.find((t) => t.startsWith(`${g}:`)) ?? `${g}:N/A`).join(',');
        grouped.set(key, [...(grouped.get(key) ?? []), s]);
      }
      const times: number[] = [];
      for (let t = from; t <= to; t += interval) times.push(t);
      const combine = (vs: number[]) =>
        agg === 'sum'
          ? vs.reduce((a, b) => a + b, 0)
          : agg === 'min'
            ? Math.min(...vs)
            : agg === 'max'
              ? Math.max(...vs)
              : vs.reduce((a, b) => a + b, 0) / vs.length;
      const entries = [...grouped.entries()];
      return send(res, 200, {
        data: {
          type: 'timeseries_response',
          id: '0',
          attributes: {
            series: entries.map(([key]) => ({
              group_tags: key ? key.split(',') : [],
              query_index: 0,
              unit: [
                { family: 'percentage', name: 'percent', plural: 'percent', scale_factor: 1, short_name: '%' },
                null,
              ],
            })),
            times,
            values: entries.map(([, ss]) => times.map(() => combine(ss.map((s) => s.value)))),
          },
        },
      });
    }

    if (path === '/api/v2/metrics' && method === 'GET') {
      const size = Number(q.get('page[size]') ?? 10_000);
      const start = Number(q.get('page[cursor]') ?? 0);
      const page = fake.metricNames.slice(start, start + size);
      const next = start + size < fake.metricNames.length ? String(start + size) : null;
      return send(res, 200, { data: page, meta: { pagination: { next_cursor: next } }, links: {} });
    }

    if (path === '/api/v2/logs/events/search' && method === 'POST') {
      const filter = (body?.filter ?? {}) as { query?: string; from?: string; to?: string };
      const page = (body?.page ?? {}) as { limit?: number; cursor?: string };
      if (body?.sort !== '-timestamp' && body?.sort !== 'timestamp') return errors(res, 400, 'invalid sort');
      if (typeof page.limit !== 'number' || page.limit < 1 || page.limit > 5000)
        return errors(res, 400, 'page[limit] must be 1..5000');
      let predicate: (log: SearchableLog) => boolean;
      try {
        predicate = compileSearch(filter.query ?? '*');
      } catch (err) {
        if (err instanceof SearchSyntaxError) return errors(res, 400, `invalid query: ${err.message}`);
        throw err;
      }
      const from = Date.parse(filter.from ?? '');
      const to = Date.parse(filter.to ?? '');
      const hits = fake.logs
        .filter((l) => Date.parse(l.timestamp) >= from && Date.parse(l.timestamp) <= to && predicate(l))
        .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
      const start = page.cursor ? Number(Buffer.from(page.cursor, 'base64url').toString()) : 0;
      const slice = hits.slice(start, start + page.limit);
      const more = start + page.limit < hits.length;
      const after = more ? Buffer.from(String(start + page.limit)).toString('base64url') : undefined;
      return send(res, 200, {
        data: slice.map((l) => ({
          id: l.id,
          type: 'log',
          attributes: {
            timestamp: l.timestamp,
            status: l.status,
            service: l.service,
            message: l.message,
            host: l.host,
            tags: l.tags,
            attributes: l.attributes,
          },
        })),
        meta: { status: 'done', elapsed: 12, request_id: 'req', ...(after ? { page: { after } } : {}) },
        links: after ? { next: `${fake.url}/api/v2/logs/events?page[cursor]=${after}` } : {},
      });
    }

    if (path === '/api/v1/monitor' && method === 'GET') {
      const size = Number(q.get('page_size') ?? 100);
      const page = Number(q.get('page') ?? 0);
      const tags = (q.get('monitor_tags') ?? '').split(',').filter(Boolean);
      const matching = fake.monitors.filter((m) => tags.every((t) => m.tags.includes(t)));
      return send(res, 200, matching.slice(page * size, page * size + size));
    }
    let m = /^\/api\/v1\/monitor\/(\d+)$/.exec(path);
    if (m && method === 'GET') {
      const monitor = fake.monitors.find((x) => x.id === Number(m?.[1]));
      return monitor ? send(res, 200, monitor) : errors(res, 404, 'Monitor not found');
    }

    if (path === '/api/v2/downtime' && method === 'POST') {
      const data = body?.data as { type?: string; attributes?: Record<string, unknown> } | undefined;
      const a = data?.attributes;
      const identifier = a?.monitor_identifier as { monitor_id?: number; monitor_tags?: string[] } | undefined;
      const schedule = a?.schedule as { start?: string; end?: string } | undefined;
      if (data?.type !== 'downtime' || typeof a?.scope !== 'string') return errors(res, 400, 'invalid downtime');
      if (!identifier || (identifier.monitor_id === undefined) === (identifier.monitor_tags === undefined)) {
        return errors(res, 400, 'monitor_identifier needs monitor_id or monitor_tags');
      }
      if (identifier.monitor_id !== undefined && !fake.monitors.some((x) => x.id === identifier.monitor_id)) {
        return errors(res, 404, 'monitor not found');
      }
      const id = `00000000-0000-4000-8000-${String(++downtimeSeq).padStart(12, '0')}`;
      fake.downtimes.push({ id, ...a });
      for (const monitor of fake.monitors) {
        if (identifier.monitor_id === monitor.id || identifier.monitor_tags?.every((t) => monitor.tags.includes(t))) {
          monitor.matching_downtimes.push({
            id,
            active: true,
            start: Date.parse(schedule?.start ?? ''),
            end: Date.parse(schedule?.end ?? ''),
          });
        }
      }
      return send(res, 200, {
        data: { id, type: 'downtime', attributes: { ...a, status: 'active', created: new Date().toISOString() } },
      });
    }

    if (path === '/api/v2/incidents' && method === 'GET') {
      const { page, meta } = offsetPage(fake.incidents, q);
      return send(res, 200, { data: page.map(incidentJson), included: [], meta });
    }
    if (path === '/api/v2/incidents' && method === 'POST') {
      const attrs = (body?.data as { attributes?: Record<string, unknown> } | undefined)?.attributes;
      if (typeof attrs?.title !== 'string' || typeof attrs.customer_impacted !== 'boolean') {
        return errors(res, 400, 'title and customer_impacted are required');
      }
      const fields = attrs.fields as Record<string, { type?: string; value?: unknown }> | undefined;
      const problem = fieldProblem(fields);
      if (problem) return errors(res, 400, problem);
      const now = new Date().toISOString();
      const incident: FakeIncident = {
        id: randomUUID(),
        public_id: Math.max(0, ...fake.incidents.map((i) => i.public_id)) + 1,
        title: attrs.title,
        created: now,
        modified: now,
        state: String(fields?.state?.value ?? 'active'),
        severity: String(fields?.severity?.value ?? 'UNKNOWN'),
        services: (fields?.services?.value as string[] | undefined) ?? [],
        cells: [],
      };
      fake.incidents.push(incident);
      return send(res, 201, { data: incidentJson(incident) });
    }
    m = /^\/api\/v2\/incidents\/([\w-]+)(\/timeline)?$/.exec(path);
    if (m) {
      const incident = fake.incidents.find((i) => i.id === m?.[1]);
      if (!incident) return errors(res, 404, 'Incident not found');
      if (m[2]) {
        if (method === 'GET') {
          const cells = [...incident.cells].sort((a, b) => a.created.localeCompare(b.created));
          const { page, meta } = offsetPage(cells, q);
          return send(res, 200, { data: page.map(cellJson), meta });
        }
        if (method === 'POST') {
          const attrs = (
            body?.data as { type?: string; attributes?: { cell_type?: string; content?: { content?: unknown } } }
          )?.attributes;
          if (attrs?.cell_type !== 'markdown' || typeof attrs.content?.content !== 'string') {
            return errors(res, 400, 'a markdown cell needs content.content');
          }
          const cell = {
            id: randomUUID(),
            content: attrs.content.content,
            created: new Date().toISOString(),
            user: 'user-api',
          };
          incident.cells.push(cell);
          return send(res, 201, { data: cellJson(cell) });
        }
      }
      if (method === 'GET') return send(res, 200, { data: incidentJson(incident) });
      if (method === 'PATCH') {
        const data = body?.data as { id?: string; attributes?: Record<string, unknown> } | undefined;
        if (data?.id !== incident.id) return errors(res, 400, 'data.id must be the incident ID');
        const fields = data.attributes?.fields as Record<string, { type?: string; value?: unknown }> | undefined;
        const problem = fieldProblem(fields);
        if (problem) return errors(res, 400, problem);
        if (typeof data.attributes?.title === 'string') incident.title = data.attributes.title;
        if (fields?.state) incident.state = String(fields.state.value);
        if (fields?.severity) incident.severity = String(fields.severity.value);
        incident.modified = new Date().toISOString();
        return send(res, 200, { data: incidentJson(incident) });
      }
    }
    return errors(res, 404, 'Not found');
  }

  server = createServer((req, res) => {
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
          return errors(res, 400, 'Invalid JSON');
        }
      }
      const record: DdRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      fake.requests.push(record);
      if (req.headers['dd-api-key'] !== fake.apiKey) return errors(res, 403, 'Forbidden');
      if (url.pathname !== '/api/v1/validate' && req.headers['dd-application-key'] !== fake.appKey) {
        return errors(res, 403, 'Forbidden');
      }
      if (rateLimited > 0) {
        rateLimited--;
        return send(
          res,
          429,
          { errors: ['Rate limit exceeded'] },
          {
            'x-ratelimit-limit': '300',
            'x-ratelimit-period': '60',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
            'x-ratelimit-name': 'logs_query',
          },
        );
      }
      if (fake.missing === url.pathname) return errors(res, 404, 'Not found');
      if (malformed) {
        malformed = false;
        return send(res, 200, { data: 'unexpected' });
      }
      route(record, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
