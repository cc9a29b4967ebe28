import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderEvent, TimelineEntry } from '../../../adapters/contract/index.js';
import { list, type MockHandle, mock, ms, NOW_MS, ok } from './helpers.js';

let h: MockHandle;
let events: ProviderEvent[];

beforeEach(async () => {
  h = await mock();
  events = [];
  h.adapter.onEvent?.((e) => events.push(e));
});
afterEach(async () => {
  await h.adapter.close?.();
});

const timelineOf = async (id: string): Promise<TimelineEntry[]> => ok((await h.caps.incident.timelines([id], {}))[0]);
const appended = () => events.filter((e) => e.type === 'timeline.appended').map((e) => e.entry);
const updates = () => events.filter((e) => e.type === 'incident.updated');

describe('incidents', () => {
  it('creates an incident owned by the service team and paged to its on-call', async () => {
    const incident = await h.caps.incident.create(
      { title: '  Checkout is slow  ', severity: 'HIGH', service: 'checkout-api', description: 'p99 at 4s' },
      {},
    );
    expect(incident).toMatchObject({
      title: 'Checkout is slow',
      status: 'TRIGGERED',
      rawStatus: 'triggered',
      severity: 'HIGH',
      rawSeverity: 'P2',
      service: 'checkout',
      team: 'Checkout',
      acknowledgedAt: null,
      resolvedAt: null,
    });
    expect(incident.url).toBe(`https://acme.pagerduty.com/incidents/${incident.id}`);
    expect(ms(incident.createdAt)).toBeGreaterThanOrEqual(NOW_MS);
    const [team] = await list(h.caps.team.query, { names: ['Checkout'] });
    const members = ok((await h.caps.team.members([team!.id], {}))[0]);
    expect(incident.assignees).toEqual([members.find((m) => m.onCallRole === 'primary')!.name]);

    const [found] = await list(h.caps.incident.query, { statuses: ['TRIGGERED'], scope: { service: 'checkout' } });
    expect(found?.id).toBe(incident.id);
    const timeline = await timelineOf(incident.id);
    expect(timeline.map((e) => e.kind)).toEqual(['NOTIFICATION', 'CREATED']);
    expect(appended().map((e) => e.id)).toEqual([...timeline].reverse().map((e) => e.id));
  });

  it('rejects a blank title, an unknown service or team as bad input', async () => {
    await expect(h.caps.incident.create({ title: '   ' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('title'),
    });
    await expect(h.caps.incident.create({ title: 'x', service: 'nope' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.caps.incident.create({ title: 'x', team: 'nope' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    expect(events).toEqual([]);
  });

  it('acknowledges, mitigates and resolves with timestamps, timeline entries and events', async () => {
    const incident = await h.caps.incident.create({ title: 'Disk full', service: 'search' }, {});
    events.length = 0;

    const acked = await h.caps.incident.update(incident.id, { status: 'ACKNOWLEDGED', note: 'On it' }, {});
    expect(acked.status).toBe('ACKNOWLEDGED');
    expect(acked.rawStatus).toBe('acknowledged');
    expect(acked.acknowledgedAt).not.toBeNull();
    expect(appended().map((e) => [e.kind, e.body])).toEqual([
      ['STATUS_CHANGE', expect.stringContaining('Acknowledged')],
      ['NOTE', 'On it'],
    ]);
    expect(updates()).toEqual([
      expect.objectContaining({
        changedFields: ['status'],
        previousStatus: 'TRIGGERED',
        incident: expect.objectContaining({ status: 'ACKNOWLEDGED' }),
      }),
    ]);

    const mitigated = await h.caps.incident.update(incident.id, { status: 'MITIGATED' }, {});
    expect(mitigated.acknowledgedAt).toBe(acked.acknowledgedAt);
    const resolved = await h.caps.incident.update(incident.id, { status: 'RESOLVED' }, {});
    expect(ms(resolved.resolvedAt)).toBeGreaterThan(ms(resolved.acknowledgedAt));
    expect(updates().map((e) => e.type === 'incident.updated' && e.previousStatus)).toEqual([
      'TRIGGERED',
      'ACKNOWLEDGED',
      'MITIGATED',
    ]);

    const timeline = await timelineOf(incident.id);
    expect(timeline[0]!.kind).toBe('STATUS_CHANGE');
    expect(timeline[0]!.fields).toMatchObject({ from: 'mitigated', to: 'resolved' });
    expect(timeline.map((e) => e.at)).toEqual([...timeline.map((e) => e.at)].sort().reverse());
    expect(timeline[0]!.at).toBe(resolved.updatedAt);

    const reopened = await h.caps.incident.update(incident.id, { status: 'TRIGGERED' }, {});
    expect(reopened).toMatchObject({ resolvedAt: null, acknowledgedAt: null });
  });

  it('records severity and assignment changes, resolving people by handle or email', async () => {
    const [incident] = await list(h.caps.incident.query, { statuses: ['ACKNOWLEDGED'] });
    const [team] = await list(h.caps.team.query, { names: [incident!.team!] });
    const members = ok((await h.caps.team.members([team!.id], {}))[0]);
    const updated = await h.caps.incident.update(
      incident!.id,
      { severity: 'CRITICAL', assignees: [members[0]!.handle!, members[1]!.email!], title: 'Renamed' },
      {},
    );
    expect(updated.severity).toBe('CRITICAL');
    expect(updated.rawSeverity).toBe('P1');
    expect(updated.assignees).toEqual([members[0]!.name, members[1]!.name]);
    expect(appended().map((e) => e.kind)).toEqual(
      incident!.severity === 'CRITICAL' ? ['ASSIGNMENT'] : ['SEVERITY_CHANGE', 'ASSIGNMENT'],
    );
    const [event] = updates();
    expect(event).toMatchObject({ changedFields: expect.arrayContaining(['title', 'assignees']) });
    expect(event && 'previousStatus' in event ? event.previousStatus : undefined).toBeUndefined();
    // Asking for what is already there changes nothing and says nothing.
    events.length = 0;
    await h.caps.incident.update(incident!.id, { severity: 'CRITICAL', status: incident!.status }, {});
    expect(events).toEqual([]);
  });

  it('rejects updates of unknown incidents and blank titles', async () => {
    await expect(h.caps.incident.update('PNOPE00', { status: 'RESOLVED' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [incident] = await list(h.caps.incident.query, {});
    await expect(h.caps.incident.update(incident!.id, { title: '' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.caps.incident.update(incident!.id, { status: 'UNKNOWN' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('appends timeline entries and announces each', async () => {
    const [incident] = await list(h.caps.incident.query, { statuses: ['TRIGGERED'] });
    const entry = await h.caps.incident.appendTimeline(
      incident!.id,
      { kind: 'NOTE', body: 'Looking', actor: 'Alice' },
      {},
    );
    expect(entry).toMatchObject({
      incidentId: incident!.id,
      kind: 'NOTE',
      rawKind: 'annotate_log_entry',
      body: 'Looking',
      actor: 'Alice',
    });
    expect((await timelineOf(incident!.id))[0]).toEqual(entry);
    expect(appended()).toEqual([entry]);
    const [after] = await h.caps.incident.getMany([incident!.id], {});
    expect(ok(after).updatedAt).toBe(entry.at);
    await expect(h.caps.incident.appendTimeline(incident!.id, { kind: 'NOTE', body: ' ' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.caps.incident.appendTimeline('PNOPE00', { kind: 'NOTE', body: 'x' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      h.caps.incident.appendTimeline(incident!.id, { kind: 'CREATED', body: 'x' }, {}),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('stops announcing to a listener once it unsubscribes', async () => {
    const seen: ProviderEvent[] = [];
    const off = h.adapter.onEvent!((e) => seen.push(e));
    const [incident] = await list(h.caps.incident.query, {});
    await h.caps.incident.appendTimeline(incident!.id, { kind: 'NOTE', body: 'one' }, {});
    off();
    await h.caps.incident.appendTimeline(incident!.id, { kind: 'NOTE', body: 'two' }, {});
    expect(seen).toHaveLength(1);
    expect(appended()).toHaveLength(2);
  });
});

describe('tickets', () => {
  it('creates a ticket with the next key, linked to an incident', async () => {
    const [incident] = await list(h.caps.incident.query, {});
    const ticket = await h.caps.ticket.create(
      {
        title: 'Add a circuit breaker',
        priority: 'HIGH',
        service: 'payments',
        incidentId: incident!.id,
        assignee: 'nobody-known',
      },
      {},
    );
    expect(ticket).toMatchObject({
      key: 'OPS-116',
      status: 'OPEN',
      rawStatus: 'To Do',
      priority: 'HIGH',
      rawPriority: 'High',
      service: 'payments-api',
      incidentIds: [incident!.id],
    });
    expect(ticket.url).toBe('https://acme.atlassian.net/browse/OPS-116');
    expect((await list(h.caps.ticket.query, { incidentId: incident!.id })).map((t) => t.id)).toContain(ticket.id);
    await expect(h.caps.ticket.create({ title: '' }, {})).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(h.caps.ticket.create({ title: 'x', incidentId: 'PNOPE00' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('updates status, priority, assignee and adds incident links', async () => {
    const [ticket] = await list(h.caps.ticket.query, { statuses: ['OPEN'] });
    const incidents = await list(h.caps.incident.query, {});
    const target = incidents.find((i) => !ticket!.incidentIds.includes(i.id))!;
    const updated = await h.caps.ticket.update(
      ticket!.key,
      { status: 'IN_PROGRESS', priority: 'LOWEST', assignee: null, incidentId: target.id },
      {},
    );
    expect(updated).toMatchObject({
      id: ticket!.id,
      status: 'IN_PROGRESS',
      rawStatus: 'In Progress',
      priority: 'LOWEST',
      rawPriority: 'Lowest',
      assignee: null,
    });
    expect(updated.incidentIds).toEqual([...ticket!.incidentIds, target.id]);
    const again = await h.caps.ticket.update(ticket!.id, { incidentId: target.id }, {});
    expect(again.incidentIds).toEqual(updated.incidentIds);
    await expect(h.caps.ticket.update('OPS-999', { status: 'DONE' }, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('messaging', () => {
  it('sends a Slack-like message and records it on the incident timeline', async () => {
    const [incident] = await list(h.caps.incident.query, {});
    const message = await h.caps.messaging.send(
      { channel: '#inc-checkout', body: 'Rollback started', incidentId: incident!.id },
      {},
    );
    expect(message).toMatchObject({ channel: '#inc-checkout', body: 'Rollback started' });
    expect(message.url).toMatch(/^https:\/\/acme\.slack\.com\/archives\/C[0-9A-Z]+\/p\d{16}$/);
    const [entry] = await timelineOf(incident!.id);
    expect(entry).toMatchObject({ kind: 'MESSAGE', body: 'Rollback started' });
    expect(appended()).toEqual([entry]);
    const plain = await h.caps.messaging.send({ channel: 'general', body: 'hello' }, {});
    expect(plain.id).not.toBe(message.id);
    expect(appended()).toHaveLength(1);
  });

  it('rejects blank input and unknown incidents without sending', async () => {
    await expect(h.caps.messaging.send({ channel: '#x', body: '' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.caps.messaging.send({ channel: '', body: 'x' }, {})).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(h.caps.messaging.send({ channel: '#x', body: 'x', incidentId: 'PNOPE00' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('orchestration', () => {
  it('runs a plan step by step to success, announcing start and finish on the incident', async () => {
    const [plan] = await list(h.caps.orchestration.queryPlans, { query: 'Roll back' });
    const [incident] = await list(h.caps.incident.query, {
      scope: { service: 'checkout' },
      statuses: ['ACKNOWLEDGED'],
    });
    const run = await h.caps.orchestration.startRun(
      { planId: plan!.id, incidentId: incident!.id, parameters: { version: 'v1' } },
      {},
    );
    expect(run).toMatchObject({ planId: plan!.id, incidentId: incident!.id, status: 'WAITING', finishedAt: null });
    expect(run.steps[0]).toMatchObject({ status: 'WAITING', kind: 'MANUAL' });
    expect(run.steps.slice(1).every((s) => s.status === 'PENDING')).toBe(true);
    expect(appended().map((e) => e.body)).toEqual([expect.stringContaining('started')]);

    let current = run;
    for (const [i, step] of plan!.steps.entries()) {
      current = await h.caps.orchestration.completeStep(
        { runId: run.id, stepId: step.id, outcome: i === 1 ? 'SKIPPED' : 'SUCCEEDED', note: 'ok', actor: 'Dana' },
        {},
      );
      expect(current.steps[i]).toMatchObject({ status: i === 1 ? 'SKIPPED' : 'SUCCEEDED', actor: 'Dana', note: 'ok' });
      const next = plan!.steps[i + 1];
      if (next) expect(current.status).toBe(next.kind === 'MANUAL' ? 'WAITING' : 'RUNNING');
    }
    expect(current.status).toBe('SUCCEEDED');
    expect(current.finishedAt).not.toBeNull();
    expect(appended().map((e) => e.body)).toEqual([
      expect.stringContaining('started'),
      expect.stringContaining('succeeded'),
    ]);
    const [stored] = await h.caps.orchestration.getRuns([run.id], {});
    expect(ok(stored)).toEqual(current);
  });

  it('fails the run when a step fails, and refuses to touch a finished run', async () => {
    const [plan] = await list(h.caps.orchestration.queryPlans, { query: 'edge cache' });
    const run = await h.caps.orchestration.startRun({ planId: plan!.id }, {});
    const failed = await h.caps.orchestration.completeStep(
      { runId: run.id, stepId: plan!.steps[0]!.id, outcome: 'FAILED' },
      {},
    );
    expect(failed.status).toBe('FAILED');
    expect(failed.finishedAt).not.toBeNull();
    await expect(
      h.caps.orchestration.completeStep({ runId: run.id, stepId: plan!.steps[1]!.id, outcome: 'SUCCEEDED' }, {}),
    ).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('already finished'),
    });
  });

  it('refuses unknown steps, steps out of order and unknown runs or plans', async () => {
    const [live] = await list(h.caps.orchestration.queryRuns, { statuses: ['RUNNING'] });
    await expect(
      h.caps.orchestration.completeStep({ runId: live!.id, stepId: 'no-such-step', outcome: 'SUCCEEDED' }, {}),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const pending = live!.steps.find((s) => s.status === 'PENDING')!;
    await expect(
      h.caps.orchestration.completeStep({ runId: live!.id, stepId: pending.id, outcome: 'SUCCEEDED' }, {}),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const done = live!.steps.find((s) => s.status === 'SUCCEEDED')!;
    await expect(
      h.caps.orchestration.completeStep({ runId: live!.id, stepId: done.id, outcome: 'SUCCEEDED' }, {}),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(
      h.caps.orchestration.completeStep({ runId: '1', stepId: 'x', outcome: 'SUCCEEDED' }, {}),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.caps.orchestration.startRun({ planId: 'nope' }, {})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const active = live!.steps.find((s) => s.status === 'RUNNING')!;
    const advanced = await h.caps.orchestration.completeStep(
      { runId: live!.id, stepId: active.id, outcome: 'SUCCEEDED' },
      {},
    );
    expect(advanced.steps.find((s) => s.id === active.id)?.status).toBe('SUCCEEDED');
  });
});

describe('secrets', () => {
  it('serves configured secrets, stores new ones and names only the key when missing', async () => {
    const s = await mock({ secrets: { 'pagerduty/token': 's3cr3t-value' } });
    expect(await s.caps.secret.get('pagerduty/token', {})).toBe('s3cr3t-value');
    await s.caps.secret.put?.('slack/token', 'xoxb-1', {});
    expect(await s.caps.secret.get('slack/token', {})).toBe('xoxb-1');
    const error = await s.caps.secret.get('vault/missing', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(String((error as Error).message)).not.toContain('s3cr3t');
  });
});
