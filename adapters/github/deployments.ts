/**
 * The deployment capability. A repository's deployments come from the Deployments API, each with
 * its latest status (`/deployments/{id}/statuses?per_page=1`: the REST API has no batch for
 * statuses, so those reads fan out, four at a time). A repository that has no deployments at all —
 * many only run Actions workflows — answers with its workflow runs instead (`deploymentSource`).
 */
import {
  AdapterError,
  type CallContext,
  type Deployment,
  type DeploymentCapability,
  type DeploymentQuery,
  type DeploymentStatus,
  notFound,
  type Page,
  settleEach,
} from '../contract/index.js';
import { fanOut, pageCounter } from '../http/index.js';
import type { GhDeployment, GhDeploymentStatus, GhWorkflowRun } from './api.js';
import type { GitHubClient } from './client.js';
import { hasNextLink, isAfter, type Position, positionOf } from './position.js';
import { malformed, type RepoRef } from './tickets.js';

const FAN_OUT = 4;
const RUN_PREFIX = 'run-';
/** How long "this repository has no deployments" holds before it is asked again. */
const SOURCE_TTL_MS = 5 * 60_000;

const DEPLOYMENT_STATES: Record<string, DeploymentStatus> = {
  pending: 'PENDING',
  queued: 'PENDING',
  in_progress: 'IN_PROGRESS',
  success: 'SUCCEEDED',
  failure: 'FAILED',
  error: 'FAILED',
  inactive: 'SUCCEEDED',
};

const RUN_CONCLUSIONS: Record<string, DeploymentStatus> = {
  success: 'SUCCEEDED',
  failure: 'FAILED',
  timed_out: 'FAILED',
  startup_failure: 'FAILED',
  action_required: 'PENDING',
  cancelled: 'CANCELLED',
  skipped: 'CANCELLED',
  neutral: 'SUCCEEDED',
  stale: 'UNKNOWN',
};

/** What the Actions API can filter runs by for each status; null when a status cannot be pushed. */
const RUN_STATUS_FILTER: Partial<Record<DeploymentStatus, string>> = {
  PENDING: 'queued',
  IN_PROGRESS: 'in_progress',
  SUCCEEDED: 'success',
  FAILED: 'failure',
  CANCELLED: 'cancelled',
};

function toDeployment(d: GhDeployment, status: GhDeploymentStatus | undefined, ref: RepoRef): Deployment {
  const state = status?.state ?? 'pending';
  const terminal = ['success', 'failure', 'error', 'inactive'].includes(state);
  return {
    id: String(d.id),
    url:
      status?.log_url ||
      status?.target_url ||
      `${ref.web}/${ref.owner}/${ref.repo}/deployments/${encodeURIComponent(d.environment)}`,
    service: ref.service,
    version: d.ref,
    environment: d.environment,
    status: DEPLOYMENT_STATES[state] ?? 'UNKNOWN',
    rawStatus: state,
    startedAt: new Date(d.created_at).toISOString(),
    finishedAt: terminal && status ? new Date(status.created_at).toISOString() : null,
    commit: d.sha,
    author: d.creator?.login ?? null,
    description: status?.description || d.description || null,
    fields: {
      source: 'deployments',
      ref: d.ref,
      task: d.task ?? null,
      environmentUrl: status?.environment_url ?? null,
      production: d.production_environment ?? null,
    },
  };
}

function toRunDeployment(run: GhWorkflowRun, ref: RepoRef): Deployment {
  const status: DeploymentStatus =
    run.status === 'completed'
      ? (RUN_CONCLUSIONS[run.conclusion ?? ''] ?? 'UNKNOWN')
      : run.status === 'in_progress'
        ? 'IN_PROGRESS'
        : run.status === 'queued' || run.status === 'waiting' || run.status === 'pending' || run.status === 'requested'
          ? 'PENDING'
          : 'UNKNOWN';
  return {
    id: `${RUN_PREFIX}${run.id}`,
    url: run.html_url,
    service: ref.service,
    version: run.head_sha.slice(0, 7),
    environment: environmentOf(run),
    status,
    rawStatus: run.status === 'completed' ? (run.conclusion ?? 'completed') : (run.status ?? null),
    startedAt: new Date(run.run_started_at ?? run.created_at).toISOString(),
    finishedAt: run.status === 'completed' && run.updated_at ? new Date(run.updated_at).toISOString() : null,
    commit: run.head_sha,
    author: run.actor?.login ?? null,
    description: run.display_title ?? run.head_commit?.message ?? run.name ?? null,
    fields: {
      source: 'actions',
      workflow: run.name ?? null,
      branch: run.head_branch ?? null,
      event: run.event ?? null,
      runNumber: run.run_number ?? null,
    },
  };
}

