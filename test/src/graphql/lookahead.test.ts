import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let gateway: TestGateway;
let log: CallLog;
let incidentId: string;

beforeAll(async () => {
  const counted = countingAdapter(await mockAdapter());
  log = counted.log;
  gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
  const { incidents } = await gqlData<{ incidents: { nodes: { id: string }[] } }>(
    gateway.url,
    '{ incidents(first: 1) { nodes { id } } }',
  );
  incidentId = incidents.nodes[0]?.id as string;
});
afterAll(async () => {
  await gateway?.stop();
});
beforeEach(() => log.reset());

const started = (capability: string, op: string) =>
  log.calls.filter((c) => c.capability === capability && c.op === op).map((c) => c.settledBefore);

describe('reads that need only the incident ID start with the incident', () => {
  it('asks for the timeline, tickets and runs while the incident itself is still being read, each once', async () => {
    const data = await gqlData<{ incident: { timeline: { totalCount: number }; tickets: { nodes: unknown[] } } }>(
      gateway.url,
      `query ($id: ID!) { incident(id: $id) {
         title
         ...Panels
         runs: orchestrationRuns(first: 5) { nodes { id } }
       } }
       fragment Panels on Incident { timeline(first: 10) { totalCount } tickets(first: 5) { nodes { key } } }`,
      { id: incidentId },
    );
    expect(data.incident.timeline.totalCount).toBeGreaterThan(0);
    expect(started('incident', 'getMany')).toEqual([0]);
    expect(started('incident', 'timelines')).toEqual([0]);
    expect(started('ticket', 'query')).toEqual([0]);
    expect(started('orchestration', 'queryRuns')).toEqual([0]);
  });

  it('answers an incident that does not exist with one error, at the incident, whatever the early reads met', async () => {
    const unknown = toGlobalId('Incident', 'mock', 'INC-does-not-exist');
    const body = await gql<{ incident: unknown }>(
      gateway.url,
      'query ($id: ID!) { incident(id: $id) { title timeline(first: 5) { totalCount } } }',
      { id: unknown },
    );
    expect(body.data?.incident).toBeNull();
    expect(body.errors?.map((e) => e.path)).toEqual([['incident']]);
  });

  it('starts nothing a @skip or @include leaves out, and nothing for an invalid page size', async () => {
    await gqlData(
      gateway.url,
      `query ($id: ID!, $no: Boolean!) { incident(id: $id) {
         title timeline(first: 5) @skip(if: true) { totalCount } tickets(first: 5) @include(if: $no) { totalCount }
       } }`,
      { id: incidentId, no: false },
    );
    expect(log.count('incident', 'timelines')).toBe(0);
    expect(log.count('ticket', 'query')).toBe(0);

    const body = await gql(
      gateway.url,
      'query ($id: ID!) { incident(id: $id) { title tickets(first: 500) { totalCount } } }',
      { id: incidentId },
    );
    expect(body.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([
      ['incident.tickets', 'BAD_USER_INPUT'],
    ]);
    expect(log.count('ticket', 'query')).toBe(0);
  });
});
