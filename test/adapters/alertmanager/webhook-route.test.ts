import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
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
function notification(service: string, status: 'firing' | 'resolved', summary: string): string {
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
        labels: { alertname: 'HighLatency', service, severity: 'page' },
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
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
      webhooks: { pagerdutySecrets: [], alertmanagerToken: TOKEN },
    });
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
