/** Runbook plans and runs: reads, and starting runs and completing steps through their provider. */
import type * as m from '../../../adapters/contract/index.js';
import { allowed, type CountedPage, countList, RUN_STATUSES, withCounts } from '../aggregates/counts.js';
import type { RequestData } from '../floor.js';
import type { ListFetch, ListQuery, StampedPage } from '../loaders.js';
import type { OrchestrationPlanNode, OrchestrationRunNode } from '../models.js';

const RUNS: ListFetch<'orchestration', m.OrchestrationRunQuery, m.OrchestrationRun> = (impl, qs, ctx) =>
  impl.queryRuns(qs, ctx);

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

  /** A page of runs; `counts()` counts every run the filter matches. */
  async runs(
    query: ListQuery<m.OrchestrationRunQuery>,
  ): Promise<CountedPage<m.OrchestrationRun, m.OrchestrationRunStatus>> {
    const page = await this.data.loaders.page('orchestration', 'queryRuns', query, RUNS);
    const { first: _first, after: _after, ...filter } = query;
    return withCounts(page, () =>
      countList(
        this.data.loaders.listSource('orchestration', 'queryRuns', filter, RUNS),
        allowed(RUN_STATUSES, query.statuses),
        null,
        this.data.floor.maxAggregateRecords,
      ),
    );
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
