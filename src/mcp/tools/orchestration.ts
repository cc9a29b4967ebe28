import {
  anyRecord,
  arrayOf,
  listOutput,
  positiveInteger,
  recordOutput,
  scope,
  string,
  stringRecord,
  toolInput,
} from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { describeErrors, field, isRec, READ, type Rec, run, type Tool, type ToolContext, ToolError } from '../tool.js';
import * as words from '../vocabulary.js';
import { candidateIds, collect, defined, limitOf, listAnswer, recordTool, scopeOf } from './support.js';

export const queryOrchestrationPlans: Tool = {
  name: 'query-orchestration-plans',
  title: 'Query Orchestration Plans',
  description: 'Search runbooks, playbooks and checklists by free text and scope, with their steps.',
  inputSchema: toolInput({
    query: string(),
    scope: scope(),
    tags: stringRecord(),
    limit: positiveInteger(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('plans'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({ query: args.query, scope: scopeOf(args.scope) });
    const found = await collect(
      ctx,
      'query-orchestration-plans',
      { filter },
      ['orchestrationPlans'],
      limitOf(args.limit),
      shape.plan,
    );
    return { structured: listAnswer('plans', found, 'query or scope, or a smaller limit') };
  },
};

export const getOrchestrationPlan = recordTool({
  name: 'get-orchestration-plan',
  title: 'Get Orchestration Plan',
  description: 'Read one runbook by its ID, with its steps (manual or automated).',
  kind: 'OrchestrationPlan',
  root: 'orchestrationPlan',
  key: 'plan',
  shape: shape.plan,
});

async function oneId(
  ctx: ToolContext,
  kind: 'Incident' | 'OrchestrationPlan',
  id: unknown,
): Promise<string | undefined> {
  if (id === undefined || id === '') return undefined;
  const [global] = await candidateIds(ctx, kind, id);
  if (!global) throw new ToolError(`no provider serves ${kind === 'Incident' ? 'incidents' : 'runbooks'}`);
  return global;
}

export const queryOrchestrationRuns: Tool = {
  name: 'query-orchestration-runs',
  title: 'Query Orchestration Runs',
  description: 'Runbook runs, newest first, by statuses (running, waiting, succeeded, ...), plan, incident and scope.',
  inputSchema: toolInput({
    statuses: arrayOf(string()),
    planId: string(),
    incidentId: string(),
    scope: scope(),
    limit: positiveInteger(),
  }),
  outputSchema: listOutput('runs'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({
      statuses: words.runStatuses(args.statuses),
      planId: await oneId(ctx, 'OrchestrationPlan', args.planId),
      incidentId: await oneId(ctx, 'Incident', args.incidentId),
      scope: scopeOf(args.scope),
    });
    const found = await collect(
      ctx,
      'query-orchestration-runs',
      { filter },
      ['orchestrationRuns'],
      limitOf(args.limit),
      shape.run,
      words.statusWords.run(args.statuses),
    );
    return { structured: listAnswer('runs', found, 'statuses, planId, incidentId or scope, or a smaller limit') };
  },
};

export const getOrchestrationRun = recordTool({
  name: 'get-orchestration-run',
  title: 'Get Orchestration Run',
  description: 'Read one runbook run by its ID: status and every step with who completed it.',
  kind: 'OrchestrationRun',
  root: 'orchestrationRun',
  key: 'run',
  shape: shape.run,
});

function runPayload(data: Rec, root: string, errors: Rec[]): Rec {
  const payload = data[root];
  const userErrors = field(payload, 'userErrors');
  if (Array.isArray(userErrors) && userErrors.length > 0) {
    throw new ToolError(userErrors.map((e) => String(field(e, 'message'))).join('; '));
  }
  const run = field(payload, 'run');
  if (!isRec(run)) throw new ToolError(describeErrors(errors, 'the write failed'));
  return { run: shape.run(run) };
}

export const startOrchestrationRun: Tool = {
  name: 'start-orchestration-run',
  title: 'Start Orchestration Run',
  description: 'Start a runbook, optionally for an incident, with parameters the plan takes.',
  inputSchema: toolInput({ planId: string(), incidentId: string(), parameters: anyRecord() }, ['planId']),
  outputSchema: recordOutput('run'),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: true,
  async run(args, ctx) {
    const input = defined({
      planId: await oneId(ctx, 'OrchestrationPlan', args.planId),
      incidentId: await oneId(ctx, 'Incident', args.incidentId),
      parameters: isRec(args.parameters) ? args.parameters : undefined,
    });
    if (!input.planId) throw new ToolError('planId is required');
    const { data, errors } = await run(ctx, 'start-orchestration-run', { input });
    return { structured: runPayload(data, 'orchestrationRunStart', errors) };
  },
};

export const completeOrchestrationStep: Tool = {
  name: 'complete-orchestration-step',
  title: 'Complete Orchestration Step',
  description: 'Mark a manual step of a runbook run done (outcome succeeded, failed or skipped), with a note.',
  inputSchema: toolInput({ runId: string(), stepId: string(), outcome: string(), note: string() }, ['runId', 'stepId']),
  outputSchema: recordOutput('run'),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  writes: true,
  async run(args, ctx) {
    const [runId] = await candidateIds(ctx, 'OrchestrationRun', args.runId);
    if (!runId) throw new ToolError('no provider serves runbooks');
    if (typeof args.stepId !== 'string' || args.stepId === '') throw new ToolError('stepId is required');
    const input = defined({
      runId,
      stepId: args.stepId,
      outcome: words.stepOutcome(args.outcome),
      note: typeof args.note === 'string' && args.note !== '' ? args.note : undefined,
    });
    const { data, errors } = await run(ctx, 'complete-orchestration-step', { input });
    return { structured: runPayload(data, 'orchestrationRunStepComplete', errors) };
  },
};
