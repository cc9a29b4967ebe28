import { LIST_ORDERS } from '../adapters/contract/index.js';
import type { OrchestrationPlanNode, OrchestrationRunNode } from '../src/data/models.js';
import { orNull } from '../src/data/or-null.js';
import type { OrchestrationRunFilter, Resolvers } from '../src/generated/graphql.js';
import { connection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { compact, toScope } from './arguments.js';
import { serviceOf } from './joins.js';
import { recordFields } from './records.js';
import { decodeInputId, isUserError, mutationFailure, requireText } from './user-errors.js';

function runQuery(filter: OrchestrationRunFilter | null | undefined) {
  const { planId, incidentId, scope, ...rest } = compact(filter);
  return {
    ...rest,
    scope: toScope(scope),
    ...(planId ? { planId: expectGlobalId(planId, 'OrchestrationPlan', 'filter.planId').nativeId } : {}),
    ...(incidentId ? { incidentId: expectGlobalId(incidentId, 'Incident', 'filter.incidentId').nativeId } : {}),
  };
}

export const orchestrationResolvers: Resolvers = {
  Query: {
    async orchestrationPlans(_, { filter, first, after }, ctx) {
      const query = { ...compact(filter), scope: toScope(filter?.scope) };
      return connection({ first, after }, LIST_ORDERS.plans, (page) =>
        ctx.data.orchestration.plans({ ...query, ...page }),
      );
    },
    orchestrationPlan(_, { id }, ctx) {
      const global = expectGlobalId(id, 'OrchestrationPlan');
      return ctx.data.orchestration.plan(global.provider, global.nativeId);
    },
    async orchestrationRuns(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.runs, (page) =>
        ctx.data.orchestration.runs({ ...runQuery(filter), ...page }),
      );
    },
    orchestrationRun(_, { id }, ctx) {
      const global = expectGlobalId(id, 'OrchestrationRun');
      return ctx.data.orchestration.run(global.provider, global.nativeId);
    },
  },
  OrchestrationPlan: {
    ...recordFields<OrchestrationPlanNode>('OrchestrationPlan', 'orchestration'),
    service: (parent, _, ctx) => serviceOf(ctx, parent),
    async runs(parent, { first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.runs, (page) =>
        ctx.data.orchestration.runs({ planId: parent.id, ...page }),
      );
    },
  },
  OrchestrationRun: {
    ...recordFields<OrchestrationRunNode>('OrchestrationRun', 'orchestration'),
    plan: (parent, _, ctx) => orNull(ctx.data.orchestration.plan(parent.provider, parent.planId)),
    async incident(parent, _, ctx) {
      if (!parent.incidentId) return null;
      const [incident] = await ctx.data.incidents.linked(parent.provider, [parent.incidentId]);
      return incident ?? null;
    },
  },
  Mutation: {
    async orchestrationRunStart(_, { input }, ctx) {
      const plan = decodeInputId(input.planId, 'OrchestrationPlan', ['input', 'planId']);
      if (isUserError(plan)) return { run: null, userErrors: [plan] };
      let incidentId: string | undefined;
      if (input.incidentId) {
        const incident = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
        if (isUserError(incident)) return { run: null, userErrors: [incident] };
        incidentId = incident.nativeId;
      }
      try {
        const run = await ctx.data.orchestration.startRun(plan.provider, {
          planId: plan.nativeId,
          ...(incidentId ? { incidentId } : {}),
          ...(input.parameters ? { parameters: input.parameters as Record<string, unknown> } : {}),
        });
        return { run, userErrors: [] };
      } catch (err) {
        return { run: null, userErrors: [mutationFailure(err, ['input', 'planId'])] };
      }
    },
    async orchestrationRunStepComplete(_, { input }, ctx) {
      const run = decodeInputId(input.runId, 'OrchestrationRun', ['input', 'runId']);
      if (isUserError(run)) return { run: null, userErrors: [run] };
      const blank = requireText(input.stepId, ['input', 'stepId'], 200);
      if (blank) return { run: null, userErrors: [blank] };
      const outcome = input.outcome ?? 'SUCCEEDED';
      if (outcome !== 'SUCCEEDED' && outcome !== 'FAILED' && outcome !== 'SKIPPED') {
        return {
          run: null,
          userErrors: [
            {
              code: 'INVALID' as const,
              message: 'outcome must be SUCCEEDED, FAILED or SKIPPED',
              field: ['input', 'outcome'],
            },
          ],
        };
      }
      try {
        const updated = await ctx.data.orchestration.completeStep(run.provider, {
          runId: run.nativeId,
          stepId: input.stepId,
          outcome,
          ...(input.note ? { note: input.note } : {}),
        });
        return { run: updated, userErrors: [] };
      } catch (err) {
        return { run: null, userErrors: [mutationFailure(err, ['input', 'stepId'])] };
      }
    },
  },
};
