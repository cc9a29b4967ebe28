/**
 * A provider that cannot push: a PagerDuty REST API v2 stand-in serving the documented shapes of
 * `GET /incidents/{id}`, `GET /incidents/{id}/log_entries` (offset paging, newest first) and
 * `POST /incidents/{id}/notes`, plus a small adapter over it that implements the incident contract
 * without `onEvent`, so the gateway has to poll it or be told by webhooks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Adapter,
  AdapterError,
  type Incident,
  type IncidentCapability,
  type TimelineEntry,
} from '../../adapters/contract/index.js';

interface LogEntry {
  id: string;
  type: string;
  summary: string;
  created_at: string;
  agent: { id: string; type: 'user_reference'; summary: string } | null;
  channel: { type: string };
}

export interface FakePagerDuty {
  url: string;
  token: string;
  incident: {
    id: string;
    title: string;
    status: 'triggered' | 'acknowledged' | 'resolved';
    urgency: 'high' | 'low';
    created_at: string;
  };
  logEntries: LogEntry[];
  /** Requests for log entries so far, by anyone. */
  logEntryReads: number;
  /** Adds an entry the way PagerDuty records a note someone made in its web UI. */
  addNote(summary: string): LogEntry;
  stop(): Promise<void>;
}

let sequence = 0;

