/**
 * The floor's one choke point: middleware order, metering only what reaches an adapter, and proof
 * through the real gateway that mutations, webhook deliveries and the timeline poller all pass it,
 * each call counted in `/metrics` under its cause and carrying an abort signal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCancel } from '../../../adapters/contract/index.js';
import {
  type CallMiddleware,
  type CallOrder,
  type CallScope,
  HANDED_CANCEL,
  type HandingContext,
  type ProviderCall,
  ProviderCalls,
  takeCancel,
} from '../../../src/data/calls.js';
import { providerMetricsRegistry } from '../../../src/data/provider-metrics.js';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type FakeIncident, type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { incidentAnnotatedBody, signPagerDutyDelivery } from '../../fakes/pagerduty/webhook.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { providerCalls } from '../../helpers/metrics.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';
import { subscribe, waitUntil } from '../../helpers/subscriptions.js';

const SECRET = 'whsec-calls-test-5f1e2d3c4b';

async function counted(labels: Record<string, string>): Promise<number> {
  const metric = (await providerMetricsRegistry.getMetricsAsJSON()).find(
    (m) => m.name === 'opsorch_provider_calls_total',
  );
  return (metric?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

function call(operation: string, scope: CallScope): CallOrder {
  return {
    provider: 'unit',
    capability: 'incident',
    operation,
    items: 1,
    write: false,
    cause: scope.cause,
    scope,
    ctx: { signal: scope.signal },
  };
}

describe('ProviderCalls', () => {
  const scope: CallScope = { cause: 'request', requestId: 'r1', signal: new AbortController().signal };

  it('runs middleware outermost first and meters the call as it reaches the adapter', async () => {
    const order: string[] = [];
    const tag =
      (name: string): CallMiddleware =>
      async (c, next) => {
        order.push(`${name} in`);
        const result = await next(c);
        order.push(`${name} out`);
        return result;
      };
    const calls = new ProviderCalls([tag('outer'), tag('inner')]);
    const before = await counted({ provider: 'unit', operation: 'ordered' });
    const result = await calls.run(call('ordered', scope), async () => {
      order.push('adapter');
      return 42;
    });
    expect(result).toBe(42);
    expect(order).toEqual(['outer in', 'inner in', 'adapter', 'inner out', 'outer out']);
    expect((await counted({ provider: 'unit', operation: 'ordered' })) - before).toBe(1);
  });

  it('counts nothing a middleware refuses, and hands the adapter the signal a middleware chose', async () => {
    const refusing = new ProviderCalls([
      async (c, next) => {
        if (c.operation === 'refused') throw new Error('not allowed');
        return next(c);
      },
    ]);
    const before = await counted({ provider: 'unit', operation: 'refused' });
    let reached = false;
    await expect(
      refusing.run(call('refused', scope), async () => {
        reached = true;
      }),
    ).rejects.toThrow('not allowed');
    expect(reached).toBe(false);
    expect(await counted({ provider: 'unit', operation: 'refused' })).toBe(before);

    const deadline = new AbortController();
    const narrowing = new ProviderCalls([
      async (c, next) => next({ ...c, ctx: { ...c.ctx, signal: deadline.signal } }),
    ]);
    const seen = await narrowing.run(call('narrowed', scope), async (ctx) => ctx.signal);
    expect(seen).toBe(deadline.signal);
  });

  it("gives each call its own signal, which follows the caller's, a middleware's abort and the call's return", async () => {
    const calls = new ProviderCalls([
      async (c, next) => {
        if (c.operation === 'ended') c.abort(new Error('deadline'));
        return next(c);
      },
    ]);
    const returned = await calls.run(call('returned', scope), async (ctx) => {
      expect(ctx.signal.aborted).toBe(false);
      return ctx.signal;
    });
    expect(returned.aborted).toBe(true);
    expect(scope.signal.aborted).toBe(false);

    const ended = await calls.run(call('ended', scope), async (ctx) => ctx.signal.reason);
    expect(ended).toEqual(new Error('deadline'));

    const client = new AbortController();
    const leaving: CallScope = { cause: 'request', requestId: 'r2', signal: client.signal };
    const reason = calls.run(
      call('left', leaving),
      (ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason))),
    );
    client.abort(new Error('client left'));
    expect(await reason).toEqual(new Error('client left'));
  });

  it('ends a call through the cancellation its maker hands it, and leaves aborting it after the return to the maker', async () => {
    const calls = new ProviderCalls([
      async (c, next) => {
        if (c.operation === 'ended') c.abort(new Error('deadline'));
        return next(c);
      },
    ]);
    const handed = new CallCancel();
    const returned = await calls.run(
      { ...call('returned', scope), ctx: { signal: handed.signal }, cancel: handed },
      async (ctx) => ctx.signal,
    );
    expect(returned).toBe(handed.signal);
    expect(handed.aborted).toBe(false);

    const ending = new CallCancel();
    const ended = await calls.run(
      { ...call('ended', scope), ctx: { signal: ending.signal }, cancel: ending },
      async (ctx) => ctx.signal.reason,
    );
    expect(ended).toEqual(new Error('deadline'));
    expect(ending.reason).toEqual(new Error('deadline'));
  });

  it("hands a context's cancellation to the first call made with it only", () => {
    const cancel = new CallCancel();
    const ctx: HandingContext = { signal: cancel.signal, [HANDED_CANCEL]: cancel };
    expect(takeCancel(ctx)).toBe(cancel);
    expect(takeCancel(ctx)).toBeUndefined();
    expect(takeCancel({ signal: cancel.signal })).toBeUndefined();
  });
});

describe('every path to a provider passes the choke point', () => {
  let fake: PagerDutyFake;
  let gateway: TestGateway;
  let log: CallLog;
  let incident: FakeIncident;
  let incidentId: string;
  const seenByMiddleware: ProviderCall[] = [];

  beforeAll(async () => {
    fake = await startPagerDutyFake();
    seedPagerDuty(fake);
    const open = fake.incidents.find((i) => i.status === 'triggered');
    if (!open) throw new Error('the seeded account has no triggered incident');
    incident = open;
    const pagerDuty = await pagerDutyAdapterAt(fake, { config: { webhookSecrets: SECRET } });
    const wrapped = countingAdapter(pagerDuty);
    log = wrapped.log;
    gateway = await startTestGateway([{ name: 'pagerduty', adapter: wrapped.adapter }], {
      pollIntervalMs: 100,
      providerCallMiddleware: [
        async (c, next) => {
          seenByMiddleware.push(c);
          return next(c);
        },
      ],
    });
    incidentId = toGlobalId('Incident', 'pagerduty', incident.id);
  });
  afterAll(async () => {
    await gateway.stop();
    await fake.stop();
  });

  const where = (operation: string, cause: string) => ({
    provider: 'pagerduty',
    capability: 'incident',
    operation,
    cause,
  });

  it('counts a mutation under cause "request", with the abort signal passed to the adapter', async () => {
    const labels = where('appendTimeline', 'request');
    const before = await providerCalls(gateway, labels);
    log.reset();
    await gqlData(
      gateway.url,
      `mutation($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "Rolled back" }) { entry { id } } }`,
      { id: incidentId },
    );
    expect((await providerCalls(gateway, labels)) - before).toBe(1);
    expect(log.calls.filter((c) => c.op === 'appendTimeline')).toMatchObject([
      { capability: 'incident', op: 'appendTimeline', items: 1, signal: true },
    ]);
    expect(seenByMiddleware.some((c) => c.operation === 'appendTimeline' && c.write && c.cause === 'request')).toBe(
      true,
    );
  });

  it('counts the re-read a webhook delivery causes under cause "webhook", with a signal', async () => {
    const labels = where('timelines', 'webhook');
    const before = await providerCalls(gateway, labels);
    log.reset();
    const note = fake.addNote(incident.id, 'Cache warmed');
    const body = incidentAnnotatedBody(incident, note, note.created_at);
    const response = await fetch(gateway.url.replace(/\/graphql$/, '/webhooks/pagerduty'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signPagerDutyDelivery(body, SECRET) },
      body,
    });
    expect(response.status).toBe(202);
    expect((await providerCalls(gateway, labels)) - before).toBe(1);
    expect(log.calls).toMatchObject([{ capability: 'incident', op: 'timelines', items: 1, signal: true }]);
    expect(seenByMiddleware.some((c) => c.cause === 'webhook' && !c.write)).toBe(true);
  });

  it('counts the timeline poller\'s reads under cause "poller", with a signal', async () => {
    const labels = where('timelines', 'poller');
    const before = await providerCalls(gateway, labels);
    log.reset();
    const sub = subscribe<{ body: string }>(
      gateway.wsUrl,
      'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { body } }',
      { id: incidentId },
    );
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.polling === 1, 'the incident is polled');
    const note = fake.addNote(incident.id, 'Latency back to normal');
    await sub.waitFor((e) => e.body === note.content, 'polled entry');
    await sub.close();
    await waitUntil(async () => (await readyLive(gateway)).timelinePolling.watched === 0, 'polling stops');
    const polls = log.calls.filter((c) => c.op === 'timelines');
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(polls.every((c) => c.signal)).toBe(true);
    expect(await providerCalls(gateway, labels)).toBe(before + polls.length);
  });
});
