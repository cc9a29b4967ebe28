/**
 * Per-request DataLoaders: every provider read of a request goes through here, so all the reads
 * of one graph level become one batched call per (provider, operation), and the same record or
 * query asked twice in a request is fetched once.
 */
import DataLoader from 'dataloader';
import type * as m from '../../adapters/contract/index.js';
import type { CallContext, Capability, Result } from '../../adapters/contract/index.js';
import { providerError } from '../graphql/errors.js';
import { recordProviderCall, recordSharedReads } from '../http/metrics.js';
import { checkHealth, type ProviderHealth } from '../providers/health.js';
import { type AdapterRegistry, MERGED, type ProviderInstance } from '../providers/registry.js';
import { decodePositions, mergePages, orderOf } from './merge.js';
import type {
  AlertNode,
  DeploymentNode,
  IncidentNode,
  LogResultNode,
  MetricDescriptorNode,
  MetricSeriesNode,
  OrchestrationPlanNode,
  OrchestrationRunNode,
  ServiceNode,
  TeamMemberNode,
  TeamNode,
  TicketNode,
  TimelineEntryNode,
} from './models.js';
import { type BatchRead, InFlightReads } from './single-flight.js';
import { stableStringify } from './stable-json.js';

export interface LoaderOptions {
  /** Off only to measure what batching saves (`OPSORCH_DATALOADER=off`); also turns single-flight off. */
  batch: boolean;
  /** Share identical in-flight reads across requests (default on); off only to measure it. */
  singleFlight?: boolean;
}

/** One in-flight table per registry, so gateways sharing a process never share adapter calls. */
const inFlightByRegistry = new WeakMap<AdapterRegistry, InFlightReads>();

function inFlightFor(registry: AdapterRegistry): InFlightReads {
  let reads = inFlightByRegistry.get(registry);
  if (!reads) {
    reads = new InFlightReads();
    inFlightByRegistry.set(registry, reads);
  }
  return reads;
}

type Stamped<T> = T & { provider: string };
export type StampedPage<T> = {
  provider: string;
  edges: { cursor: string; node: Stamped<T> }[];
  hasNextPage: boolean;
  totalCount: number | null;
};

/** Services are looked up by name across providers: a few hundred per call is plenty. */
const NAMES_PER_CALL = 100;

