/**
 * Subscribers of the same operation share one execution per event; subscribers with another
 * selection set or other variables still get their own results.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { type LiveSubscription, subscribe, waitUntil } from '../../helpers/subscriptions.js';

const WITH_INCIDENT = `subscription($id: ID!) {
  incidentTimelineUpdated(incidentId: $id) { body incident { id title } }
}`;
const BODY_AND_KIND = `subscription($id: ID!) {
  incidentTimelineUpdated(incidentId: $id) { body kind actor }
}`;
const APPEND = `mutation($id: ID!, $body: String!) {
  incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } userErrors { message } }
}`;

interface WithIncident {
  body: string;
  incident: { id: string; title: string };
}
interface BodyAndKind {
  body: string;
  kind: string;
  actor: string | null;
}

describe('shared execution of subscription events', () => {
  let gateway: TestGateway;
  let log: CallLog;
  let a: string;
  let b: string;
  const open: LiveSubscription<unknown>[] = [];

  const track = <T>(sub: LiveSubscription<T>): LiveSubscription<T> => {
    open.push(sub as LiveSubscription<unknown>);
    return sub;
  };
  const append = (incidentId: string, body: string) => gqlData(gateway.url, APPEND, { id: incidentId, body });

  beforeAll(async () => {
    const counted = countingAdapter(await mockAdapter());
    log = counted.log;
    gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }]);
    const data = await gqlData<{ incidents: { edges: { node: { id: string } }[] } }>(
      gateway.url,
      '{ incidents(first: 2, filter: { statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }) { edges { node { id } } } }',
    );
    [a, b] = data.incidents.edges.map((e) => e.node.id) as [string, string];
    expect(b).toBeDefined();
  });
  afterAll(async () => {
    await Promise.all(open.map((sub) => sub.close()));
    await gateway.stop();
  });

  it('gives every subscriber the result of its own selection set and variables', async () => {
    const sameA = [1, 2, 3].map(() => track(subscribe<WithIncident>(gateway.wsUrl, WITH_INCIDENT, { id: a })));
    const otherSelection = track(subscribe<BodyAndKind>(gateway.wsUrl, BODY_AND_KIND, { id: a }));
    const otherIncident = track(subscribe<WithIncident>(gateway.wsUrl, WITH_INCIDENT, { id: b }));
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 5, '5 live subscriptions');

    log.reset();
    await append(a, 'Shared note on A');
    const received = await Promise.all(sameA.map((sub) => sub.waitFor((e) => e.body === 'Shared note on A')));
    const [first] = received as [WithIncident];
    expect(first.incident.id).toBe(a);
    for (const each of received) expect(each).toEqual(first);
    // Three subscribers, one execution: the incident each result shows was read once.
    expect(log.count('incident', 'getMany')).toBe(1);

    const own = await otherSelection.waitFor((e) => e.body === 'Shared note on A');
    expect(own).toEqual({ body: 'Shared note on A', kind: 'NOTE', actor: expect.any(String) });
    expect(own).not.toHaveProperty('incident');

    await append(b, 'Note on B');
    const onB = await otherIncident.waitFor((e) => e.body === 'Note on B');
    expect(onB.incident.id).toBe(b);
    expect(otherIncident.received.map((e) => e.body)).toEqual(['Note on B']);
    for (const sub of [...sameA, otherSelection]) {
      expect((sub.received as { body: string }[]).map((e) => e.body)).toEqual(['Shared note on A']);
    }
  });

  it('tells a subscriber whose variables do not coerce that the input is bad, as HTTP does', async () => {
    const missing = track(subscribe<WithIncident>(gateway.wsUrl, WITH_INCIDENT, {}));
    const wrongType = track(subscribe<WithIncident>(gateway.wsUrl, WITH_INCIDENT, { id: { not: 'an id' } }));
    await Promise.all([missing.completed, wrongType.completed]);
    for (const [sub, message] of [
      [missing, /"\$id" of required type "ID!" was not provided/],
      [wrongType, /"\$id" got invalid value/],
    ] as const) {
      expect(sub.errors).toEqual([
        expect.objectContaining({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } }),
      ]);
    }
  });

  it('keeps delivering to the others when one subscriber of a shared operation leaves', async () => {
    const [leaving, staying] = [1, 2].map(() =>
      track(subscribe<WithIncident>(gateway.wsUrl, WITH_INCIDENT, { id: a })),
    );
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 7, '7 live subscriptions');
    await leaving!.close();
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === 6, 'the leaving one gone');
    await append(a, 'After one left');
    const entry = await staying!.waitFor((e) => e.body === 'After one left');
    expect(entry.incident.id).toBe(a);
  });
});
