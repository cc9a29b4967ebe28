/** Runbook plans and runs: reads, and starting runs and completing steps through their provider. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { ListQuery, StampedPage } from '../loaders.js';
import type { OrchestrationPlanNode, OrchestrationRunNode } from '../models.js';

export class OrchestrationData {
  constructor(private readonly data: RequestData) {}

  plan(provider: string, id: string): Promise<OrchestrationPlanNode> {
    return this.data.loaders.byId<m.OrchestrationPlan>('orchestration', provider, 'getPlans', id);
  }

  run(provider: string, id: string): Promise<OrchestrationRunNode> {
    return this.data.loaders.byId<m.OrchestrationRun>('orchestration', provider, 'getRuns', id);
  }

  plans(query: ListQuery<m.OrchestrationPlanQuery>): Promise<StampedPage<m.OrchestrationPlan>> {
    return this.data.loaders.page('orchestration', 'queryPlans', query, (impl, qs, ctx) => impl.queryPlans(qs, ctx));
  }

  runs(query: ListQuery<m.OrchestrationRunQuery>): Promise<StampedPage<m.OrchestrationRun>> {
    return this.data.loaders.page('orchestration', 'queryRuns', query, (impl, qs, ctx) => impl.queryRuns(qs, ctx));
  }

  /** Starts a run of a plan, through the provider that owns the plan. */
  async startRun(provider: string, input: m.OrchestrationRunStart): Promise<OrchestrationRunNode> {
    const run = await this.data.write('orchestration', provider, 'startRun', (impl, ctx) => impl.startRun(input, ctx), [
      input.planId,
    ]);
    return this.remember({ ...run, provider });
  }

  async completeStep(provider: string, input: m.OrchestrationStepComplete): Promise<OrchestrationRunNode> {
    const run = await this.data.write(
      'orchestration',
      provider,
      'completeStep',
      (impl, ctx) => impl.completeStep(input, ctx),
      [input.runId, input.stepId],
    );
    return this.remember({ ...run, provider });
  }

  private remember(run: OrchestrationRunNode): OrchestrationRunNode {
    this.data.loaders.remember(
      { capability: 'orchestration', provider: run.provider, operation: 'getRuns' },
      run.id,
      run,
    );
    return run;
  }
}
