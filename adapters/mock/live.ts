/**
 * Live mode: the world keeps moving on a timer, so a demo subscription to an incident's
 * timeline has something to show. Uses its own generator so it never disturbs the world's.
 */
import type { AdapterLogger, Incident, IncidentStatus } from '../contract/index.js';
import { WORLD_BOUNDS } from './ops/bounds.js';
import type { OpsContext } from './ops/context.js';
import { appendEntry, createIncident, updateIncident } from './ops/incidents.js';
import { findService, findTeam } from './scope.js';
import { createRng, hash32, type Rng } from './world/rng.js';
import { DEFAULT_SYMPTOM, SYMPTOM_BY_KEY, SYMPTOMS } from './world/symptoms.js';

const NEXT_STATUS: Partial<Record<IncidentStatus, IncidentStatus>> = {
  TRIGGERED: 'ACKNOWLEDGED',
  ACKNOWLEDGED: 'MITIGATED',
  MITIGATED: 'RESOLVED',
};

const GENERIC_NOTES = [
  'Still investigating, no customer reports so far.',
  'Dashboards look stable for the last 10 minutes.',
  'Pulled in the owning team for a second pair of eyes.',
  'Status page updated.',
  'Checking whether the last config change is related.',
];

/** Starts the timer; returns the function that stops it. */
export function startLive(ctx: OpsContext, intervalMs: number, logger: AdapterLogger): () => void {
  const rng = createRng(hash32(ctx.world.seed, 'live'));
  const timer = setInterval(() => {
    try {
      tick(ctx, rng);
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'mock live tick failed');
    }
  }, intervalMs);
  // A demo timer must never keep the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}

export function tick(ctx: OpsContext, rng: Rng): void {
  const open = ctx.world.incidents.filter((i) => i.status !== 'RESOLVED');
  // A world at its bound of incidents goes on with the ones it has.
  const room = ctx.world.incidents.length < WORLD_BOUNDS.incidents;
  if (room && open.length < 3 && rng.chance(0.3)) {
    trigger(ctx, rng);
    return;
  }
  const incident = open.length > 0 ? rng.pick(open) : undefined;
  if (!incident) {
    if (room) trigger(ctx, rng);
    return;
  }
  const symptom = SYMPTOM_BY_KEY.get(ctx.world.incidentMeta.get(incident.id)?.symptom ?? '') ?? DEFAULT_SYMPTOM;
  const members =
    findTeam(ctx.world, incident.team ?? findService(ctx.world, incident.service)?.service.team)?.members ?? [];
  const person = incident.assignees.length > 0 ? rng.pick(incident.assignees) : (members[0]?.name ?? 'on-call');
  const action = rng.weighted([
    ['note', 45],
    ['alert', 15],
    ['escalate', 10],
    ['notify', 10],
    ['status', 20],
  ] as const);
  switch (action) {
    case 'note':
      appendEntry(ctx, incident, { kind: 'NOTE', body: rng.pick([...symptom.notes, ...GENERIC_NOTES]), actor: person });
      return;
    case 'alert':
      appendEntry(ctx, incident, {
        kind: 'ALERT',
        body: `Alert ${symptom.alertname} still firing on ${incident.service ?? 'the service'} (${rng.int(2, 9)} instances)`,
        actor: 'Alertmanager',
      });
      return;
    case 'escalate':
      escalate(
        ctx,
        rng,
        incident,
        members.map((m) => m.name),
      );
      return;
    case 'notify':
      appendEntry(ctx, incident, {
        kind: 'NOTIFICATION',
        body: `Reminder sent to ${person}: incident still ${incident.rawStatus ?? incident.status.toLowerCase()}`,
        actor: 'PagerDuty',
      });
      return;
    case 'status': {
      const next = NEXT_STATUS[incident.status];
      if (next) updateIncident(ctx, incident.id, { status: next }, person);
      return;
    }
  }
}

function escalate(ctx: OpsContext, rng: Rng, incident: Incident, team: string[]): void {
  const others = team.filter((name) => !incident.assignees.includes(name));
  const target = others.length > 0 ? rng.pick(others) : undefined;
  if (!target) {
    appendEntry(ctx, incident, {
      kind: 'ESCALATION',
      body: 'Escalated to the incident commander rotation',
      actor: 'PagerDuty',
    });
    return;
  }
  appendEntry(ctx, incident, { kind: 'ESCALATION', body: `Escalated to ${target} (level 2)`, actor: 'PagerDuty' });
  updateIncident(ctx, incident.id, { assignees: [...incident.assignees, target] }, 'PagerDuty');
}

function trigger(ctx: OpsContext, rng: Rng): void {
  const record = rng.pick(ctx.world.services);
  const symptom = rng.pick(SYMPTOMS);
  const incident = createIncident(ctx, {
    title: symptom.title(record.service.name),
    description: symptom.description(record.service.name),
    severity: rng.pick(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const),
    service: record.service.name,
  });
  const meta = ctx.world.incidentMeta.get(incident.id);
  if (meta) meta.symptom = symptom.key;
}
