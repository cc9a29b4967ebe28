/**
 * An OpsOrch Copilot set-up pointed at the gateway instead of opsorch-mcp + OpsOrch Core: the
 * gateway runs OpsOrch's own plugins (../shared/opsorch/bin), OpsOrch Core runs the same plugins
 * beside it, and each MCP tool's answer is compared with what Core's REST API (which opsorch-mcp
 * forwards to) answers for the same arguments.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlData } from '../../helpers/graphql.js';
import { OPSORCH_PLUGIN_ENV } from '../../helpers/opsorch.js';
import { type CoreProcess, startCore } from '../../helpers/opsorch-core.js';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';
import { call, connectMcp } from './support.js';

type Rec = Record<string, unknown>;

describe('MCP over the real OpsOrch plugins, beside OpsOrch Core', () => {
  let gateway: GatewayProcess;
  let core: CoreProcess;
  let client: Client;
  const rest = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${core.base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  const byId = (items: unknown) => new Map((items as Rec[]).map((i) => [String(i.id), i]));

  beforeAll(async () => {
    [gateway, core] = await Promise.all([startGatewayProcess(OPSORCH_PLUGIN_ENV), startCore(OPSORCH_PLUGIN_ENV)]);
    client = await connectMcp(gateway.base);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await core?.stop();
  });

  it('query-incidents with OpsOrch words answers the incidents Core answers, with the same words and references', async () => {
    for (const args of [{}, { statuses: ['open'] }, { severities: ['sev1'] }, { statuses: ['mitigating', 'open'] }]) {
      const ours = byId((await call(client, 'query-incidents', { ...args, limit: 100 })).incidents);
      const theirs = byId(await rest<Rec[]>('/incidents/query', { ...args, limit: 100 }));
      expect([...ours.keys()].sort(), JSON.stringify(args)).toEqual([...theirs.keys()].sort());
      for (const [id, incident] of theirs) {
        expect(ours.get(id), id).toMatchObject({
          title: incident.title,
          status: incident.status,
          severity: incident.severity,
          service: incident.service,
          url: incident.url,
        });
      }
    }
  });

  it('get-incident and get-incident-timeline match Core for an incident', async () => {
    const theirs = await rest<Rec>('/incidents/inc-001');
    expect((await call(client, 'get-incident', { id: 'inc-001' })).incident).toMatchObject({
      id: 'inc-001',
      title: theirs.title,
      status: theirs.status,
      severity: theirs.severity,
      service: theirs.service,
    });
    const timeline = await rest<Rec[]>('/incidents/inc-001/timeline');
    const ours = (await call(client, 'get-incident-timeline', { id: 'inc-001' })).timeline as Rec[];
    expect(ours.map((e) => e.id).sort()).toEqual(timeline.map((e) => e.id).sort());
    for (const entry of ours) expect(entry.incidentId).toBe('inc-001');
  });

  it('alerts, tickets, deployments, services and plans: the same records as Core', async () => {
    const pairs: [string, string, string][] = [
      ['query-alerts', '/alerts/query', 'alerts'],
      ['query-tickets', '/tickets/query', 'tickets'],
      ['query-deployments', '/deployments/query', 'deployments'],
      ['query-services', '/services/query', 'services'],
      ['query-orchestration-plans', '/orchestration/plans/query', 'plans'],
    ];
    for (const [tool, path, key] of pairs) {
      const ours = byId((await call(client, tool, { limit: 100 }))[key]);
      const theirs = byId(await rest<Rec[]>(path, { limit: 100 }));
      expect(theirs.size, path).toBeGreaterThan(0);
      expect([...ours.keys()].sort(), tool).toEqual([...theirs.keys()].sort());
    }
    const ticket = await rest<Rec>('/tickets/TCK-001').catch(() => null);
    if (ticket)
      expect((await call(client, 'get-ticket', { id: 'TCK-001' })).ticket).toMatchObject({
        id: 'TCK-001',
        title: ticket.title,
      });
  });

  it('team members and metric names match Core', async () => {
    const members = await rest<Rec[]>('/teams/team-velocity/members');
    const ours = (await call(client, 'get-team-members', { id: 'team-velocity' })).members as Rec[];
    expect(ours.map((m) => m.name).sort()).toEqual(members.map((m) => m.name).sort());

    const described = await rest<Rec[] | { metrics: Rec[] }>('/metrics/describe', {});
    const theirs = Array.isArray(described) ? described : described.metrics;
    const metrics = (await call(client, 'describe-metrics', {})).metrics as Rec[];
    expect(metrics.map((m) => m.name).sort()).toEqual(theirs.map((m) => m.name).sort());
  });

  it("query-logs answers what the gateway's own logs query answers, in OpsOrch's entry shape", async () => {
    const range = { start: new Date(Date.now() - 6 * 3_600_000).toISOString(), end: new Date().toISOString() };
    const ours = (await call(client, 'query-logs', { ...range, expression: { search: 'timeout' }, limit: 100 }))
      .entries as Rec[];
    const { logs } = await gqlData<{ logs: { entries: { message: string }[] } }>(
      gateway.url,
      'query($q: LogQueryInput!) { logs(query: $q) { entries { message } } }',
      { q: { ...range, query: 'timeout', limit: 100 } },
    );
    // The mock log plugin makes its lines up per query (latencies, trace IDs): compare the count
    // and the shape, not the text.
    expect(logs.entries.length).toBeGreaterThan(0);
    expect(ours).toHaveLength(logs.entries.length);
    for (const entry of ours)
      expect(entry).toMatchObject({ timestamp: expect.any(String), message: expect.any(String) });
  });
});
