import {
  badInput,
  notFound,
  type OrchestrationRun,
  type OrchestrationRunStart,
  type OrchestrationRunStep,
  type OrchestrationStepComplete,
} from '../../contract/index.js';
import { links } from '../world/links.js';
import { iso } from '../world/time.js';
import { RUN_STATUS_RAW, STEP_STATUS_RAW } from '../world/vocab.js';
import { checkRoom, WORLD_BOUNDS } from './bounds.js';
import { actorOf, GATEWAY_ACTOR, type OpsContext } from './context.js';
import { appendEntry, findIncident } from './incidents.js';

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const OUTCOMES = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED']);

export function findPlan(ctx: OpsContext, id: string) {
  const plan = ctx.world.plans.find((p) => p.id === id);
  if (!plan) throw notFound('orchestration plan', id);
  return plan;
}

/** Automated steps start running on their own; manual ones wait for a person. */
function begin(run: OrchestrationRun, step: OrchestrationRunStep, at: string): void {
  step.status = step.kind === 'MANUAL' ? 'WAITING' : 'RUNNING';
  step.rawStatus = STEP_STATUS_RAW[step.status];
  step.startedAt = at;
  run.status = step.status;
  run.rawStatus = RUN_STATUS_RAW[run.status];
}

function finish(ctx: OpsContext, run: OrchestrationRun, status: 'SUCCEEDED' | 'FAILED', at: string): void {
  run.status = status;
  run.rawStatus = RUN_STATUS_RAW[status];
  run.finishedAt = at;
  const incident = run.incidentId ? ctx.world.incidents.find((i) => i.id === run.incidentId) : undefined;
  if (incident) {
    const plan = ctx.world.plans.find((p) => p.id === run.planId);
    appendEntry(ctx, incident, {
      kind: 'OTHER',
      body: `Runbook "${plan?.name ?? run.planId}" ${status === 'SUCCEEDED' ? 'succeeded' : 'failed'} (execution #${run.id})`,
      actor: 'rundeck',
      fields: { runId: run.id, url: run.url },
    });
  }
}

export function startRun(ctx: OpsContext, input: OrchestrationRunStart): OrchestrationRun {
  const { world } = ctx;
  checkRoom('run', world.runs.length, WORLD_BOUNDS.runs);
  const plan = findPlan(ctx, input.planId);
  const incident = input.incidentId ? findIncident(ctx, input.incidentId) : undefined;
  const id = String(world.sequences.runId++);
  const now = iso(world.clock.now());
  const run: OrchestrationRun = {
    id,
    planId: plan.id,
    incidentId: incident?.id ?? null,
    status: 'PENDING',
    rawStatus: RUN_STATUS_RAW.PENDING,
    startedAt: now,
    finishedAt: null,
    steps: plan.steps.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      status: 'PENDING',
      rawStatus: STEP_STATUS_RAW.PENDING,
      startedAt: null,
      completedAt: null,
      actor: null,
      note: null,
    })),
    url: links.run(id),
    fields: { user: actorOf(ctx), parameters: { service: plan.service, ...input.parameters } },
  };
  const first = run.steps[0];
  if (first) begin(run, first, now);
  world.runs.push(run);
  if (incident) {
    appendEntry(ctx, incident, {
      kind: 'OTHER',
      body: `Runbook "${plan.name}" started (execution #${id})`,
      actor: actorOf(ctx),
      fields: { runId: id, url: run.url },
    });
  }
  if (!first) finish(ctx, run, 'SUCCEEDED', now);
  return run;
}

export function completeStep(ctx: OpsContext, input: OrchestrationStepComplete): OrchestrationRun {
  const run = ctx.world.runs.find((r) => r.id === input.runId);
  if (!run) throw notFound('orchestration run', input.runId);
  if (FINISHED.has(run.status)) throw badInput(`run ${run.id} already finished (${run.status})`);
  if (!OUTCOMES.has(input.outcome)) throw badInput('outcome must be SUCCEEDED, FAILED or SKIPPED');
  const index = run.steps.findIndex((s) => s.id === input.stepId);
  const step = run.steps[index];
  if (!step) throw badInput(`run ${run.id} has no step ${JSON.stringify(input.stepId)}`);
  if (step.status !== 'RUNNING' && step.status !== 'WAITING') {
    const current = run.steps.find((s) => s.status === 'RUNNING' || s.status === 'WAITING');
    throw badInput(
      step.status === 'PENDING' && current
        ? `step ${JSON.stringify(step.id)} has not started; complete ${JSON.stringify(current.id)} first`
        : `step ${JSON.stringify(step.id)} is already ${step.status}`,
    );
  }
  const now = iso(ctx.world.clock.now());
  step.status = input.outcome;
  step.rawStatus = STEP_STATUS_RAW[input.outcome];
  step.completedAt = now;
  step.actor = ctx.actor ?? (input.actor?.trim() || GATEWAY_ACTOR);
  step.note = input.note ?? null;
  const next = run.steps[index + 1];
  if (input.outcome === 'FAILED') finish(ctx, run, 'FAILED', now);
  else if (next) begin(run, next, now);
  else finish(ctx, run, 'SUCCEEDED', now);
  return run;
}
