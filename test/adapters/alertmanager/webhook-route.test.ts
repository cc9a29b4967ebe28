import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerAdapter } from '../../../adapters/alertmanager/index.js';
import { adapterFactories } from '../../../adapters/index.js';
import { createMockAdapter } from '../../../adapters/mock/index.js';
import { HEADLINE_INCIDENTS } from '../../../adapters/mock/world/incidents.js';
import { loadConfig } from '../../../src/providers/config.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import {
  MOCK_NOW,
  mockAdapter,
  readyLive,
  startTestGateway,
  type TestGateway,
  testLogger,
} from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const TOKEN = 'am-webhook-token-5e0d2c91';

interface Entry {
  id: string;
  kind: string;
  body: string;
  url: string | null;
}

/** A version 4 notification, as Alertmanager's webhook_config sends it. */
function notification(
  service: string,
  status: 'firing' | 'resolved',
  summary: string,
  serviceLabel = 'service',
): string {
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="HighLatency"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'opsorch',
    groupLabels: { alertname: 'HighLatency' },
    commonLabels: { alertname: 'HighLatency', service },
    commonAnnotations: { summary },
    externalURL: 'http://alertmanager.example:9093',
    alerts: [
      {
        status,
        labels: { alertname: 'HighLatency', [serviceLabel]: service, severity: 'page' },
        annotations: { summary },
        startsAt: '2026-11-20T11:58:00Z',
        endsAt: status === 'resolved' ? '2026-11-20T12:04:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.example:9090/graph?g0.expr=latency',
        fingerprint: 'b2c7a1f0e4d39c55',
      },
    ],
  });
}

describe('Alertmanager webhook', () => {
  let gateway: TestGateway;
  let incident: { id: string; service: { name: string } };
  let hook: string;

  const post = (body: string, authorization?: string) =>
    fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });

  beforeAll(async () => {
    // Configured as before the webhook moved into the Alertmanager adapter: the seeded mock world
    // and the token in OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN, which starts a webhook-only instance.
    const config = loadConfig({ OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN: TOKEN });
    const registry = await buildRegistry(
      config,
      { ...adapterFactories, mock: (c, env) => createMockAdapter({ now: MOCK_NOW, ...c }, env) },
      testLogger,
      {},
    );
    gateway = await startTestGateway(
      registry.instances.map(({ name, adapter, capabilities }) => ({ name, adapter, capabilities })),
    );
    hook = gateway.url.replace(/\/graphql$/, '/webhooks/alertmanager');
    const data = await gqlData<{ incidents: { edges: { node: typeof incident & { service: unknown } }[] } }>(
      gateway.url,
      '{ incidents(first: 20, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { edges { node { id service { name } } } } }',
    );
    const found = data.incidents.edges.map((e) => e.node).find((n) => n.service);
    if (!found) throw new Error('the mock world has no open incident with a service');
    incident = found;
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('turns firing and resolved alerts into ALERT entries on the open incidents of the service', async () => {
    const sub = subscribe<Entry>(
      gateway.wsUrl,
      `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id kind body url } }`,
      { id: incident.id },
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');

    const firing = notification(incident.service.name, 'firing', 'p99 above 2 s');
    expect((await post(firing)).status).toBe(401);
    expect((await post(firing, 'Bearer not-the-token')).status).toBe(401);
    expect((await post(firing, `Basic ${TOKEN}`)).status).toBe(401);

    expect((await post(firing, `Bearer ${TOKEN}`)).status).toBe(202);
    // Alertmanager repeats a firing group every repeat_interval; subscribers hear it once.
    expect(await (await post(firing, `Bearer ${TOKEN}`)).json()).toEqual({ published: 0 });
    const resolved = notification(incident.service.name, 'resolved', 'p99 above 2 s');
    expect((await post(resolved, `Bearer ${TOKEN}`)).status).toBe(202);

    await sub.waitFor((e) => e.body.startsWith('Resolved'), 'resolved alert entry');
    expect(sub.received.map(({ kind, body }) => ({ kind, body }))).toEqual([
      { kind: 'ALERT', body: 'Firing: HighLatency — p99 above 2 s' },
      { kind: 'ALERT', body: 'Resolved: HighLatency — p99 above 2 s' },
    ]);
    expect(sub.received[0]?.url).toBe('http://prometheus.example:9090/graph?g0.expr=latency');
    await sub.close();
  });

  it('answers 400 to a body that is not an Alertmanager notification', async () => {
    const response = await post('{"alerts":"many"}', `Bearer ${TOKEN}`);
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain(TOKEN);
  });
});

describe('Alertmanager webhook of an instance named otherwise', () => {
  const EU_TOKEN = 'am-eu-webhook-token-71c3e0';
  /** Every seeded mock world has an open incident on this service. */
  const SERVICE = HEADLINE_INCIDENTS[0].service;
  let gateway: TestGateway;
  let incidentId: string;
  /** Open incidents of the service: each gets the alert. */
  let open: number;

  beforeAll(async () => {
    const eu = await createAlertmanagerAdapter(
      { alertmanagerURL: 'http://127.0.0.1:9', webhookToken: EU_TOKEN, serviceLabel: 'app' },
      { name: 'am-eu', logger: testLogger },
    );
    // am-eu calls the service by a name of its own, which only the aliases of am-eu map.
    gateway = await startTestGateway(
      [
        { name: 'mock', adapter: await mockAdapter() },
        { name: 'am-eu', adapter: eu, capabilities: [] },
      ],
      { serviceAliases: { [SERVICE]: { 'am-eu': ['eu-frontdoor'] } } },
    );
    const data = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      `{ incidents(first: 100, filter: { scope: { service: "${SERVICE}" }, statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }) { nodes { id } } }`,
    );
    const found = data.incidents.nodes[0];
    if (!found) throw new Error(`the mock world has no open incident on ${SERVICE}`);
    open = data.incidents.nodes.length;
    incidentId = found.id;
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('maps the service through the aliases of am-eu, on POST /webhooks/am-eu and on the old /webhooks/alertmanager', async () => {
    const sub = subscribe<Entry>(
      gateway.wsUrl,
      `subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id kind body url } }`,
      { id: incidentId },
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 1, 'subscribed');
    const post = (path: string, body: string, token: string) =>
      fetch(gateway.url.replace(/\/graphql$/, path), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      });

    const firing = notification('eu-frontdoor', 'firing', 'EU edge 5xx', 'app');
    expect((await post('/webhooks/am-eu', firing, TOKEN)).status).toBe(401);
    const accepted = await post('/webhooks/am-eu', firing, EU_TOKEN);
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ published: open });
    // No instance is named alertmanager: the old URL is the one Alertmanager instance that takes webhooks.
    const resolved = await post(
      '/webhooks/alertmanager',
      notification('eu-frontdoor', 'resolved', 'EU edge 5xx', 'app'),
      EU_TOKEN,
    );
    expect(resolved.status).toBe(202);

    await sub.waitFor((e) => e.body.startsWith('Resolved'), 'resolved alert entry');
    expect(sub.received.map(({ kind, body }) => ({ kind, body }))).toEqual([
      { kind: 'ALERT', body: 'Firing: HighLatency — EU edge 5xx' },
      { kind: 'ALERT', body: 'Resolved: HighLatency — EU edge 5xx' },
    ]);
    await sub.close();
  });
});