export async function startFakePagerDuty(): Promise<FakePagerDuty> {
  const created = new Date(Date.now() - 3_600_000).toISOString();
  const fake: FakePagerDuty = {
    url: '',
    token: 'u+fakeTokenForTests1',
    incident: { id: 'PT4KHLK', title: 'Checkout latency', status: 'triggered', urgency: 'high', created_at: created },
    logEntries: [
      {
        id: 'Q02JTSNZWHSEKV',
        type: 'trigger_log_entry',
        summary: 'Triggered through the API',
        created_at: created,
        agent: null,
        channel: { type: 'api' },
      },
    ],
    logEntryReads: 0,
    addNote(summary) {
      sequence += 1;
      const entry: LogEntry = {
        id: `R${String(sequence).padStart(13, '0')}`,
        type: 'annotate_log_entry',
        summary,
        created_at: new Date().toISOString(),
        agent: { id: 'PXPGF42', type: 'user_reference', summary: 'Earline Greenholt' },
        channel: { type: 'web_ui' },
      };
      fake.logEntries.unshift(entry);
      return entry;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const readJson = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  };
  const incidentBody = () => ({
    id: fake.incident.id,
    type: 'incident',
    summary: `[#1234] ${fake.incident.title}`,
    self: `${fake.url}/incidents/${fake.incident.id}`,
    html_url: `https://acme.pagerduty.com/incidents/${fake.incident.id}`,
    incident_number: 1234,
    title: fake.incident.title,
    status: fake.incident.status,
    urgency: fake.incident.urgency,
    created_at: fake.incident.created_at,
    updated_at: fake.logEntries[0]?.created_at ?? created,
    assignments: [],
    service: { id: 'PIJ90N7', type: 'service_reference', summary: 'checkout' },
  });

  const server: Server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Token token=${fake.token}`) {
      send(res, 401, { error: { message: 'Unauthorized', code: 2006 } });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/incidents\/([^/]+)(\/log_entries|\/notes)?$/.exec(url.pathname);
    if (!match || match[1] !== fake.incident.id) {
      send(res, 404, { error: { message: 'Not Found', code: 2100 } });
      return;
    }
    if (req.method === 'GET' && !match[2]) {
      send(res, 200, { incident: incidentBody() });
    } else if (req.method === 'GET' && match[2] === '/log_entries') {
      fake.logEntryReads += 1;
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), 100);
      const page = fake.logEntries.slice(offset, offset + limit);
      send(res, 200, { log_entries: page, limit, offset, more: offset + limit < fake.logEntries.length, total: null });
    } else if (req.method === 'POST' && match[2] === '/notes') {
      if (!req.headers.from) {
        send(res, 400, { error: { message: 'Invalid Input Provided', code: 2001, errors: ['From header missing'] } });
        return;
      }
      const body = (await readJson(req)) as { note?: { content?: string } };
      const entry = fake.addNote(body.note?.content ?? '');
      send(res, 201, {
        note: {
          // Notes and the log entries recording them have IDs of their own in PagerDuty.
          id: `N${entry.id.slice(1)}`,
          user: entry.agent,
          content: body.note?.content ?? '',
          created_at: entry.created_at,
        },
      });
    } else {
      send(res, 405, { error: { message: 'Method Not Allowed', code: 2000 } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** The incident part of the contract over the fake, reading log entries as the timeline. */
export function pollOnlyAdapter(fake: FakePagerDuty): Adapter {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${fake.url}${path}`, {
      ...init,
      headers: {
        authorization: `Token token=${fake.token}`,
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
        from: 'oncall@example.com',
      },
    });
    if (!response.ok) throw new AdapterError('PROVIDER_ERROR', `PagerDuty answered ${response.status}`);
    return (await response.json()) as T;
  };
  const toIncident = (raw: ReturnType<() => Record<string, unknown>>): Incident => ({
    id: String(raw.id),
    url: String(raw.html_url),
    title: String(raw.title),
    status: raw.status === 'resolved' ? 'RESOLVED' : raw.status === 'acknowledged' ? 'ACKNOWLEDGED' : 'TRIGGERED',
    rawStatus: String(raw.status),
    severity: raw.urgency === 'high' ? 'HIGH' : 'LOW',
    rawSeverity: String(raw.urgency),
    createdAt: String(raw.created_at),
    updatedAt: String(raw.updated_at),
    assignees: [],
    service: 'checkout',
  });
  const toEntry = (incidentId: string, raw: LogEntry): TimelineEntry => ({
    id: raw.id,
    url: null,
    incidentId,
    kind: raw.type === 'annotate_log_entry' ? 'NOTE' : raw.type === 'trigger_log_entry' ? 'CREATED' : 'OTHER',
    rawKind: raw.type,
    body: raw.summary,
    actor: raw.agent?.summary ?? null,
    at: raw.created_at,
  });
  const unsupported = async (): Promise<never> => {
    throw new AdapterError('UNSUPPORTED', 'not part of this test adapter');
  };
  const incident: IncidentCapability = {
    query: unsupported,
    create: unsupported,
    update: unsupported,
    getMany: (ids) =>
      Promise.all(
        ids.map((id) =>
          call<{ incident: Record<string, unknown> }>(`/incidents/${encodeURIComponent(id)}`).then(
            (r) => toIncident(r.incident),
            (err: Error) => err,
          ),
        ),
      ),
    timelines: (ids) =>
      Promise.all(
        ids.map(async (id) => {
          try {
            const entries: LogEntry[] = [];
            for (let offset = 0; ; offset += 100) {
              const page = await call<{ log_entries: LogEntry[]; more: boolean }>(
                `/incidents/${encodeURIComponent(id)}/log_entries?offset=${offset}&limit=100`,
              );
              entries.push(...page.log_entries);
              if (!page.more) break;
            }
            return entries.map((e) => toEntry(id, e));
          } catch (err) {
            return err as Error;
          }
        }),
      ),
    appendTimeline: async (id, entry) => {
      const { note } = await call<{
        note: { id: string; content: string; created_at: string; user: LogEntry['agent'] };
      }>(`/incidents/${encodeURIComponent(id)}/notes`, {
        method: 'POST',
        body: JSON.stringify({ note: { content: entry.body } }),
      });
      return {
        id: note.id,
        url: null,
        incidentId: id,
        kind: 'NOTE',
        rawKind: 'annotate_log_entry',
        body: note.content,
        actor: note.user?.summary ?? null,
        at: note.created_at,
      };
    },
  };
  return {
    kind: 'pagerduty-test',
    capabilities: { incident },
    checkHealth: async () => ({ status: 'HEALTHY', message: null }),
  };
}
