/**
 * Incident ↔ ticket links across providers: PagerDuty serves incidents, services and teams, Jira
 * serves tickets, and one GraphQL query walks the links both ways, batched.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createJiraAdapter } from '../../../adapters/jira/index.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedJira } from '../../fakes/jira/seed.js';
import { type JiraFake, startJiraFake } from '../../fakes/jira/server.js';
import { LONG_INCIDENT, seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';

let pd: PagerDutyFake;
let jira: JiraFake;
let gateway: TestGateway;
let jiraCalls: CallLog;

beforeAll(async () => {
  [pd, jira] = await Promise.all([startPagerDutyFake(), startJiraFake()]);
  seedPagerDuty(pd);
  seedJira(jira);
  const pagerduty = await pagerDutyAdapterAt(pd);
  const counted = countingAdapter(
    await createJiraAdapter(
      { apiURL: jira.url, email: jira.email, apiToken: jira.token, projectKey: 'OPS' },
      { name: 'jira', logger: testLogger },
    ),
  );
  jiraCalls = counted.log;
  gateway = await startTestGateway([
    { name: 'pagerduty', adapter: pagerduty },
    { name: 'jira', adapter: counted.adapter },
  ]);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([pd?.stop(), jira?.stop()]);
});

beforeEach(() => {
  jira.requests.length = 0;
  jiraCalls.reset();
});

interface LinkedIncident {
  id: string;
  title: string;
  service: { name: string } | null;
  tickets: { nodes: { key: string; url: string; incidents: { id: string; title: string }[] }[] };
}

describe('incident ↔ ticket links', () => {
  it('shows a PagerDuty incident its Jira tickets, and each ticket its incidents, in one query', async () => {
    const id = toGlobalId('Incident', 'pagerduty', LONG_INCIDENT);
    const data = await gqlData<{ incident: LinkedIncident }>(
      gateway.url,
      `query ($id: ID!) { incident(id: $id) {
        id title service { name }
        tickets { nodes { key url incidents { id title } } }
      } }`,
      { id },
    );
    const { incident } = data;
    expect(incident.service?.name).toBe('checkout-api');
    expect(incident.tickets.nodes.map((t) => t.key)).toEqual(['OPS-9', 'OPS-7']);
    for (const ticket of incident.tickets.nodes) {
      expect(ticket.url).toBe(`${jira.url}/browse/${ticket.key}`);
      expect(ticket.incidents).toEqual([{ id, title: 'Checkout latency above SLO' }]);
    }
    expect(jira.searches().map((s) => s.jql)).toEqual([
      'project = "OPS" AND labels = "opsorch-incident-PLONG01" ORDER BY created DESC, key DESC',
    ]);
  });

  it('links a new ticket to an incident, visible from both sides', async () => {
    const incidentId = toGlobalId('Incident', 'pagerduty', 'PINC004');
    const created = await gqlData<{
      ticketCreate: { ticket: { id: string; key: string; incidents: { id: string }[] } };
    }>(
      gateway.url,
      `mutation ($incident: ID!) { ticketCreate(input: { title: "Follow up PINC004", incidentId: $incident, service: "ledger" }) {
        ticket { id key incidents { id } } userErrors { message } } }`,
      { incident: incidentId },
    );
    const ticket = created.ticketCreate.ticket;
    expect(ticket.incidents).toEqual([{ id: incidentId }]);
    expect(jira.issues.find((i) => i.key === ticket.key)?.labels).toEqual(['opsorch-incident-PINC004']);

    const fromIncident = await gqlData<{ incident: { tickets: { nodes: { key: string }[] } } }>(
      gateway.url,
      `query ($id: ID!) { incident(id: $id) { tickets { nodes { key } } } }`,
      { id: incidentId },
    );
    expect(fromIncident.incident.tickets.nodes.map((t) => t.key)).toEqual([ticket.key]);

    const filtered = await gqlData<{ tickets: { nodes: { key: string }[] } }>(
      gateway.url,
      `query ($id: ID!) { tickets(filter: { incidentId: $id }) { nodes { key } } }`,
      { id: incidentId },
    );
    expect(filtered.tickets.nodes.map((t) => t.key)).toEqual([ticket.key]);

    // Linking an existing ticket to a second incident adds a label; both incidents list it.
    const second = toGlobalId('Incident', 'pagerduty', 'PINC005');
    const updated = await gqlData<{ ticketUpdate: { ticket: { incidents: { id: string }[] } } }>(
      gateway.url,
      `mutation ($id: ID!, $incident: ID!) { ticketUpdate(input: { id: $id, incidentId: $incident }) { ticket { incidents { id } } userErrors { message } } }`,
      { id: ticket.id, incident: second },
    );
    expect(updated.ticketUpdate.ticket.incidents.map((i) => i.id).sort()).toEqual([incidentId, second].sort());
  });

  it("answers a page of incidents' tickets with one adapter call and one Jira search", async () => {
    const data = await gqlData<{ incidents: { nodes: { id: string; tickets: { nodes: { key: string }[] } }[] } }>(
      gateway.url,
      `{ incidents(first: 6) { nodes { id tickets(first: 5) { nodes { key } } } } }`,
    );
    const long = data.incidents.nodes.find((n) => n.id === toGlobalId('Incident', 'pagerduty', LONG_INCIDENT));
    expect(long?.tickets.nodes.map((t) => t.key)).toEqual(['OPS-9', 'OPS-7']);
    expect(data.incidents.nodes).toHaveLength(6);
    expect(jiraCalls.count('ticket', 'query')).toBe(1);
    expect(jiraCalls.calls.find((c) => c.op === 'query')?.items).toBe(6);
    expect(jira.searches()).toHaveLength(1);
    expect(jira.searches()[0]?.jql).toMatch(/^project = "OPS" AND labels in \(/);
  });
});
