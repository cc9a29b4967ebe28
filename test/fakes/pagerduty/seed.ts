/**
 * A small PagerDuty account: two teams with escalation policies and people on call, three
 * services, sixty incidents over three months (most of them older than PagerDuty's default
 * 30-day listing window) and one long-running incident with more log entries than fit a page.
 */
import type { FakeIncident, PagerDutyFake } from './server.js';

export const LONG_INCIDENT = 'PLONG01';
export const LONG_LOG_ENTRIES = 130;

const HOUR = 3_600_000;

/** PagerDuty's own second-precision format, `2025-11-21T10:00:00Z`. */
function pdTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function seedPagerDuty(fake: PagerDutyFake): void {
  // Relative to the real clock: the adapter's default window ends at its own "now".
  const now = Math.floor(Date.now() / 1000) * 1000;
  fake.now = new Date(now);
  fake.users.push(
    { id: 'PUALICE', name: 'Alice Ops', email: 'alice@acme.test' },
    { id: 'PUBOBNG', name: 'Bob Ng', email: 'bob@acme.test' },
    { id: 'PUCAROL', name: 'Carol Diaz', email: 'carol@acme.test' },
    { id: 'PUDANXX', name: 'Dan Shadow', email: 'dan@acme.test' },
  );
  fake.teams.push(
    {
      id: 'PTPAYME',
      name: 'Payments',
      description: 'Money movement',
      members: [
        { user_id: 'PUALICE', role: 'manager' },
        { user_id: 'PUBOBNG', role: 'responder' },
      ],
    },
    {
      id: 'PTPLATF',
      name: 'Platform',
      description: 'Edge and infra',
      members: [{ user_id: 'PUCAROL', role: 'responder' }],
    },
  );
  fake.policies.push(
    { id: 'PEPPAY1', name: 'Payments EP', team_ids: ['PTPAYME'], levels: [['PUBOBNG'], ['PUALICE', 'PUDANXX']] },
    { id: 'PEPPLAT', name: 'Platform EP', team_ids: ['PTPLATF'], levels: [['PUCAROL']] },
  );
  fake.services.push(
    {
      id: 'PSCHECK',
      name: 'checkout-api',
      description: 'Checkout',
      team_ids: ['PTPAYME'],
      escalation_policy_id: 'PEPPAY1',
    },
    { id: 'PSLEDGR', name: 'ledger', description: 'Ledger', team_ids: ['PTPAYME'], escalation_policy_id: 'PEPPAY1' },
    { id: 'PSEDGEP', name: 'edge-proxy', description: 'Edge', team_ids: ['PTPLATF'], escalation_policy_id: 'PEPPLAT' },
  );
  fake.priorities.push(
    { id: 'PPRIO01', name: 'P1' },
    { id: 'PPRIO02', name: 'P2' },
    { id: 'PPRIO03', name: 'P3' },
    { id: 'PPRIO04', name: 'P4' },
    { id: 'PPRIO05', name: 'P5' },
  );

  const services = ['PSCHECK', 'PSLEDGR', 'PSEDGEP'];
  const statuses: FakeIncident['status'][] = ['triggered', 'acknowledged', 'resolved'];
  const priorities = ['P1', null, 'P3', 'P2', null];
  for (let i = 0; i < 60; i++) {
    const created = pdTime(now - (i + 1) * 36 * HOUR);
    const serviceId = services[i % 3] as string;
    fake.incidents.push({
      id: `PINC${String(i).padStart(3, '0')}`,
      incident_number: 1000 + i,
      title: `Incident ${i} on ${serviceId}`,
      status: statuses[i % 3] as FakeIncident['status'],
      urgency: i % 2 === 0 ? 'high' : 'low',
      priority: priorities[i % 5] ?? null,
      created_at: created,
      updated_at: created,
      service_id: serviceId,
      team_ids: fake.services.find((s) => s.id === serviceId)?.team_ids ?? [],
      assignee_ids: [i % 2 === 0 ? 'PUBOBNG' : 'PUCAROL'],
      details: null,
      log_entries: [
        {
          id: `RTRIG${i}`,
          type: 'trigger_log_entry',
          summary: 'Triggered through the API.',
          created_at: created,
          agent_id: null,
        },
      ],
      notes: [],
    });
  }

  const start = now - 30 * 60_000;
  const long: FakeIncident = {
    id: LONG_INCIDENT,
    incident_number: 2000,
    title: 'Checkout latency above SLO',
    status: 'acknowledged',
    urgency: 'high',
    priority: 'P1',
    created_at: pdTime(start),
    updated_at: pdTime(start + 60_000),
    service_id: 'PSCHECK',
    team_ids: ['PTPAYME'],
    assignee_ids: ['PUBOBNG'],
    details: 'p99 latency at 4s since the 11:30 deploy',
    log_entries: [],
    notes: [
      {
        id: 'PNOTE01',
        content: 'Rolled back to v41; watching p99.',
        created_at: pdTime(start + 20 * 60_000),
        user_id: 'PUBOBNG',
      },
    ],
  };
  long.log_entries.push({
    id: 'RLTRIG',
    type: 'trigger_log_entry',
    summary: 'Triggered through the API.',
    created_at: pdTime(start),
    agent_id: null,
  });
  long.log_entries.push({
    id: 'RLACK',
    type: 'acknowledge_log_entry',
    summary: 'Acknowledged by Bob Ng.',
    created_at: pdTime(start + 60_000),
    agent_id: 'PUBOBNG',
  });
  long.log_entries.push({
    id: 'RLANNO',
    type: 'annotate_log_entry',
    summary: 'Note added',
    created_at: pdTime(start + 20 * 60_000),
    agent_id: 'PUBOBNG',
  });
  for (let n = long.log_entries.length; n < LONG_LOG_ENTRIES; n++) {
    long.log_entries.push({
      id: `RLNOT${n}`,
      type: 'notify_log_entry',
      summary: `Notified Bob Ng by SMS (${n}).`,
      created_at: pdTime(start + 2 * 60_000 + n * 1000),
      agent_id: null,
    });
  }
  fake.incidents.push(long);
}
