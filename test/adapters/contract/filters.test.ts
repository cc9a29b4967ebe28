/**
 * One meaning for `IncidentFilter`: each case runs as `incidents(filter)` over HTTP and as
 * `incidentUpdated(filter)` over graphql-ws against the seeded mock world, and the incidents the
 * query lists are exactly the incidents whose changes the subscription delivers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAMLESS_INCIDENT_NUMBER } from '../../../adapters/mock/world/incidents.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { type LiveSubscription, subscribe, waitUntil } from '../../helpers/subscriptions.js';

type Filter = Record<string, unknown>;

/** Every field of the filter, alone and together; names as the world spells them and as people type them. */
const CASES: [string, Filter][] = [
  ['no filter', {}],
  ['statuses', { statuses: ['ACKNOWLEDGED', 'MITIGATED'] }],
  ['severities', { severities: ['CRITICAL', 'INFO'] }],
  ['an assignee by name', { assignees: ['Bilal Costa'] }],
  ['an assignee by handle', { assignees: ['lquispe'] }],
  ['an assignee by email, in another case', { assignees: ['Keira.Larsen@ACME.com'] }],
  ['a service by canonical name', { scope: { service: 'orders-db' } }],
  ['a service by alias', { scope: { service: 'pg-orders' } }],
  ['a team by name', { scope: { team: 'Identity' } }],
  ['a team by handle', { scope: { team: 'identity-team' } }],
  // The world's one incident that names no team is on `search`: it is that service's team's.
  ["a team, for an incident naming none (its service's)", { scope: { team: 'search-team' } }],
  ['an environment, from the service', { scope: { environment: 'production', service: 'billing' } }],
  ['an environment no service is in', { scope: { environment: 'staging' } }],
  ['a team nobody has', { scope: { team: 'no-such-team' } }],
  ['free text', { query: 'CONNECTION POOL' }],
  ['created within a range', { createdWithin: { start: '2026-11-13T00:00:00Z', end: '2026-11-19T12:00:00Z' } }],
  [
    'every field at once',
    {
      scope: { service: 'orders-postgres', team: 'data-infra', environment: 'Production' },
      statuses: ['RESOLVED'],
      severities: ['HIGH', 'LOW'],
      assignees: ['qpetrov'],
      query: 'pool',
      createdWithin: { start: '2026-11-10T00:00:00Z', end: '2026-11-20T00:00:00Z' },
    },
  ],
];

const LIST = `query($filter: IncidentFilter) { incidents(filter: $filter, first: 100) { totalCount nodes { id } } }`;
const WATCH = `subscription($filter: IncidentFilter) {
  incidentUpdated(filter: $filter) { incident { id description } }
}`;
const UPDATE = `mutation($id: ID!, $description: String!) {
  incidentUpdate(input: { id: $id, description: $description }) { incident { id } userErrors { message } }
}`;

interface Update {
  incident: { id: string; description: string | null };
}

describe('IncidentFilter means the same to incidents(filter) and incidentUpdated(filter)', () => {
  let gateway: TestGateway;
  let every: string[];
  let watching: LiveSubscription<Update>[];
  const listed = new Map<string, string[]>();

  const list = async (filter: Filter) => {
    const data = await gqlData<{ incidents: { totalCount: number; nodes: { id: string }[] } }>(gateway.url, LIST, {
      filter,
    });
    expect(data.incidents.nodes).toHaveLength(data.incidents.totalCount);
    return data.incidents.nodes.map((n) => n.id);
  };
  const describeAs = async (id: string, description: string) => {
    const data = await gqlData<{ incidentUpdate: { userErrors: unknown[] } }>(gateway.url, UPDATE, {
      id,
      description,
    });
    expect(data.incidentUpdate.userErrors).toEqual([]);
  };

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    every = await list({});
    watching = CASES.map(([, filter]) => subscribe<Update>(gateway.wsUrl, WATCH, { filter }));
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === CASES.length, 'every case subscribed');
    // A change to every incident; the description is no filter's business, so what matches stays put.
    for (const id of every) await describeAs(id, 'Checked by the filter agreement suite');
    for (const [name, filter] of CASES) listed.set(name, await list(filter));
  });
  afterAll(async () => {
    await Promise.all(watching.map((s) => s.close()));
    await gateway.stop();
  });

  it("counts the incident that names no team as its service's team's", async () => {
    const data = await gqlData<{
      incidents: { nodes: { id: string; fields: { incident_number?: number }; team: { name: string } | null }[] };
    }>(gateway.url, '{ incidents(first: 100) { nodes { id fields team { name } } } }');
    const teamless = data.incidents.nodes.find((n) => n.fields.incident_number === TEAMLESS_INCIDENT_NUMBER);
    expect(teamless?.team).toEqual({ name: 'Search & Discovery' });
    expect(listed.get("a team, for an incident naming none (its service's)")).toContain(teamless?.id);
  });

  it('has cases that select some incidents and cases that select none', () => {
    const sizes = CASES.map(([name]) => listed.get(name)?.length ?? 0);
    expect(sizes.filter((n) => n > 0 && n < every.length).length).toBeGreaterThan(10);
    expect(sizes.filter((n) => n === 0)).toHaveLength(2);
  });

  it.each(CASES.map(([name], i) => [name, i] as const))(
    '%s: the subscription delivers what the query lists',
    async (name, i) => {
      const expected = listed.get(name) ?? [];
      const sub = watching[i] as LiveSubscription<Update>;
      const [witness] = expected;
      if (witness) {
        // Events reach one subscription in order: once this one arrives, every earlier one was judged.
        const marker = `Sentinel for case ${i}`;
        await describeAs(witness, marker);
        await sub.waitFor((u) => u.incident.id === witness && u.incident.description === marker, `${name} sentinel`);
      }
      expect(sub.errors).toEqual([]);
      expect([...new Set(sub.received.map((u) => u.incident.id))].sort()).toEqual([...expected].sort());
    },
  );
});
