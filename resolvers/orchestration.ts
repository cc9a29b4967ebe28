import type { OrchestrationPlanNode, OrchestrationRunNode } from '../src/data/models.js';
import type { OrchestrationRunFilter, Resolvers } from '../src/generated/graphql.js';
import { pageRequest, toConnection } from '../src/graphql/connection.js';
import { expectGlobalId } from '../src/graphql/ids.js';
import { serviceOf } from './joins.js';
import {
  compact,
  decodeInputId,
  isUserError,
  mutationFailure,
  orNull,
  recordFields,
  requireText,
  toScope,
} from './shared.js';

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
      const provider = ctx.registry.listOwner('orchestration');
      const query = { ...compact(filter), scope: toScope(filter?.scope) };
      return toConnection(await ctx.loaders.plans({ ...query, ...pageRequest({ first, after }, provider) }), { after });
    },
    orchestrationPlan(_, { id }, ctx) {
      const global = expectGlobalId(id, 'OrchestrationPlan');
      return ctx.loaders.plan(global.provider, global.nativeId);
    },
    async orchestrationRuns(_, { filter, first, after }, ctx) {
      const provider = ctx.registry.listOwner('orchestration');
      return toConnection(await ctx.loaders.runs({ ...runQuery(filter), ...pageRequest({ first, after }, provider) }), {
        after,
      });
    },
    orchestrationRun(_, { id }, ctx) {
      const global = expectGlobalId(id, 'OrchestrationRun');
      return ctx.loaders.run(global.provider, global.nativeId);
    },
  },
  OrchestrationPlan: {
    ...recordFields<OrchestrationPlanNode>('OrchestrationPlan', 'orchestration'),
    service: (parent, _, ctx) => serviceOf(ctx, parent),
    async runs(parent, { first, after }, ctx) {
      const provider = ctx.registry.listOwner('orchestration');
      const page = await ctx.loaders.runs({ planId: parent.id, ...pageRequest({ first, after }, provider) });
      return toConnection(page, { after });
    },
  },
  OrchestrationRun: {
    ...recordFields<OrchestrationRunNode>('OrchestrationRun', 'orchestration'),
    plan: (parent, _, ctx) => orNull(ctx.loaders.plan(parent.provider, parent.planId)),
    incident(parent, _, ctx) {
      if (!parent.incidentId) return null;
      return orNull(ctx.loaders.incident(ctx.registry.primary('incident').provider, parent.incidentId));
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
        const { impl } = ctx.registry.serving('orchestration', plan.provider);
        const run = await impl.startRun(
          {
            planId: plan.nativeId,
            ...(incidentId ? { incidentId } : {}),
            ...(input.parameters ? { parameters: input.parameters as Record<string, unknown> } : {}),
          },
          { requestId: ctx.requestId },
        );
        return { run: { ...run, provider: plan.provider }, userErrors: [] };
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
        const { impl } = ctx.registry.serving('orchestration', run.provider);
        const updated = await impl.completeStep(
          { runId: run.nativeId, stepId: input.stepId, outcome, ...(input.note ? { note: input.note } : {}) },
          { requestId: ctx.requestId },
        );
        return { run: { ...updated, provider: run.provider }, userErrors: [] };
      } catch (err) {
        return { run: null, userErrors: [mutationFailure(err, ['input', 'stepId'])] };
      }
    },
  },
};