/** OpsOrch's rule: an environment word in the workflow name, else the branch (`main` is production). */
function environmentOf(run: GhWorkflowRun): string {
  for (const text of [run.name ?? '', run.head_branch ?? '']) {
    const match = /\b(prod(?:uction)?|staging|stage|dev(?:elopment)?|test(?:ing)?)\b/i.exec(text);
    if (match) return (match[1] as string).toLowerCase();
  }
  return ['main', 'master'].includes(run.head_branch ?? '') ? 'production' : 'development';
}

export function deploymentCapability(
  http: GitHubClient,
  ref: RepoRef,
  pageSize: number,
  source: 'auto' | 'deployments' | 'actions',
  /** Pages one listing reads to find where a client left off (the Deployments API has no time filter). */
  maxPages: number,
): DeploymentCapability {
  const repoPath = { owner: ref.owner, repo: ref.repo };
  let known: { useRuns: boolean; until: number } | undefined;

  async function readsRuns(signal?: AbortSignal): Promise<boolean> {
    if (source !== 'auto') return source === 'actions';
    if (known && known.until > Date.now()) return known.useRuns;
    const res = await http.request<GhDeployment[]>(
      'GET /repos/{owner}/{repo}/deployments',
      { ...repoPath, per_page: 1 },
      signal,
    );
    if (!Array.isArray(res.data)) throw malformed('the deployment list');
    known = { useRuns: res.data.length === 0, until: Date.now() + SOURCE_TTL_MS };
    return known.useRuns;
  }

  async function latestStatuses(
    deployments: GhDeployment[],
    signal?: AbortSignal,
  ): Promise<(GhDeploymentStatus | undefined)[]> {
    const statuses = await fanOut(deployments, FAN_OUT, async (d) => {
      const res = await http.request<GhDeploymentStatus[]>(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { ...repoPath, deployment_id: d.id, per_page: 1 },
        signal,
      );
      return Array.isArray(res.data) ? res.data[0] : undefined;
    });
    return statuses.map((s) => {
      if (s instanceof Error) throw s;
      return s;
    });
  }

  const inWindow = (q: DeploymentQuery, d: Deployment) =>
    (!q.startedWithin ||
      (d.startedAt >= new Date(q.startedWithin.start).toISOString() &&
        d.startedAt <= new Date(q.startedWithin.end).toISOString())) &&
    (!q.statuses?.length || q.statuses.includes(d.status)) &&
    (!q.query ||
      [d.description, d.version, d.environment, d.commit, d.author].some((v) =>
        v?.toLowerCase().includes((q.query as string).toLowerCase()),
      ));

  async function viaDeployments(
    q: DeploymentQuery,
    after: Position | undefined,
    signal?: AbortSignal,
  ): Promise<Page<Deployment>> {
    const nodes: Deployment[] = [];
    const start = q.startedWithin ? Date.parse(q.startedWithin.start) : Number.NEGATIVE_INFINITY;
    const nextPage = pageCounter('GitHub', 'deployments', maxPages);
    for (let page = 1; ; page++) {
      nextPage();
      const res = await http.request<GhDeployment[]>(
        'GET /repos/{owner}/{repo}/deployments',
        {
          ...repoPath,
          per_page: pageSize,
          page,
          ...(q.scope?.environment ? { environment: q.scope.environment } : {}),
        },
        signal,
      );
      if (!Array.isArray(res.data)) throw malformed('the deployment list');
      const candidates = res.data.filter(
        (d) => !after || isAfter({ createdAt: new Date(d.created_at).toISOString(), id: String(d.id) }, after),
      );
      const statuses = await latestStatuses(candidates, signal);
      for (const [i, d] of candidates.entries()) {
        const deployment = toDeployment(d, statuses[i], ref);
        if (!inWindow(q, deployment)) continue;
        if (nodes.length === q.first) return { nodes, hasNextPage: true, totalCount: null };
        nodes.push(deployment);
      }
      // Newest first: once a page reaches before the window, nothing later can be in it.
      const oldest = res.data.at(-1);
      if (!hasNextLink(res.headers.link) || (oldest && Date.parse(oldest.created_at) < start)) {
        return { nodes, hasNextPage: false, totalCount: null };
      }
    }
  }

  async function viaRuns(
    q: DeploymentQuery,
    after: Position | undefined,
    signal?: AbortSignal,
  ): Promise<Page<Deployment>> {
    const statuses = q.statuses?.length ? q.statuses.map((s) => RUN_STATUS_FILTER[s]) : [];
    const status = statuses.length === 1 ? statuses[0] : undefined;
    const from = q.startedWithin ? new Date(q.startedWithin.start).toISOString() : '*';
    const to = after
      ? new Date(after.key).toISOString()
      : q.startedWithin
        ? new Date(q.startedWithin.end).toISOString()
        : '*';
    const created = from === '*' && to === '*' ? undefined : `${from}..${to}`;
    const nodes: Deployment[] = [];
    const nextPage = pageCounter('GitHub', 'workflow runs', maxPages);
    for (let page = 1; ; page++) {
      nextPage();
      const res = await http.request<{ total_count: number; workflow_runs: GhWorkflowRun[] }>(
        'GET /repos/{owner}/{repo}/actions/runs',
        { ...repoPath, per_page: pageSize, page, ...(status ? { status } : {}), ...(created ? { created } : {}) },
        signal,
      );
      if (!Array.isArray(res.data?.workflow_runs)) throw malformed('the workflow run list');
      for (const run of res.data.workflow_runs) {
        const deployment = toRunDeployment(run, ref);
        if (after && !isAfter({ createdAt: deployment.startedAt, id: deployment.id }, after)) continue;
        if (q.scope?.environment && deployment.environment !== q.scope.environment.toLowerCase()) continue;
        if (!inWindow(q, deployment)) continue;
        if (nodes.length === q.first) return { nodes, hasNextPage: true, totalCount: null };
        nodes.push(deployment);
      }
      if (!hasNextLink(res.headers.link)) return { nodes, hasNextPage: false, totalCount: null };
    }
  }

  return {
    async query(queries, ctx) {
      return settleEach(queries, async (q) => {
        if (q.scope?.service && q.scope.service.toLowerCase() !== ref.service.toLowerCase()) {
          return { nodes: [], hasNextPage: false, totalCount: 0 };
        }
        const after = positionOf(q.after);
        return (await readsRuns(ctx.signal)) ? viaRuns(q, after, ctx.signal) : viaDeployments(q, after, ctx.signal);
      });
    },

    async getMany(ids, ctx: CallContext) {
      return fanOut(ids, FAN_OUT, async (id) => {
        if (id.startsWith(RUN_PREFIX) && /^\d{1,20}$/.test(id.slice(RUN_PREFIX.length))) {
          const res = await http.request<GhWorkflowRun>(
            'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
            { ...repoPath, run_id: Number(id.slice(RUN_PREFIX.length)) },
            ctx.signal,
          );
          return toRunDeployment(res.data, ref);
        }
        if (!/^\d{1,20}$/.test(id)) throw notFound('GitHub deployment', id);
        const res = await http.request<GhDeployment>(
          'GET /repos/{owner}/{repo}/deployments/{deployment_id}',
          { ...repoPath, deployment_id: Number(id) },
          ctx.signal,
        );
        if (!res.data?.created_at)
          throw new AdapterError('PROVIDER_ERROR', 'GitHub answered a deployment without created_at');
        const [status] = await latestStatuses([res.data], ctx.signal);
        return toDeployment(res.data, status, ref);
      });
    },
  };
}
