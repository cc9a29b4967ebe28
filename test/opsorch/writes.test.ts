/**
 * Each write through the gateway read back through OpsOrch Core, and Core's writes read back through
 * the gateway, over the same plugin processes: what one side stores, the other reads, in OpsOrch's
 * words (`open`, `sev2`, `P0`, `done`) and fields (`fields.priority`, `fields.assignees`,
 * `metadata.relatedIncidents`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../src/graphql/ids.js';
import { type Json, type OpsOrchPair, startOpsOrchPair } from '../helpers/opsorch-pair.js';

describe('writes on one side, read on the other: the gateway and OpsOrch Core over the same plugins', () => {
  let pair: OpsOrchPair;

  beforeAll(async () => {
    pair = await startOpsOrchPair();
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  async function patch(path: string, body: unknown): Promise<Json> {
    const response = await fetch(`${pair.coreUrl}${path}`, { method: 'PATCH', body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  }

  const native = (id: string) => fromGlobalId(id).nativeId;

  it('incidentCreate and incidentUpdate: Core reads the words, team, assignees and kept fields', async () => {
    const created = await pair.gq<{ incidentCreate: { incident: { id: string; status: string } } }>(
      `mutation { incidentCreate(input: { title: "Queue backlog", severity: HIGH, service: "svc-checkout",
          team: "team-velocity", assignees: ["alex"] }) { incident { id status } } }`,
    );
    const id = created.incidentCreate.incident.id;
    const stored = await pair.rest<Json>(`/incidents/${native(id)}`);
    expect([stored.title, stored.status, stored.severity, stored.service]).toEqual([
      'Queue backlog',
      'open',
      'sev2',
      'svc-checkout',
    ]);
    expect(stored.fields).toMatchObject({ team: 'team-velocity', assignees: ['alex'] });

    const updated = await pair.gq<{ incidentUpdate: { incident: Json } }>(
      `mutation($id: ID!) { incidentUpdate(input: { id: $id, title: "Queue backlog draining", status: MITIGATED,
          severity: CRITICAL, assignees: ["sam"] }) { incident { title status rawStatus severity assignees team { name } } } }`,
      { id },
    );
    const after = await pair.rest<Json>(`/incidents/${native(id)}`);
    expect([after.title, after.status, after.severity]).toEqual(['Queue backlog draining', 'mitigating', 'sev1']);
    expect(after.fields).toMatchObject({ team: 'team-velocity', assignees: ['sam'] });
    expect(updated.incidentUpdate.incident).toEqual({
      title: 'Queue backlog draining',
      status: 'MITIGATED',
      rawStatus: 'mitigating',
      severity: 'CRITICAL',
      assignees: ['sam'],
      team: { name: 'Velocity Team' },
    });

    const resolved = await pair.gq<{ incidentResolve: { incident: { resolvedAt: string } } }>(
      'mutation($id: ID!) { incidentResolve(input: { id: $id }) { incident { resolvedAt } } }',
      { id },
    );
    const closed = await pair.rest<Json>(`/incidents/${native(id)}`);
    expect([closed.status, (closed.fields as Json).resolvedAt]).toEqual([
      'resolved',
      resolved.incidentResolve.incident.resolvedAt,
    ]);
    // Reopened, it is neither acknowledged nor resolved any more, on both sides.
    const reopened = await pair.gq<{ incidentUpdate: { incident: Json } }>(
      'mutation($id: ID!) { incidentUpdate(input: { id: $id, status: TRIGGERED }) { incident { status acknowledgedAt resolvedAt } } }',
      { id },
    );
    expect(reopened.incidentUpdate.incident).toEqual({ status: 'TRIGGERED', acknowledgedAt: null, resolvedAt: null });
    const open = await pair.rest<Json>(`/incidents/${native(id)}`);
    expect(open.status).toBe('open');
    expect(open.fields).not.toHaveProperty('resolvedAt');
    expect(open.fields).toMatchObject({ team: 'team-velocity', assignees: ['sam'] });
  });

  it("Core's incident writes read through the gateway in the gateway's enums, raw words kept", async () => {
    const created = await pair.rest<Json>('/incidents', {
      title: 'Written through Core',
      status: 'open',
      severity: 'sev3',
      service: 'svc-search',
    });
    await patch(`/incidents/${created.id}`, { status: 'investigating', severity: 'sev1' });
    const data = await pair.gq<{ incident: Json }>(
      'query($id: ID!) { incident(id: $id) { title status rawStatus severity rawSeverity service { name } } }',
      { id: pair.gid('Incident', 'incident', created.id as string) },
    );
    expect(data.incident).toEqual({
      title: 'Written through Core',
      status: 'ACKNOWLEDGED',
      rawStatus: 'investigating',
      severity: 'CRITICAL',
      rawSeverity: 'sev1',
      service: { name: 'Search Service' },
    });
  });

  it('ticketCreate and ticketUpdate: Core reads the priority word, service, assignee and related incidents', async () => {
    const incident = pair.gid('Incident', 'incident', 'inc-002');
    const created = await pair.gq<{ ticketCreate: { ticket: { id: string; key: string } } }>(
      `mutation($incident: ID!) { ticketCreate(input: { title: "Reindex search", priority: HIGHEST, assignee: "lena",
          service: "svc-search", incidentId: $incident }) { ticket { id key } } }`,
      { incident },
    );
    const key = created.ticketCreate.ticket.key;
    const stored = await pair.rest<Json>(`/tickets/${key}`);
    expect(stored.title).toBe('Reindex search');
    expect(stored.fields).toMatchObject({ priority: 'P0', service: 'svc-search', assignees: ['lena'] });
    expect((stored.metadata as Json).relatedIncidents).toEqual(['inc-002']);

    const other = pair.gid('Incident', 'incident', 'inc-008');
    const updated = await pair.gq<{ ticketUpdate: { ticket: Json } }>(
      `mutation($id: ID!, $other: ID!) { ticketUpdate(input: { id: $id, status: DONE, priority: LOW, incidentId: $other }) {
          ticket { status rawStatus priority rawPriority incidents { source { nativeId } } } } }`,
      { id: created.ticketCreate.ticket.id, other },
    );
    const after = await pair.rest<Json>(`/tickets/${key}`);
    expect(after.status).toBe('done');
    expect(after.fields).toMatchObject({ priority: 'P3', service: 'svc-search' });
    expect((after.metadata as Json).relatedIncidents).toEqual(['inc-002', 'inc-008']);
    expect(updated.ticketUpdate.ticket).toEqual({
      status: 'DONE',
      rawStatus: 'done',
      priority: 'LOW',
      rawPriority: 'P3',
      incidents: [{ source: { nativeId: 'inc-002' } }, { source: { nativeId: 'inc-008' } }],
    });
  });

  it("Core's ticket update reads through the gateway", async () => {
    await patch('/tickets/TCK-005', { status: 'in_review' });
    const data = await pair.gq<{ ticket: Json }>('query($id: ID!) { ticket(id: $id) { status rawStatus } }', {
      id: pair.gid('Ticket', 'ticket', 'TCK-005'),
    });
    expect(data.ticket).toEqual({ status: 'IN_PROGRESS', rawStatus: 'in_review' });
  });

  it('orchestrationRunStart and orchestrationRunStepComplete: Core reads the run and the completed step with its note', async () => {
    const started = await pair.gq<{ orchestrationRunStart: { run: { id: string; steps: { id: string }[] } } }>(
      'mutation($plan: ID!) { orchestrationRunStart(input: { planId: $plan }) { run { id steps { id } } } }',
      { plan: pair.gid('OrchestrationPlan', 'orchestration', 'plan-release-001') },
    );
    const run = started.orchestrationRunStart.run;
    const step = run.steps[0]?.id as string;
    const completed = await pair.gq<{
      orchestrationRunStepComplete: { run: { steps: { id: string; status: string }[] }; userErrors: unknown[] };
    }>(
      'mutation($run: ID!, $step: String!) { orchestrationRunStepComplete(input: { runId: $run, stepId: $step, note: "checked" }) { run { steps { id status } } userErrors { message } } }',
      { run: run.id, step },
    );
    expect(completed.orchestrationRunStepComplete.userErrors).toEqual([]);
    const stored = await pair.rest<Json>(`/orchestration/runs/${native(run.id)}`);
    expect(stored.planId).toBe('plan-release-001');
    const state = (stored.steps as Json[]).find((s) => s.stepId === step) as Json;
    expect([state.status, state.note]).toEqual(['succeeded', 'checked']);
    expect(completed.orchestrationRunStepComplete.run.steps.find((s) => s.id === step)?.status).toBe('SUCCEEDED');
  });
});
