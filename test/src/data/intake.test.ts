/**
 * Event intake: provider events from any source become typed changes published once. Runs the
 * floor in-process over a fake PagerDuty that cannot push, with the in-memory pub/sub; the fan-out
 * of activity to a service's open incidents, or to the incidents it names, runs through the real
 * gateway, a signed GitHub webhook in and WebSocket subscribers out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentLabel } from '../../../adapters/contract/incident-labels.js';
import type { ProviderEvent, WebhookDelivery } from '../../../adapters/contract/index.js';
import { createGitHubAdapter } from '../../../adapters/github/index.js';
import { DataFloor } from '../../../src/data/floor.js';
import { ACTIVITY_FAN_OUT } from '../../../src/data/intake.js';
import type { IncidentUpdatedEventNode, TimelineEntryNode } from '../../../src/data/models.js';
import { InMemoryPubSub, type Subscription } from '../../../src/events/pubsub.js';
import { topics } from '../../../src/events/topics.js';
import { AdapterRegistry } from '../../../src/providers/registry.js';
import { deploymentStatusDelivery, issuePayload, postDelivery, signed } from '../../fakes/github/deliveries.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { scrape, total } from '../../helpers/metrics.js';
import { type PolledPagerDuty, startPolledPagerDuty } from '../../helpers/polled-pagerduty.js';
import { waitUntil } from '../../helpers/subscriptions.js';
import { initSession, type Session } from '../../helpers/ws.js';

/** Collects what a subscription receives; `count(n)` resolves once `n` items have arrived. */
function collect<T>(subscription: Subscription<T>): { items: T[]; count(n: number): Promise<T[]> } {
  const items: T[] = [];
  const waiters: (() => void)[] = [];
  void (async () => {
    for await (const item of subscription) {
      items.push(item);
      for (const wake of waiters.splice(0)) wake();
    }
  })();
  const count = async (n: number): Promise<T[]> => {
    while (items.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    return items;
  };
  return { items, count };
}

describe('EventIntake', () => {
  let pd: PolledPagerDuty;
  let floor: DataFloor;
  let log: CallLog;
  let pubsub: InMemoryPubSub;
  let timeline: ReturnType<typeof collect<TimelineEntryNode>>;
  let changes: ReturnType<typeof collect<IncidentUpdatedEventNode>>;
  const stop = new AbortController();

  beforeAll(async () => {
    pd = await startPolledPagerDuty();
    const counted = countingAdapter(await pd.adapter('pd'));
    log = counted.log;
    const registry = new AdapterRegistry([
      { name: 'pd', kind: 'pagerduty', adapter: counted.adapter, capabilities: ['incident'] },
    ]);
    pubsub = new InMemoryPubSub();
    floor = new DataFloor({ registry, pubsub, logger: testLogger, loaders: { batch: true } });
    const timelineTopic = topics.timeline({ provider: 'pd', capability: 'incident', nativeId: pd.incident.id });
    const timelineSub = pubsub.subscribe<TimelineEntryNode>(timelineTopic, stop.signal);
    const changesSub = pubsub.subscribe<IncidentUpdatedEventNode>(topics.incidents, stop.signal);
    await Promise.all([timelineSub.ready, changesSub.ready]);
    timeline = collect(timelineSub);
    changes = collect(changesSub);
  });
  afterAll(async () => {
    stop.abort();
    floor.stop();
    await pubsub.close();
    await pd.stop();
  });

  it('resolves "incident.changed" by re-reading the incident and its recent timeline, oldest entry first', async () => {
    const a = pd.addNote('Paged the database team');
    const b = pd.addNote('Failing over');
    pd.incident.status = 'acknowledged';
    log.reset();
    const event: ProviderEvent = {
      type: 'incident.changed',
      incidentId: pd.incident.id,
      occurredAt: b.created_at,
      changedFields: ['status'],
    };
    expect(await floor.intake.accept('pd', [event], 'webhook')).toBe(3);
    expect((await timeline.count(2)).map((e) => [e.body, e.provider])).toEqual([
      [a.content, 'pd'],
      [b.content, 'pd'],
    ]);
    const [change] = await changes.count(1);
    expect(change).toMatchObject({ incident: { id: pd.incident.id, status: 'ACKNOWLEDGED', provider: 'pd' } });
    expect(change?.changedFields).toEqual(['status']);
    expect(log.calls.map((c) => c.op).sort()).toEqual(['getMany', 'timelines']);

    // A retried delivery carries the same event: nothing goes out twice.
    expect(await floor.intake.accept('pd', [event], 'webhook')).toBe(0);
  });

  it('publishes an entry once whichever source reports it first', async () => {
    const note = pd.addNote('Rolled back');
    const entry = {
      id: note.id,
      url: null,
      incidentId: pd.incident.id,
      kind: 'NOTE' as const,
      body: note.content,
      at: note.created_at,
    };
    expect(await floor.intake.accept('pd', [{ type: 'timeline.appended', entry }], 'poller')).toBe(1);
    expect(await floor.intake.accept('pd', [{ type: 'timeline.appended', entry }], 'webhook')).toBe(0);
    const marker = { ...entry, id: 'marker', body: 'marker' };
    await floor.intake.accept('pd', [{ type: 'timeline.appended', entry: marker }], 'event');
    expect((await timeline.count(4)).slice(2).map((e) => e.id)).toEqual([note.id, 'marker']);
  });

  it('stamps what an adapter stream reports with the provider instance', async () => {
    const incident = {
      id: pd.incident.id,
      url: null,
      title: 'Checkout latency',
      status: 'RESOLVED' as const,
      severity: 'HIGH' as const,
      createdAt: pd.incident.created_at,
      assignees: [],
    };
    await floor.intake.accept('pd', [{ type: 'incident.updated', incident, changedFields: ['status'] }], 'event');
    // The retried delivery in the first test published nothing: this is the second change.
    const change = (await changes.count(2))[1];
    expect(changes.items).toHaveLength(2);
    expect(change).toMatchObject({ incident: { provider: 'pd', status: 'RESOLVED' }, previousStatus: null });
  });

  it('rejects when the re-read fails, so a webhook sender retries', async () => {
    await expect(
      floor.intake.accept(
        'pd',
        [{ type: 'incident.changed', incidentId: 'PNOSUCH', occurredAt: new Date().toISOString(), changedFields: [] }],
        'webhook',
      ),
    ).rejects.toThrow();
  });
});

const OPEN_FILTER = '{ scope: { service: $service }, statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }';
const SECRET = 'whsec-fan-out-test-0123456789';

describe('activity about more incidents than ACTIVITY_FAN_OUT', () => {
  let gateway: TestGateway;
  let session: Session;
  /** The service's open incidents as the gateway lists them: newest first, then by native ID. */
  let open: { id: string; createdAt: string; source: { nativeId: string } }[];
  /** Every `next` message, as parsed, by subscription ID (the incident's index in `open`). */
  const received = new Map<string, { body: string }[]>();
  /** By subscription ID, how many of its messages an earlier `sinceLastMarker` accounted for. */
  const accounted = new Map<string, number>();

  const deliver = (delivery: WebhookDelivery) =>
    postDelivery(gateway.url.replace(/\/graphql$/, '/webhooks/github'), delivery);

  /**
   * The bodies each incident's subscriber got (by index in `open`) since the previous call. The
   * webhook answered once its entries were published; a note `marker` appended to every incident
   * after that follows any entry its subscriber was sent, so what came before it is all there is.
   */
  async function sinceLastMarker(marker: string): Promise<string[][]> {
    for (const { id } of open) {
      await gqlData(
        gateway.url,
        'mutation($id: ID!, $body: String!) { incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } } }',
        { id, body: marker },
      );
    }
    const markerAt = (i: number) =>
      (received.get(String(i)) ?? []).findIndex((e, at) => at >= (accounted.get(String(i)) ?? 0) && e.body === marker);
    await waitUntil(() => open.every((_, i) => markerAt(i) >= 0), `every subscriber has its ${marker}`);
    return open.map((_, i) => {
      const from = accounted.get(String(i)) ?? 0;
      const to = markerAt(i);
      accounted.set(String(i), to + 1);
      return (received.get(String(i)) ?? []).slice(from, to).map((e) => e.body);
    });
  }

  beforeAll(async () => {
    const github = await createGitHubAdapter(
      { token: 'ghp_unused', owner: 'acme', repo: 'checkout', service: 'checkout', webhookSecret: SECRET },
      { name: 'github', logger: testLogger },
    );
    gateway = await startTestGateway([
      { name: 'mock', adapter: await mockAdapter() },
      { name: 'github', adapter: github, capabilities: ['ticket', 'deployment'] },
    ]);
    const listOpen = async () =>
      (
        await gqlData<{ incidents: { totalCount: number; nodes: typeof open } }>(
          gateway.url,
          `query($service: String!) { incidents(first: 100, filter: ${OPEN_FILTER}) {
            totalCount nodes { id createdAt source { nativeId } } } }`,
          { service: 'checkout' },
        )
      ).incidents;
    // Ten past the bound, whatever the seeded world already holds open on the service.
    const seeded = (await listOpen()).totalCount;
    for (let i = seeded; i < ACTIVITY_FAN_OUT + 10; i++) {
      await gqlData(
        gateway.url,
        'mutation($title: String!) { incidentCreate(input: { title: $title, service: "checkout" }) { incident { id } } }',
        { title: `Checkout incident ${i}` },
      );
    }
    const listed = await listOpen();
    expect(listed.totalCount).toBe(ACTIVITY_FAN_OUT + 10);
    open = listed.nodes;

    const opened = await initSession(gateway.wsUrl, undefined);
    expect(opened.answer).toEqual({ type: 'connection_ack' });
    session = opened.session;
    session.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        id: string;
        type: string;
        payload: { data: { incidentTimelineUpdated: { body: string } } };
      };
      if (message.type !== 'next') return;
      received.set(message.id, [...(received.get(message.id) ?? []), message.payload.data.incidentTimelineUpdated]);
    });
    for (const [i, { id }] of open.entries()) {
      session.send({
        id: String(i),
        type: 'subscribe',
        payload: {
          query: 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }',
          variables: { id },
        },
      });
    }
    await waitUntil(async () => (await readyLive(gateway)).subscriptions === open.length, 'every incident subscribed');
  });
  afterAll(async () => {
    session?.socket.close();
    await gateway?.stop();
  });

  it('from a deployment of their service lands on the newest ACTIVITY_FAN_OUT of them only, once each', async () => {
    // The list's order is the contract's: newest first, ties by native ID.
    const newestFirst = [...open].sort(
      (a, b) =>
        Date.parse(b.createdAt) - Date.parse(a.createdAt) ||
        (a.source.nativeId < b.source.nativeId ? -1 : a.source.nativeId > b.source.nativeId ? 1 : 0),
    );
    expect(open.map((i) => i.id)).toEqual(newestFirst.map((i) => i.id));

    const response = await deliver(deploymentStatusDelivery(SECRET));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ published: ACTIVITY_FAN_OUT });

    const activity = 'Deployment of v1.30.0 (1ec0ffe) to production: failure — Smoke tests failed';
    expect(await sinceLastMarker('marker 1')).toEqual(open.map((_, i) => (i < ACTIVITY_FAN_OUT ? [activity] : [])));
  });

  it('from an issue labelled with more of them lands on the first ACTIVITY_FAN_OUT it names only, once each', async () => {
    // Oldest first, so the incidents kept are not the ones a service's activity would go to.
    const named = [...open].reverse();
    const [first] = named;
    if (!first) throw new Error('no open incidents');
    // A second label naming the first incident (its first character escaped as the label encoding
    // allows): it takes no place of its own.
    const nativeId = first.source.nativeId;
    const alias = `opsorch-incident-_${nativeId.charCodeAt(0).toString(16)}${nativeId.slice(1)}`;
    expect(alias).not.toBe(incidentLabel(nativeId));
    const labels = [
      'bug',
      incidentLabel(nativeId),
      alias,
      ...named.slice(1).map((i) => incidentLabel(i.source.nativeId)),
    ];

    const readItems = async () =>
      total(await scrape(gateway), 'opsorch_provider_batch_size_sum', { provider: 'mock', cause: 'webhook' });
    const readBefore = await readItems();
    const response = await deliver(signed('issues', issuePayload(labels), SECRET));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ published: ACTIVITY_FAN_OUT });
    // Only the incidents kept were read: one ID each, whatever the calls were batched into.
    expect((await readItems()) - readBefore).toBe(ACTIVITY_FAN_OUT);

    const activity = 'Ticket checkout#12 closed (completed): Refund backlog';
    const kept = new Set(named.slice(0, ACTIVITY_FAN_OUT).map((i) => i.id));
    expect(await sinceLastMarker('marker 2')).toEqual(open.map((i) => (kept.has(i.id) ? [activity] : [])));
  });
});
