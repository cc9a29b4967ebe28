/**
 * The Python example plugin behind the whole gateway, configured exactly as an operator would:
 * OPSORCH_INCIDENT_PLUGIN and OPSORCH_SERVICE_PLUGIN naming the same executable with the same
 * config share one process. Queries, joins, mutations and shutdown go through real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginAdapter, type PluginAdapter } from '../../../adapters/plugin/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { loadConfig } from '../../../src/providers/config.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { processExists } from './plugin-gateway.js';

const PLUGIN = new URL('../../../examples/plugins/python/incident_catalog.py', import.meta.url).pathname;
const CONFIG = JSON.stringify({ baseUrl: 'https://ops.acme.test' });

interface IncidentNode {
  id: string;
  title: string;
  status: string;
  rawStatus: string;
  severity: string;
  rawSeverity: string;
  url: string;
  source: { provider: string; capability: string };
  service: { name: string; tier: string; environment: string; aliases: string[] } | null;
}

describe('Python example plugin through the gateway', () => {
  let gateway: TestGateway;
  let adapter: PluginAdapter;
  let provider: string;

  beforeAll(async () => {
    const config = loadConfig({
      OPSORCH_INCIDENT_PLUGIN: PLUGIN,
      OPSORCH_INCIDENT_CONFIG: CONFIG,
      OPSORCH_SERVICE_PLUGIN: PLUGIN,
      OPSORCH_SERVICE_CONFIG: CONFIG,
    });
    const registry = await buildRegistry(config, { plugin: createPluginAdapter }, testLogger);
    expect(registry.instances).toHaveLength(1);
    const [instance] = registry.instances;
    if (!instance) throw new Error('no provider instance');
    expect(instance.capabilities).toEqual(['incident', 'service']);
    provider = instance.name;
    adapter = instance.adapter as PluginAdapter;
    gateway = await startTestGateway([{ name: provider, adapter, capabilities: instance.capabilities }]);
  });
  afterAll(() => gateway.stop());

  it('lists filtered incidents with normalized enums, raw values, deep links and the joined service', async () => {
    const data = await gqlData<{ incidents: { totalCount: number; edges: { node: IncidentNode }[] } }>(
      gateway.url,
      `{ incidents(filter: { statuses: [RESOLVED], scope: { service: "checkout" } }, first: 5) {
          totalCount
          edges { node { id title status rawStatus severity rawSeverity url source { provider capability }
            service { name tier environment aliases } } }
        } }`,
    );
    expect(data.incidents.totalCount).toBe(1);
    expect(data.incidents.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({
        title: 'Checkout card declines spike',
        status: 'RESOLVED',
        rawStatus: 'resolved',
        severity: 'HIGH',
        rawSeverity: 'sev2',
        url: 'https://ops.acme.test/incidents/INC-102',
        source: { provider, capability: 'INCIDENT' },
        service: { name: 'checkout', tier: '1', environment: 'production', aliases: ['checkout-api'] },
      }),
    ]);
  });

  it('pages newest first across requests with cursors', async () => {
    const page = (after?: string) =>
      gqlData<{ incidents: { edges: { cursor: string; node: { title: string } }[] } }>(
        gateway.url,
        'query($after: String) { incidents(first: 2, after: $after) { edges { cursor node { title } } } }',
        { after },
      );
    const first = await page();
    const second = await page(first.incidents.edges.at(-1)?.cursor);
    expect(first.incidents.edges.map((e) => e.node.title)).toEqual([
      'Checkout latency above 2 s',
      'Search returns empty results for some locales',
    ]);
    expect(second.incidents.edges.map((e) => e.node.title)).toEqual([
      'Inventory sync lagging behind',
      'Push notifications delayed',
    ]);
  });

  it('creates, acknowledges and annotates an incident, and shows it on the timeline', async () => {
    const created = await gqlData<{
      incidentCreate: { incident: IncidentNode; userErrors: unknown[] };
    }>(
      gateway.url,
      `mutation { incidentCreate(input: { title: "Checkout 500s after deploy", severity: CRITICAL, service: "checkout" }) {
          incident { id title status rawStatus severity rawSeverity url source { provider capability } service { name tier environment aliases } }
          userErrors { message code }
        } }`,
    );
    expect(created.incidentCreate.userErrors).toEqual([]);
    const incident = created.incidentCreate.incident;
    expect(incident).toMatchObject({
      status: 'TRIGGERED',
      rawStatus: 'open',
      severity: 'CRITICAL',
      rawSeverity: 'sev1',
    });
    expect(incident.service?.name).toBe('checkout');

    const acked = await gqlData<{ incidentAcknowledge: { incident: { status: string }; userErrors: unknown[] } }>(
      gateway.url,
      'mutation($id: ID!) { incidentAcknowledge(input: { id: $id, note: "looking" }) { incident { status } userErrors { message } } }',
      { id: incident.id },
    );
    expect(acked.incidentAcknowledge).toEqual({ incident: { status: 'ACKNOWLEDGED' }, userErrors: [] });

    const note = await gqlData<{
      incidentTimelineAppend: { entry: { kind: string; body: string }; userErrors: unknown[] };
    }>(
      gateway.url,
      'mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "rolled back v2.14" }) { entry { kind body } userErrors { message } } }',
      { id: incident.id },
    );
    expect(note.incidentTimelineAppend).toEqual({ entry: { kind: 'NOTE', body: 'rolled back v2.14' }, userErrors: [] });

    const timeline = await gqlData<{ incident: { timeline: { edges: { node: { kind: string; body: string } }[] } } }>(
      gateway.url,
      'query($id: ID!) { incident(id: $id) { timeline(first: 10) { edges { node { kind body } } } } }',
      { id: incident.id },
    );
    expect(timeline.incident.timeline.edges.map((e) => e.node.body)).toEqual(
      expect.arrayContaining(['rolled back v2.14', 'Incident opened: Checkout 500s after deploy']),
    );
  });

  it('turns a plugin bad_request into an INVALID user error of the mutation', async () => {
    const data = await gqlData<{ incidentUpdate: { incident: null; userErrors: { code: string; message: string }[] } }>(
      gateway.url,
      'mutation($id: ID!) { incidentUpdate(input: { id: $id, title: "x", status: UNKNOWN }) { incident { id } userErrors { code message } } }',
      { id: toGlobalId('Incident', provider, 'INC-101') },
    );
    expect(data.incidentUpdate.incident).toBeNull();
    expect(data.incidentUpdate.userErrors).toEqual([{ code: 'INVALID', message: 'unknown status "unknown"' }]);
  });

  it('serves every capability from one process and stops it with the gateway', async () => {
    const pid = adapter.host.pid;
    expect(pid).toBeTypeOf('number');
    await gqlData(gateway.url, '{ services(first: 1) { edges { cursor } } incidents(first: 1) { edges { cursor } } }');
    expect(adapter.host.pid).toBe(pid);
    await gateway.stop();
    expect(processExists(pid as number)).toBe(false);
  });
});
