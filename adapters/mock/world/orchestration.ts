import type {
  Incident,
  OrchestrationPlan,
  OrchestrationRun,
  OrchestrationRunStep,
  OrchestrationStep,
  OrchestrationStepKind,
  TimelineEntry,
} from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { HEADLINE_INCIDENTS } from './incidents.js';
import { links } from './links.js';
import type { Rng } from './rng.js';
import { DAY, iso, MINUTE, SECOND } from './time.js';
import { insertEntry, MAX_GENERATED_ENTRIES, makeEntry } from './timeline.js';
import { RUN_STATUS_RAW, STEP_STATUS_RAW } from './vocab.js';

type StepDef = [id: string, kind: OrchestrationStepKind, name: string];

const PLAN_DEFINITIONS: readonly { name: string; service: string; description: string; steps: StepDef[] }[] = [
  {
    name: 'Roll back a deployment',
    service: 'checkout',
    description: 'Redeploy the last known good release and confirm recovery.',
    steps: [
      ['confirm-target', 'MANUAL', 'Confirm the release to roll back'],
      ['freeze-pipeline', 'AUTOMATED', 'Freeze the deploy pipeline'],
      ['redeploy-previous', 'AUTOMATED', 'Redeploy the previous release'],
      ['verify-recovery', 'AUTOMATED', 'Verify error rate and latency are back to baseline'],
      ['announce', 'MANUAL', 'Post an update in the incident channel'],
    ],
  },
  {
    name: 'Fail over the database',
    service: 'orders-db',
    description: 'Promote the standby PostgreSQL node and repoint connection poolers.',
    steps: [
      ['check-replication', 'AUTOMATED', 'Check that replica lag is under one second'],
      ['approve-failover', 'MANUAL', 'Incident commander approves the failover'],
      ['promote-standby', 'AUTOMATED', 'Promote the standby to primary'],
      ['repoint-poolers', 'AUTOMATED', 'Repoint PgBouncer to the new primary'],
      ['verify-writes', 'MANUAL', 'Verify writes succeed from the application'],
    ],
  },
  {
    name: 'Scale out the search cluster',
    service: 'search',
    description: 'Add data nodes and rebalance shards under load.',
    steps: [
      ['add-nodes', 'AUTOMATED', 'Add three data nodes'],
      ['rebalance', 'AUTOMATED', 'Rebalance shards across the new nodes'],
      ['verify-latency', 'MANUAL', 'Check search p99 latency on the dashboard'],
    ],
  },
  {
    name: 'Rotate auth signing keys',
    service: 'auth',
    description: 'Issue a new JWT signing key and retire the compromised or expiring one.',
    steps: [
      ['generate-key', 'AUTOMATED', 'Generate a new signing key in Vault'],
      ['publish-jwks', 'AUTOMATED', 'Publish the new key in the JWKS endpoint'],
      ['confirm-clients', 'MANUAL', 'Confirm clients accept tokens signed with the new key'],
      ['retire-old-key', 'AUTOMATED', 'Retire the old key'],
    ],
  },
  {
    name: 'Drain and restart payment workers',
    service: 'payments-api',
    description: 'Pause consumption, drain in-flight payments and restart the workers.',
    steps: [
      ['pause-consumers', 'MANUAL', 'Pause the payment queue consumers'],
      ['drain', 'AUTOMATED', 'Wait for in-flight payments to finish'],
      ['restart', 'AUTOMATED', 'Rolling restart of the workers'],
      ['resume', 'MANUAL', 'Resume consumers and watch the success rate'],
    ],
  },
  {
    name: 'Purge the edge cache',
    service: 'api-gateway',
    description: 'Invalidate cached responses at the edge after a bad publish.',
    steps: [
      ['identify-paths', 'MANUAL', 'Identify the affected paths'],
      ['purge', 'AUTOMATED', 'Purge the paths from the CDN'],
      ['verify-origin', 'AUTOMATED', 'Verify responses come from origin'],
    ],
  },
];

export function generatePlans(ids: IdFactory): OrchestrationPlan[] {
  return PLAN_DEFINITIONS.map((def) => {
    const id = ids.uuid();
    return {
      id,
      name: def.name,
      description: def.description,
      service: def.service,
      steps: def.steps.map(
        ([stepId, kind, name]): OrchestrationStep => ({ id: stepId, kind, name, description: null }),
      ),
      url: links.plan(id),
      fields: { project: 'ops', group: 'incident-response' },
    };
  });
}

export interface RunContext {
  rng: Rng;
  ids: IdFactory;
  anchor: number;
  plans: readonly OrchestrationPlan[];
  incidents: readonly Incident[];
  timelines: Map<string, TimelineEntry[]>;
  firstRunId: number;
}

const FINISHED_FOR_INCIDENTS = 4;

