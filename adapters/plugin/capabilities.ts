/**
 * Every capability of the adapter contract expressed as protocol calls. The protocol has no batch
 * methods, so a batch costs one call per item: sent together when the plugin announced the `id`
 * extension, one after another otherwise (so a batch holds a single queue slot). List queries ask
 * the plugin for `limit` records and page here, because the protocol has no cursors.
 */
import {
  AdapterError,
  type CallContext,
  type Capability,
  type CapabilityMap,
  type Page,
  type PageRequest,
  type Result,
  type TimelineEntry,
} from '../contract/index.js';
import * as records from './records.js';

/** What the capabilities need from the host. */
export interface Caller {
  call(method: string, payload: unknown, signal?: AbortSignal): Promise<unknown>;
  /** True when the running plugin answers concurrent calls (the `id` extension). */
  concurrent(): boolean;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function offsetOf(after: string | undefined): number {
  if (after === undefined) return 0;
  const offset = Number(after);
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new AdapterError('BAD_USER_INPUT', `invalid cursor ${JSON.stringify(after)}`);
  }
  return offset;
}

export function buildCapabilities(caller: Caller, capabilities: readonly Capability[]): Partial<CapabilityMap> {
  const call = (method: string, payload: unknown, ctx: CallContext) => caller.call(method, payload, ctx.signal);

  /** Runs one protocol call per item, each failure confined to its item. */
  async function each<I, O>(items: readonly I[], fn: (item: I) => Promise<O>): Promise<Result<O>[]> {
    const settle = (item: I) => fn(item).catch(asError);
    if (caller.concurrent()) return Promise.all(items.map(settle));
    const results: Result<O>[] = [];
    for (const item of items) results.push(await settle(item));
    return results;
  }

  function getMany<T>(method: string, normalize: (raw: unknown) => T) {
    return (ids: readonly string[], ctx: CallContext) =>
      each(ids, async (id) => normalize(await call(method, { id }, ctx)));
  }

  /** One page: asks for everything up to one past the page, to know whether another follows. */
  function queryMany<Q extends PageRequest, T>(method: string, normalize: (raw: unknown) => T) {
    return (queries: readonly Q[], ctx: CallContext) =>
      each(queries, async (query): Promise<Page<T>> => {
        const { first, after, ...filters } = query;
        const offset = offsetOf(after);
        const limit = offset + first + 1;
        const all = records.list(await call(method, { ...filters, limit }, ctx), `${method} results`);
        const slice = all.slice(offset, offset + first).map(normalize);
        const more = all.length > offset + first;
        return {
          edges: slice.map((node, i) => ({ cursor: String(offset + i + 1), node })),
          hasNextPage: more,
          totalCount: more ? null : all.length,
        };
      });
  }

  const all: CapabilityMap = {
    incident: {
      query: queryMany('incident.query', records.incident),
      getMany: getMany('incident.get', records.incident),
      create: async (input, ctx) => records.incident(await call('incident.create', input, ctx)),
      update: async (id, input, ctx) => records.incident(await call('incident.update', { id, input }, ctx)),
      timelines: (ids, ctx) =>
        each(ids, async (id) =>
          records
            .list(await call('incident.timeline.get', { id }, ctx), 'incident.timeline.get results')
            .map((raw) => records.timelineEntry(raw, id))
            .sort((a, b) => Date.parse(b.at) - Date.parse(a.at)),
        ),
      appendTimeline: async (id, entry, ctx): Promise<TimelineEntry> => {
        const at = new Date().toISOString();
        // OpsOrch Core's TimelineAppendInput carries `at` and an actor object.
        const wire = { ...entry, at, actor: entry.actor ? { name: entry.actor } : undefined };
        const answer = await call('incident.timeline.append', { id, entry: wire }, ctx);
        if (typeof answer === 'object' && answer !== null && 'id' in answer) return records.timelineEntry(answer, id);
        // Core plugins answer an append with no entry; the gateway still owes the caller one.
        return {
          id: `${id}@${at}`,
          incidentId: id,
          kind: entry.kind,
          body: entry.body,
          actor: entry.actor,
          at,
          url: null,
        };
      },
    },
    alert: {
      query: queryMany('alert.query', records.alert),
      getMany: getMany('alert.get', records.alert),
    },
    log: {
      query: (queries, ctx) =>
        each(queries, async (query) => records.logResult(await call('log.query', query, ctx), query.limit)),
    },
    metric: {
      query: (queries, ctx) =>
        each(queries, async (query) =>
          records.list(await call('metric.query', query, ctx), 'metric.query results').map(records.metricSeries),
        ),
      describe: (scopes, ctx) =>
        each(scopes, async (scope) =>
          records
            .list(await call('metric.describe', scope, ctx), 'metric.describe results')
            .map(records.metricDescriptor),
        ),
    },
    ticket: {
      query: queryMany('ticket.query', records.ticket),
      getMany: getMany('ticket.get', records.ticket),
      create: async (input, ctx) => records.ticket(await call('ticket.create', input, ctx)),
      update: async (id, input, ctx) => records.ticket(await call('ticket.update', { id, input }, ctx)),
    },
    messaging: {
      send: async (input, ctx) => records.message(await call('messaging.send', input, ctx), input),
    },
    service: {
      query: queryMany('service.query', records.service),
      // The protocol has no service.get; OpsOrch Core's ServiceQuery filters by `ids`, so one call serves the batch.
      getMany: async (ids, ctx) => {
        const found = records
          .list(await call('service.query', { ids, limit: ids.length }, ctx), 'service.query results')
          .map(records.service);
        return ids.map(
          (id) =>
            found.find((s) => s.id === id) ?? new AdapterError('NOT_FOUND', `service ${JSON.stringify(id)} not found`),
        );
      },
    },
    deployment: {
      query: queryMany('deployment.query', records.deployment),
      getMany: getMany('deployment.get', records.deployment),
    },
    team: {
      query: queryMany('team.query', records.team),
      getMany: getMany('team.get', records.team),
      members: (teamIds, ctx) =>
        each(teamIds, async (teamID) =>
          records.list(await call('team.members', { teamID }, ctx), 'team.members results').map(records.teamMember),
        ),
    },
    orchestration: {
      queryPlans: queryMany('orchestration.plans.query', records.plan),
      getPlans: getMany('orchestration.plans.get', records.plan),
      queryRuns: queryMany('orchestration.runs.query', records.run),
      getRuns: getMany('orchestration.runs.get', records.run),
      startRun: async (input, ctx) => records.run(await call('orchestration.runs.start', input, ctx)),
      completeStep: async (input, ctx) => records.run(await call('orchestration.runs.steps.complete', input, ctx)),
    },
    secret: {
      get: async (key, ctx) => records.secretValue(await call('secret.get', { key }, ctx), key),
      put: async (key, value, ctx) => {
        await call('secret.put', { key, value }, ctx);
      },
    },
  };
  return Object.fromEntries(capabilities.map((c) => [c, all[c]])) as Partial<CapabilityMap>;
}
