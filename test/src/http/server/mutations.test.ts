/** Mutations change the provider's records and report what the caller can fix as userErrors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../../../src/graphql/ids.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { firstIncidentId, gqlData } from '../../../helpers/graphql.js';

type UserErrors = { userErrors: { message: string; field: string[] | null; code: string }[] };

describe('mutations', () => {
  let gateway: TestGateway;
  let serviceName: string;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
    const data = await gqlData<{ services: { nodes: { name: string }[] } }>(
      gateway.url,
      '{ services(first: 1) { nodes { name } } }',
    );
    serviceName = data.services.nodes[0]?.name as string;
  });
  afterAll(() => gateway.stop());

  const run = <T>(query: string, input: Record<string, unknown>) => gqlData<T>(gateway.url, query, { input });

  const CREATE = `mutation($input: IncidentCreateInput!) { incidentCreate(input: $input) {
    incident { id title status severity service { name } timeline { nodes { kind } } } userErrors { message field code } } }`;

  it('creates, acknowledges, annotates and resolves an incident', async () => {
    const created = await run<{
      incidentCreate: UserErrors & {
        incident: { id: string; status: string; severity: string; service: { name: string } };
      };
    }>(CREATE, { title: '  Checkout latency above SLO  ', severity: 'HIGH', service: serviceName });
    expect(created.incidentCreate.userErrors).toEqual([]);
    const incident = created.incidentCreate.incident;
    expect(incident).toMatchObject({ status: 'TRIGGERED', severity: 'HIGH', service: { name: serviceName } });

    const ack = await run<{
      incidentAcknowledge: UserErrors & { incident: { status: string; acknowledgedAt: string } };
    }>(
      'mutation($input: IncidentAcknowledgeInput!) { incidentAcknowledge(input: $input) { incident { status acknowledgedAt } userErrors { message field code } } }',
      { id: incident.id, note: 'Looking into it' },
    );
    expect(ack.incidentAcknowledge.userErrors).toEqual([]);
    expect(ack.incidentAcknowledge.incident.status).toBe('ACKNOWLEDGED');
    expect(ack.incidentAcknowledge.incident.acknowledgedAt).toBeTruthy();

    const appended = await run<{
      incidentTimelineAppend: UserErrors & {
        entry: { id: string; kind: string; body: string; incident: { id: string } };
      };
    }>(
      'mutation($input: IncidentTimelineAppendInput!) { incidentTimelineAppend(input: $input) { entry { id kind body incident { id } } userErrors { message field code } } }',
      { incidentId: incident.id, body: 'Rolled back v2.3.1' },
    );
    expect(appended.incidentTimelineAppend.entry).toMatchObject({
      kind: 'NOTE',
      body: 'Rolled back v2.3.1',
      incident: { id: incident.id },
    });

    const updated = await run<{ incidentUpdate: UserErrors & { incident: { severity: string; title: string } } }>(
      'mutation($input: IncidentUpdateInput!) { incidentUpdate(input: $input) { incident { severity title } userErrors { message field code } } }',
      { id: incident.id, severity: 'CRITICAL' },
    );
    expect(updated.incidentUpdate.incident).toEqual({ severity: 'CRITICAL', title: 'Checkout latency above SLO' });

    const resolved = await run<{
      incidentResolve: UserErrors & {
        incident: { status: string; resolvedAt: string; timeline: { nodes: { kind: string; body: string }[] } };
      };
    }>(
      'mutation($input: IncidentResolveInput!) { incidentResolve(input: $input) { incident { status resolvedAt timeline(first: 50) { nodes { kind body } } } userErrors { message field code } } }',
      { id: incident.id },
    );
    expect(resolved.incidentResolve.incident.status).toBe('RESOLVED');
    const kinds = resolved.incidentResolve.incident.timeline.nodes.map((e) => e.kind);
    expect(kinds).toContain('STATUS_CHANGE');
    expect(kinds).toContain('NOTE');
    expect(resolved.incidentResolve.incident.timeline.nodes.map((e) => e.body)).toContain('Rolled back v2.3.1');
  });

  it('reports blank titles, unknown and malformed IDs, empty updates as userErrors', async () => {
    const blank = await run<{ incidentCreate: UserErrors }>(CREATE, { title: '   ' });
    expect(blank.incidentCreate.userErrors).toEqual([
      { code: 'BLANK', field: ['input', 'title'], message: 'title must not be blank' },
    ]);

    const unknown = toGlobalId('Incident', 'mock', 'PUNKNOWN');
    const missing = await run<{ incidentAcknowledge: UserErrors & { incident: null } }>(
      'mutation($input: IncidentAcknowledgeInput!) { incidentAcknowledge(input: $input) { incident { id } userErrors { message field code } } }',
      { id: unknown },
    );
    expect(missing.incidentAcknowledge.incident).toBeNull();
    expect(missing.incidentAcknowledge.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', field: ['input', 'id'] });

    const malformed = await run<{ incidentTimelineAppend: UserErrors }>(
      'mutation($input: IncidentTimelineAppendInput!) { incidentTimelineAppend(input: $input) { entry { id } userErrors { message field code } } }',
      { incidentId: 'not-an-id', body: 'x' },
    );
    expect(malformed.incidentTimelineAppend.userErrors[0]).toMatchObject({
      code: 'INVALID',
      field: ['input', 'incidentId'],
    });

    const empty = await run<{ incidentUpdate: UserErrors }>(
      'mutation($input: IncidentUpdateInput!) { incidentUpdate(input: $input) { incident { id } userErrors { message field code } } }',
      { id: unknown },
    );
    expect(empty.incidentUpdate.userErrors[0]?.code).toBe('BLANK');
  });

  it('creates a ticket linked to an incident, visible from both sides, and updates it', async () => {
    const incidentId = await firstIncidentId(gateway.url);
    const created = await run<{
      ticketCreate: UserErrors & {
        ticket: { id: string; key: string; url: string; status: string; incidents: { id: string }[] };
      };
    }>(
      'mutation($input: TicketCreateInput!) { ticketCreate(input: $input) { ticket { id key url status incidents { id } } userErrors { message field code } } }',
      { title: 'Postmortem: checkout latency', description: 'Write it up', priority: 'HIGH', incidentId },
    );
    expect(created.ticketCreate.userErrors).toEqual([]);
    const ticket = created.ticketCreate.ticket;
    expect(ticket.url).toMatch(/^https:\/\//);
    expect(ticket.incidents.map((i) => i.id)).toEqual([incidentId]);

    const fromIncident = await gqlData<{ incident: { tickets: { nodes: { id: string }[] } } }>(
      gateway.url,
      'query($id: ID!) { incident(id: $id) { tickets(first: 100) { nodes { id } } } }',
      { id: incidentId },
    );
    expect(fromIncident.incident.tickets.nodes.map((t) => t.id)).toContain(ticket.id);

    const updated = await run<{ ticketUpdate: UserErrors & { ticket: { status: string } } }>(
      'mutation($input: TicketUpdateInput!) { ticketUpdate(input: $input) { ticket { status } userErrors { message field code } } }',
      { id: ticket.id, status: 'IN_PROGRESS' },
    );
    expect(updated.ticketUpdate.ticket.status).toBe('IN_PROGRESS');

    const blank = await run<{ ticketCreate: UserErrors }>(
      'mutation($input: TicketCreateInput!) { ticketCreate(input: $input) { ticket { id } userErrors { message field code } } }',
      { title: '' },
    );
    expect(blank.ticketCreate.userErrors[0]).toMatchObject({ code: 'BLANK', field: ['input', 'title'] });
  });

  it('sends a message and records it on the incident timeline', async () => {
    const incidentId = await firstIncidentId(gateway.url);
    const sent = await run<{
      messageSend: UserErrors & {
        message: { id: string; channel: string; url: string; source: { capability: string } };
      };
    }>(
      'mutation($input: MessageSendInput!) { messageSend(input: $input) { message { id channel url source { capability } } userErrors { message field code } } }',
      { channel: '#inc-checkout', body: 'Status update: mitigated', incidentId },
    );
    expect(sent.messageSend.userErrors).toEqual([]);
    expect(sent.messageSend.message).toMatchObject({ channel: '#inc-checkout', source: { capability: 'MESSAGING' } });
    const timeline = await gqlData<{ incident: { timeline: { nodes: { kind: string; body: string }[] } } }>(
      gateway.url,
      'query($id: ID!) { incident(id: $id) { timeline(first: 100) { nodes { kind body } } } }',
      { id: incidentId },
    );
    expect(timeline.incident.timeline.nodes).toContainEqual(expect.objectContaining({ kind: 'MESSAGE' }));

    const blank = await run<{ messageSend: UserErrors }>(
      'mutation($input: MessageSendInput!) { messageSend(input: $input) { message { id } userErrors { message field code } } }',
      { channel: '#x', body: ' ' },
    );
    expect(blank.messageSend.userErrors[0]).toMatchObject({ code: 'BLANK', field: ['input', 'body'] });
  });

  it('starts a runbook run and completes its steps until it succeeds', async () => {
    const { orchestrationPlans } = await gqlData<{
      orchestrationPlans: { nodes: { id: string; steps: { id: string }[] }[] };
    }>(gateway.url, '{ orchestrationPlans(first: 1) { nodes { id steps { id } } } }');
    const plan = orchestrationPlans.nodes[0] as { id: string; steps: { id: string }[] };
    const RUN_FIELDS = 'run { id status plan { id } steps { id status note } } userErrors { message field code }';
    const started = await run<{
      orchestrationRunStart: UserErrors & { run: { id: string; status: string; plan: { id: string } } };
    }>(`mutation($input: OrchestrationRunStartInput!) { orchestrationRunStart(input: $input) { ${RUN_FIELDS} } }`, {
      planId: plan.id,
    });
    expect(started.orchestrationRunStart.userErrors).toEqual([]);
    expect(started.orchestrationRunStart.run.plan.id).toBe(plan.id);
    const runId = started.orchestrationRunStart.run.id;

    const COMPLETE = `mutation($input: OrchestrationRunStepCompleteInput!) { orchestrationRunStepComplete(input: $input) { ${RUN_FIELDS} } }`;
    const unknownStep = await run<{ orchestrationRunStepComplete: UserErrors }>(COMPLETE, {
      runId,
      stepId: 'no-such-step',
    });
    expect(unknownStep.orchestrationRunStepComplete.userErrors[0]?.code).toBe('INVALID');

    let last: { status: string; steps: { status: string; note: string | null }[] } | undefined;
    for (const step of plan.steps) {
      const done = await run<{ orchestrationRunStepComplete: UserErrors & { run: typeof last } }>(COMPLETE, {
        runId,
        stepId: step.id,
        note: `done ${step.id}`,
      });
      expect(done.orchestrationRunStepComplete.userErrors).toEqual([]);
      last = done.orchestrationRunStepComplete.run;
    }
    expect(last?.status).toBe('SUCCEEDED');
    expect(last?.steps.every((s) => s.status === 'SUCCEEDED')).toBe(true);
  });
});
