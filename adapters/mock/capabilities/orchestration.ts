import {
  LIST_ORDERS,
  matchesText,
  notFound,
  type OrchestrationCapability,
  type OrchestrationPlan,
  type OrchestrationRun,
  oneOf,
  settleEach,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { forCall } from '../ops/context.js';
import { completeStep, startRun } from '../ops/orchestration.js';
import { page } from '../paging.js';
import { inScope } from '../scope.js';

export function orchestrationCapability(ctx: OpsContext): OrchestrationCapability {
  const { world } = ctx;
  const planById = () => new Map(world.plans.map((p) => [p.id, p]));
  return {
    queryPlans: (queries) =>
      settleEach(queries, (query) => {
        const found: OrchestrationPlan[] = world.plans.filter(
          (p) => inScope(world, p, query.scope) && matchesText(query.query, p.name, p.description, p.service),
        );
        return page(found, query, LIST_ORDERS.plans);
      }),
    getPlans: async (ids) => {
      const plans = planById();
      return ids.map((id) => {
        const plan = plans.get(id);
        return plan ? copy(plan) : notFound('orchestration plan', id);
      });
    },
    queryRuns: (queries) =>
      settleEach(queries, (query) => {
        const plans = planById();
        const found: OrchestrationRun[] = world.runs.filter(
          (r) =>
            inScope(world, { service: plans.get(r.planId)?.service }, query.scope) &&
            oneOf(r.status, query.statuses) &&
            (query.planId === undefined || r.planId === query.planId) &&
            (query.incidentId === undefined || r.incidentId === query.incidentId),
        );
        return page(found, query, LIST_ORDERS.runs);
      }),
    getRuns: async (ids) => {
      const runs = new Map(world.runs.map((r) => [r.id, r]));
      return ids.map((id) => {
        const run = runs.get(id);
        return run ? copy(run) : notFound('orchestration run', id);
      });
    },
    startRun: async (input, call) => copy(startRun(forCall(ctx, call), input)),
    completeStep: async (input, call) => copy(completeStep(forCall(ctx, call), input)),
  };
}