export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  private readonly healthChecks = new Map<string, Promise<ProviderHealth>>();

  constructor(
    private readonly registry: AdapterRegistry,
    private readonly call: CallContext,
    private readonly options: LoaderOptions = { batch: true },
  ) {}

  // --- by ID ----------------------------------------------------------------------------------

  incident(provider: string, id: string): Promise<IncidentNode> {
    return this.byId('incident', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  alert(provider: string, id: string): Promise<AlertNode> {
    return this.byId('alert', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  ticket(provider: string, id: string): Promise<TicketNode> {
    return this.byId('ticket', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  service(provider: string, id: string): Promise<ServiceNode> {
    return this.byId('service', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  team(provider: string, id: string): Promise<TeamNode> {
    return this.byId('team', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  deployment(provider: string, id: string): Promise<DeploymentNode> {
    return this.byId('deployment', provider, 'getMany', id, (impl, ids, ctx) => impl.getMany(ids, ctx));
  }
  plan(provider: string, id: string): Promise<OrchestrationPlanNode> {
    return this.byId('orchestration', provider, 'getPlans', id, (impl, ids, ctx) => impl.getPlans(ids, ctx));
  }
  run(provider: string, id: string): Promise<OrchestrationRunNode> {
    return this.byId('orchestration', provider, 'getRuns', id, (impl, ids, ctx) => impl.getRuns(ids, ctx));
  }
  async timeline(provider: string, incidentId: string): Promise<TimelineEntryNode[]> {
    const entries = await this.byId('incident', provider, 'timelines', incidentId, (impl, ids, ctx) =>
      impl.timelines(ids, ctx),
    );
    return entries.map((entry) => ({ ...entry, provider }));
  }
  async members(provider: string, teamId: string): Promise<TeamMemberNode[]> {
    const members = await this.byId('team', provider, 'members', teamId, (impl, ids, ctx) => impl.members(ids, ctx));
    return members.map((member) => ({ ...member, provider, teamId }));
  }

  // --- lists (primary provider) ---------------------------------------------------------------

  incidents(query: m.IncidentQuery): Promise<StampedPage<m.Incident>> {
    return this.page('incident', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  alerts(query: m.AlertQuery): Promise<StampedPage<m.Alert>> {
    return this.page('alert', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  tickets(query: m.TicketQuery): Promise<StampedPage<m.Ticket>> {
    return this.page('ticket', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  services(query: m.ServiceQuery): Promise<StampedPage<m.Service>> {
    return this.page('service', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  teams(query: m.TeamQuery): Promise<StampedPage<m.Team>> {
    return this.page('team', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  deployments(query: m.DeploymentQuery): Promise<StampedPage<m.Deployment>> {
    return this.page('deployment', 'query', query, (impl, qs, ctx) => impl.query(qs, ctx));
  }
  plans(query: m.OrchestrationPlanQuery): Promise<StampedPage<m.OrchestrationPlan>> {
    return this.page('orchestration', 'queryPlans', query, (impl, qs, ctx) => impl.queryPlans(qs, ctx));
  }
  runs(query: m.OrchestrationRunQuery): Promise<StampedPage<m.OrchestrationRun>> {
    return this.page('orchestration', 'queryRuns', query, (impl, qs, ctx) => impl.queryRuns(qs, ctx));
  }

  async logs(query: m.LogQuery): Promise<LogResultNode> {
    const { provider, impl } = this.registry.primary('log');
    const result = await this.batched<m.LogQuery, m.LogResult>('log', provider, 'query', (qs, call) =>
      impl.query(qs, call),
    ).load(this.scoped(provider, query));
    return { ...result, entries: result.entries.map((e) => ({ ...e, provider })) };
  }

  async metrics(query: m.MetricQuery): Promise<MetricSeriesNode[]> {
    const { provider, impl } = this.registry.primary('metric');
    const series = await this.batched<m.MetricQuery, m.MetricSeries[]>('metric', provider, 'query', (qs, call) =>
      impl.query(qs, call),
    ).load(this.scoped(provider, query));
    return series.map((s) => ({ ...s, provider }));
  }

  async metricDescriptors(scope: m.Scope): Promise<MetricDescriptorNode[]> {
    const { provider, impl } = this.registry.primary('metric');
    const descriptors = await this.batched<m.Scope, m.MetricDescriptor[]>('metric', provider, 'describe', (ss, call) =>
      impl.describe(ss, call),
    ).load(this.scopeFor(provider, scope) ?? {});
    return descriptors.map((d) => ({ ...d, provider }));
  }

  // --- joins by name --------------------------------------------------------------------------

  /** A service by canonical name or alias, from the service provider; null when none matches. */
  serviceByName(name: string): Promise<ServiceNode | null> {
    const { provider, impl } = this.registry.primary('service');
    const loader = this.loader<string, ServiceNode | null>(
      `service:${provider}:byName`,
      async (names, call) => {
        const services = await this.fetchByNames(
          'service',
          provider,
          names.map((n) => this.registry.serviceNameFor(provider, n)),
          (chunk) => impl.query([{ names: chunk, first: chunk.length * 2 }], call),
        );
        return names.map((name) => {
          const wanted = [name, this.registry.serviceNameFor(provider, name)].map((n) => n.toLowerCase());
          const match = services.find((s) =>
            [s.name, ...(s.aliases ?? [])].some((candidate) => wanted.includes(candidate.toLowerCase())),
          );
          return match ? { ...match, provider } : null;
        });
      },
      (name) => name.toLowerCase(),
    );
    return loader.load(name);
  }

  /** A team by name or handle, from the team provider; null when none matches. */
  teamByName(name: string): Promise<TeamNode | null> {
    const { provider, impl } = this.registry.primary('team');
    const loader = this.loader<string, TeamNode | null>(
      `team:${provider}:byName`,
      async (names, call) => {
        const teams = await this.fetchByNames('team', provider, [...names], (chunk) =>
          impl.query([{ names: chunk, first: chunk.length * 2 }], call),
        );
        return names.map((name) => {
          const wanted = name.toLowerCase();
          const match = teams.find((t) => t.name.toLowerCase() === wanted || t.handle?.toLowerCase() === wanted);
          return match ? { ...match, provider } : null;
        });
      },
      (name) => name.toLowerCase(),
    );
    return loader.load(name);
  }

  /** One health check per provider instance per request, however many capabilities it serves. */
  health(instance: ProviderInstance): Promise<ProviderHealth> {
    let pending = this.healthChecks.get(instance.name);
    if (!pending) {
      pending = checkHealth(instance);
      this.healthChecks.set(instance.name, pending);
    }
    return pending;
  }

  /** Clears cached reads of a record after a mutation changed it. */
  forget(capability: Capability, provider: string, op: string, id: string): void {
    this.loaders.get(`${capability}:${provider}:${op}`)?.clear(id);
    inFlightFor(this.registry).forget(`${capability}:${provider}:${op}`, id);
  }

  // --- machinery ------------------------------------------------------------------------------

  private async fetchByNames<T>(
    capability: Capability,
    provider: string,
    names: string[],
    fetch: (chunk: string[]) => Promise<Result<m.Page<T>>[]>,
  ): Promise<T[]> {
    const found: T[] = [];
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      const chunk = names.slice(i, i + NAMES_PER_CALL);
      const [page] = await this.callProvider(capability, provider, 'query', chunk.length, () => fetch(chunk));
      if (page instanceof Error) throw page;
      if (page) found.push(...page.edges.map((e) => e.node));
    }
    return found;
  }

  private byId<C extends Capability, T>(
    capability: C,
    provider: string,
    op: string,
    id: string,
    fetch: (impl: m.CapabilityMap[C], ids: readonly string[], ctx: CallContext) => Promise<Result<T>[]>,
  ): Promise<Stamped<T>> {
    const loader = this.loader<string, Stamped<T>>(`${capability}:${provider}:${op}`, async (ids, call) => {
      const { impl } = this.registry.serving(capability, provider);
      const results = await this.callProvider(capability, provider, op, ids.length, () => fetch(impl, ids, call));
      return this.settle(results, ids.length, provider, capability).map((r) =>
        r instanceof Error || Array.isArray(r) ? r : ({ ...(r as object), provider } as Stamped<T>),
      ) as (Stamped<T> | Error)[];
    });
    return loader.load(id);
  }

  private async page<C extends Capability, Q extends m.PageRequest & { scope?: m.Scope }, T extends { id: string }>(
    capability: C,
    op: string,
    query: Q,
    fetch: (impl: m.CapabilityMap[C], queries: readonly Q[], ctx: CallContext) => Promise<Result<m.Page<T>>[]>,
  ): Promise<StampedPage<T>> {
    const served = this.registry.providersOf(capability);
    const pageFrom = ({ provider, impl }: (typeof served)[number], request: Q): Promise<StampedPage<T>> =>
      this.batched<Q, m.Page<T>>(capability, provider, op, (qs, call) => fetch(impl, qs, call))
        .load(this.scoped(provider, request))
        .then((page) => ({
          provider,
          edges: page.edges.map((e) => ({ cursor: e.cursor, node: { ...e.node, provider } })),
          hasNextPage: page.hasNextPage,
          totalCount: page.totalCount ?? null,
        }));
    if (served.length === 1) return pageFrom(served[0] as (typeof served)[number], query);

    const start = decodePositions(
      query.after,
      served.map((s) => s.provider),
    );
    const pages = await Promise.all(
      served.map(({ provider, impl }) => {
        const { after: _merged, ...rest } = query;
        const after = start[provider];
        return pageFrom({ provider, impl }, (after === undefined ? rest : { ...rest, after }) as Q);
      }),
    );
    return { provider: MERGED, ...mergePages(pages, start, query.first, orderOf(capability, op)) };
  }

  private batched<Q, R>(
    capability: Capability,
    provider: string,
    op: string,
    fetch: (queries: readonly Q[], call: CallContext) => Promise<Result<R>[]>,
  ): DataLoader<Q, R, string> {
    return this.loader<Q, R>(
      `${capability}:${provider}:${op}`,
      async (queries, call) =>
        this.settle(
          await this.callProvider(capability, provider, op, queries.length, () => fetch(queries, call)),
          queries.length,
          provider,
          capability,
        ),
      stableStringify,
    );
  }

  /** The one place reads reach an adapter, so `/metrics` counts every provider call. */
  private callProvider<R>(
    capability: Capability,
    provider: string,
    op: string,
    items: number,
    call: () => Promise<R>,
  ): Promise<R> {
    recordProviderCall(provider, capability, op, items);
    return call();
  }

  private settle<R>(results: Result<R>[], expected: number, provider: string, capability: Capability): (R | Error)[] {
    if (!Array.isArray(results) || results.length !== expected) {
      const error = providerError(
        new Error(`answered ${Array.isArray(results) ? results.length : 'no'} results for ${expected} items`),
        provider,
        capability,
      );
      return Array.from({ length: expected }, () => error);
    }
    return results.map((r) => (r instanceof Error ? providerError(r, provider, capability) : r));
  }

  private loader<K, V>(
    key: string,
    batch: BatchRead<K, V>,
    cacheKeyFn: (key: K) => string = String,
  ): DataLoader<K, V, string> {
    let loader = this.loaders.get(key) as DataLoader<K, V, string> | undefined;
    if (!loader) {
      const [capability, provider, op] = key.split(':') as [Capability, string, string];
      const safe: BatchRead<K, V> = async (keys, call) => {
        try {
          return await batch(keys, call);
        } catch (err) {
          const error = providerError(err, provider, capability);
          return keys.map(() => error);
        }
      };
      const singleFlight = this.options.batch && this.options.singleFlight !== false;
      const inFlight = inFlightFor(this.registry);
      loader = new DataLoader<K, V, string>(
        async (keys) => {
          if (!singleFlight) return safe(keys, this.call);
          const { results, shared } = await inFlight.read(key, keys, cacheKeyFn, this.call, safe);
          if (shared > 0) recordSharedReads(provider, capability, op, shared);
          return results;
        },
        {
          cacheKeyFn,
          ...(this.options.batch ? {} : { batch: false, cache: false }),
        },
      );
      this.loaders.set(key, loader as DataLoader<unknown, unknown, string>);
    }
    return loader;
  }

  private scopeFor(provider: string, scope: m.Scope | undefined): m.Scope | undefined {
    if (!scope?.service) return scope;
    return { ...scope, service: this.registry.serviceNameFor(provider, scope.service) };
  }

  private scoped<Q extends { scope?: m.Scope }>(provider: string, query: Q): Q {
    return query.scope ? { ...query, scope: this.scopeFor(provider, query.scope) } : query;
  }
}
