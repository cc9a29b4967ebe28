/**
 * How a console fetches pages from the REST API: each panel and each row fetches what it shows,
 * in parallel where it can, one level after another where it needs the previous answer. With
 * `dedupe`, identical requests within one page are made once (a console with a request cache);
 * without, every component fetches for itself, as component-based consoles usually do.
 */
import type { Alert, Deployment, Incident, Page, Service, Team, Ticket } from '../../adapters/contract/index.js';

const HALF_HOUR = 30 * 60_000;
const METRICS = ['http_requests_total', 'http_errors_total', 'http_request_duration_seconds'];

export class RestConsole {
  requests = 0;
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly origin: string,
    private readonly dedupe: boolean,
    /** The instant unresolved incidents' windows end at, as the gateway's clock would say. */
    private readonly now: () => number = Date.now,
  ) {}

  private call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const key = `${method} ${path} ${body === undefined ? '' : JSON.stringify(body)}`;
    const cached = this.dedupe ? this.memo.get(key) : undefined;
    if (cached) return cached as Promise<T>;
    this.requests++;
    const pending = fetch(this.origin + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    }).then(async (response) => {
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
      return JSON.parse(text) as T;
    });
    if (this.dedupe) this.memo.set(key, pending);
    return pending;
  }

  private async serviceByName(name: string | null | undefined): Promise<Service | null> {
    if (!name) return null;
    const page = await this.call<Page<Service>>('POST', '/services/query', { names: [name], first: 2 });
    return page.nodes[0] ?? null;
  }

  private async teamWithMembers(name: string | null | undefined) {
    if (!name) return null;
    const page = await this.call<Page<Team>>('POST', '/teams/query', { names: [name], first: 2 });
    const team = page.nodes[0];
    if (!team) return null;
    return { ...team, members: await this.call<unknown[]>('GET', `/teams/${encodeURIComponent(team.id)}/members`) };
  }

  /** The incident's own team, else its service's: a second round trip only when needed. */
  private teamOf(incident: Incident) {
    if (incident.team) return this.teamWithMembers(incident.team);
    return this.serviceByName(incident.service).then((s) => this.teamWithMembers(s?.team));
  }

  private window(incident: Incident) {
    const start = Date.parse(incident.createdAt) - HALF_HOUR;
    const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : this.now();
    return { start: new Date(start).toISOString(), end: new Date(Math.max(start, end)).toISOString() };
  }

  /** The incident page: the same data as the gateway's `IncidentPage` query. */
  async incidentPage(id: string) {
    const incident = await this.call<Incident>('GET', `/incidents/${encodeURIComponent(id)}`);
    const window = this.window(incident);
    const service = incident.service ?? null;
    const scope = service ? { service } : undefined;
    const step = Math.max(1, Math.ceil((Date.parse(window.end) - Date.parse(window.start)) / 1000 / 250));
    const dayBefore = new Date(Date.parse(incident.createdAt) - 24 * 3_600_000).toISOString();
    const [servicePanel, team, timeline, alerts, tickets, deployments, metrics, logs] = await Promise.all([
      this.serviceByName(service).then(async (s) => (s ? { ...s, team: await this.teamWithMembers(s.team) } : null)),
      this.teamOf(incident),
      this.call('GET', `/incidents/${encodeURIComponent(id)}/timeline`),
      service
        ? this.call<Page<Alert>>('POST', '/alerts/query', { scope, activeWithin: window, first: 20 }).then((page) =>
            Promise.all(page.nodes.map(async (node) => ({ ...node, service: await this.serviceByName(node.service) }))),
          )
        : [],
      this.call<Page<Ticket>>('POST', '/tickets/query', { incidentId: id, first: 20 }).then((page) =>
        Promise.all(
          page.nodes.map(async (node) => ({
            ...node,
            incidents: await Promise.all(
              node.incidentIds.map((i) => this.call<Incident>('GET', `/incidents/${encodeURIComponent(i)}`)),
            ),
            service: await this.serviceByName(node.service),
          })),
        ),
      ),
      service
        ? this.call<Page<Deployment>>('POST', '/deployments/query', {
            scope,
            startedWithin: { start: dayBefore, end: incident.createdAt },
            first: 20,
          }).then((page) =>
            Promise.all(page.nodes.map(async (node) => ({ ...node, service: await this.serviceByName(node.service) }))),
          )
        : [],
      service
        ? Promise.all(METRICS.map((name) => this.call('POST', '/metrics/query', { name, scope, ...window, step })))
        : [],
      this.call('POST', '/logs/query', { ...(scope ? { scope } : {}), ...window, limit: 50 }),
    ]);
    return { incident, service: servicePanel, team, timeline, alerts, tickets, deployments, metrics, logs };
  }

  /** The incident list: the same data as the gateway's `IncidentListPage` query. */
  async incidentListPage() {
    const page = await this.call<Page<Incident>>('POST', '/incidents/query', { first: 10 });
    return Promise.all(
      page.nodes.map(async (incident) => {
        const service = incident.service ?? null;
        const scope = service ? { service } : undefined;
        const window = this.window(incident);
        const dayBefore = new Date(Date.parse(incident.createdAt) - 24 * 3_600_000).toISOString();
        const [s, team, alerts, tickets, deployments] = await Promise.all([
          this.serviceByName(service),
          this.teamOf(incident),
          service ? this.call('POST', '/alerts/query', { scope, activeWithin: window, first: 5 }) : null,
          this.call('POST', '/tickets/query', { incidentId: incident.id, first: 5 }),
          service
            ? this.call('POST', '/deployments/query', {
                scope,
                startedWithin: { start: dayBefore, end: incident.createdAt },
                first: 3,
              })
            : null,
        ]);
        return { incident, service: s, team, alerts, tickets, deployments };
      }),
    );
  }
}