/** Runs for incidents on services that have a runbook: finished ones, and live ones for open incidents. */
export function generateRuns(ctx: RunContext): { runs: OrchestrationRun[]; nextRunId: number } {
  const { rng, anchor } = ctx;
  const planFor = (service: string | null | undefined) => ctx.plans.find((p) => p.service === service);
  const drafts: OrchestrationRun[] = [];

  // Live runs: one executing an automated step, one waiting for a human.
  // The headline incidents (see incidents.ts) come first, so every seed shows the same two stories.
  const headline = (i: Incident) => {
    const index = HEADLINE_INCIDENTS.findIndex((h) => h.service === i.service);
    return index === -1 ? HEADLINE_INCIDENTS.length : index;
  };
  const open = ctx.incidents
    .filter((i) => i.status === 'ACKNOWLEDGED' && planFor(i.service))
    .sort((a, b) => headline(a) - headline(b));
  const wanted: OrchestrationStepKind[] = ['AUTOMATED', 'MANUAL'];
  for (const incident of open.slice(0, 2)) {
    const plan = planFor(incident.service)!;
    const kind = wanted.shift()!;
    const current = plan.steps.findIndex((s, i) => i >= 1 && s.kind === kind);
    const from = Date.parse(incident.acknowledgedAt!) + rng.int(1, 4) * MINUTE;
    drafts.push(buildRun(ctx, plan, incident, from, anchor - 30 * SECOND, current === -1 ? 1 : current, 'open'));
  }

  const finished = ctx.incidents.filter(
    (i) =>
      i.status === 'RESOLVED' &&
      i.acknowledgedAt &&
      Date.parse(i.resolvedAt!) - Date.parse(i.acknowledgedAt) > 20 * MINUTE &&
      planFor(i.service),
  );
  const picked = rng.shuffle(finished).slice(0, FINISHED_FOR_INCIDENTS);
  picked.forEach((incident, index) => {
    const plan = planFor(incident.service)!;
    const from = Date.parse(incident.acknowledgedAt!) + rng.int(1, 5) * MINUTE;
    const until = Date.parse(incident.resolvedAt!) - MINUTE;
    drafts.push(buildRun(ctx, plan, incident, from, until, plan.steps.length, index === 0 ? 'failed' : 'done'));
  });

  // Game days keep runbooks honest: one drill per seed, not tied to an incident.
  const drillPlan = rng.pick(ctx.plans);
  const drillStart = anchor - rng.int(3, 12) * DAY;
  drafts.push(buildRun(ctx, drillPlan, null, drillStart, drillStart + 2 * 60 * MINUTE, drillPlan.steps.length, 'done'));

  drafts.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  let runId = ctx.firstRunId;
  for (const run of drafts) {
    run.id = String(runId);
    run.url = links.run(run.id);
    runId += rng.int(3, 40);
  }
  for (const run of drafts) if (run.incidentId) recordStart(ctx, run);
  return { runs: drafts, nextRunId: runId };
}

/**
 * Steps before `current` are done; for an open run `current` is in flight (RUNNING when
 * automated, WAITING for a human when manual). Times are squeezed into [from, until].
 */
function buildRun(
  ctx: RunContext,
  plan: OrchestrationPlan,
  incident: Incident | null,
  from: number,
  until: number,
  current: number,
  outcome: 'open' | 'done' | 'failed',
): OrchestrationRun {
  const { rng } = ctx;
  const operator = incident?.assignees[0] ?? 'gameday-bot';
  const durations = plan.steps.map((s) => (s.kind === 'AUTOMATED' ? rng.int(20, 240) : rng.int(60, 600)) * SECOND);
  const started = outcome === 'open' ? durations.slice(0, current + 1) : durations;
  const total = started.reduce((a, b) => a + b, 0);
  const scale = Math.min(1, (until - from) / total);
  const failAt = outcome === 'failed' ? rng.int(1, plan.steps.length - 1) : -1;
  let t = from;
  let finishedAt: number | null = null;
  const steps = plan.steps.map((step, index): OrchestrationRunStep => {
    const base = { id: step.id, name: step.name, kind: step.kind };
    const pending = (): OrchestrationRunStep => ({
      ...base,
      status: 'PENDING',
      rawStatus: STEP_STATUS_RAW.PENDING,
      startedAt: null,
      completedAt: null,
      actor: null,
      note: null,
    });
    if (failAt !== -1 && index > failAt) return pending();
    if (outcome === 'open' && index > current) return pending();
    const begin = t;
    t += Math.round((durations[index] ?? 0) * scale);
    const actor = step.kind === 'MANUAL' ? operator : 'rundeck';
    if (outcome === 'open' && index === current) {
      const status = step.kind === 'MANUAL' ? 'WAITING' : 'RUNNING';
      return {
        ...base,
        status,
        rawStatus: STEP_STATUS_RAW[status],
        startedAt: iso(begin),
        completedAt: null,
        actor: null,
        note: null,
      };
    }
    const failed = index === failAt;
    if (failed || index === plan.steps.length - 1) finishedAt = t;
    const status = failed ? 'FAILED' : 'SUCCEEDED';
    return {
      ...base,
      status,
      rawStatus: STEP_STATUS_RAW[status],
      startedAt: iso(begin),
      completedAt: iso(t),
      actor,
      note: failed ? 'Step failed: exit code 1, see the execution log' : null,
    };
  });
  const runStatus =
    outcome === 'failed'
      ? 'FAILED'
      : outcome === 'done'
        ? 'SUCCEEDED'
        : steps[current]?.status === 'WAITING'
          ? 'WAITING'
          : 'RUNNING';
  return {
    id: '',
    planId: plan.id,
    incidentId: incident?.id ?? null,
    status: runStatus,
    rawStatus: RUN_STATUS_RAW[runStatus],
    startedAt: iso(from),
    finishedAt: finishedAt === null ? null : iso(finishedAt),
    steps,
    url: null,
    fields: { user: operator, parameters: { service: plan.service } },
  };
}

function recordStart(ctx: RunContext, run: OrchestrationRun): void {
  const incident = ctx.incidents.find((i) => i.id === run.incidentId);
  const timeline = incident && ctx.timelines.get(incident.id);
  if (!incident || !timeline || timeline.length >= MAX_GENERATED_ENTRIES) return;
  const plan = ctx.plans.find((p) => p.id === run.planId)!;
  insertEntry(
    timeline,
    incident,
    makeEntry(ctx.ids, incident.id, {
      kind: 'OTHER',
      body: `Runbook "${plan.name}" started (execution #${run.id})`,
      actor: String(run.fields?.user ?? 'rundeck'),
      at: Date.parse(run.startedAt),
      fields: { runId: run.id, url: run.url },
    }),
  );
}
