/**
 * The seeded mock world, multiplied: a bench-only adapter that answers incidents, alerts and tickets
 * `copies` times over (copy k of record `id` is `id~k`), so one incident page can show ten alerts
 * and one query can ask for a thousand incidents. Every outer call makes exactly one call to the
 * mock underneath, and the injected latency is paid once per call, as with a real provider.
 *
 * The latency is injected here, around the multiplied mock, and the answer is computed while it
 * elapses (see `withLatency`), not after it as the mock's own `latencyMs` does.
 */
import type {
  Adapter,
  AdapterFactory,
  CallContext,
  CapabilityMap,
  ListOrder,
  Page,
  PageRequest,
  Result,
} from '../../adapters/contract/index.js';
import { isAfter, LIST_ORDERS, sortInOrder } from '../../adapters/contract/index.js';
import { parseConfig } from '../../adapters/mock/config.js';
import { createMockAdapter } from '../../adapters/mock/index.js';
import { createDelay, type Delay } from '../../adapters/mock/latency.js';

export interface Copies {
  incident: number;
  alert: number;
  ticket: number;
}

const SEPARATOR = '~';
/** Enough to see every record of the mock world in one inner call. */
const ALL = 100_000;

const baseId = (id: string) => id.split(SEPARATOR)[0] as string;
const copyId = (id: string, k: number) => (k === 0 ? id : `${id}${SEPARATOR}${k}`);

/**
 * Page `request` of `items` (in `order`) repeated `copies` times, building only the records on the
 * page and the ones sharing its keys: a provider would not materialize a thousand records to answer
 * for twenty.
 */
function multipliedPage<T extends { id: string }>(
  items: readonly T[],
  copies: number,
  request: PageRequest,
  order: ListOrder<T>,
): Page<T> {
  const { after } = request;
  const nodes: T[] = [];
  for (let i = 0; i < items.length && nodes.length <= request.first; ) {
    const key = order.key(items[i] as T);
    let j = i;
    while (j < items.length && order.compareKeys(order.key(items[j] as T), key) === 0) j++;
    if (!after || order.compareKeys(key, after.key) >= 0) {
      const group = items
        .slice(i, j)
        .flatMap((item) => Array.from({ length: copies }, (_, k) => ({ ...item, id: copyId(item.id, k) })));
      nodes.push(...sortInOrder(group, order).filter((node) => !after || isAfter(order, node, after)));
    }
    i = j;
  }
  return {
    nodes: nodes.slice(0, request.first),
    hasNextPage: nodes.length > request.first,
    totalCount: items.length * copies,
  };
}

/** One inner query for all outer queries, each widened to the whole list, then paged here. */
async function multipliedQuery<Q extends PageRequest, T extends { id: string }>(
  queries: readonly Q[],
  ctx: CallContext,
  copies: number,
  inner: (queries: readonly Q[], ctx: CallContext) => Promise<Result<Page<T>>[]>,
  order: ListOrder<T>,
  narrow: (query: Q) => Q = (q) => q,
): Promise<Result<Page<T>>[]> {
  const wide = queries.map((q) => {
    const { after: _after, ...rest } = narrow(q);
    return { ...rest, first: ALL } as Q;
  });
  const pages = await inner(wide, ctx);
  return pages.map((page, i) =>
    page instanceof Error ? page : multipliedPage(page.nodes, copies, queries[i] as Q, order),
  );
}

async function multipliedGet<T extends { id: string }>(
  ids: readonly string[],
  ctx: CallContext,
  inner: (ids: readonly string[], ctx: CallContext) => Promise<Result<T>[]>,
): Promise<Result<T>[]> {
  const results = await inner(ids.map(baseId), ctx);
  return results.map((r, i) => (r instanceof Error ? r : { ...r, id: ids[i] as string }));
}

export function multiply(inner: Adapter, copies: Copies): Adapter {
  const caps = inner.capabilities as CapabilityMap;
  const incident: CapabilityMap['incident'] = {
    ...caps.incident,
    query: (qs, ctx) => multipliedQuery(qs, ctx, copies.incident, caps.incident.query, LIST_ORDERS.incidents),
    getMany: (ids, ctx) => multipliedGet(ids, ctx, caps.incident.getMany),
    timelines: async (ids, ctx) => {
      const results = await caps.incident.timelines(ids.map(baseId), ctx);
      return results.map((r, i) => (r instanceof Error ? r : r.map((e) => ({ ...e, incidentId: ids[i] as string }))));
    },
    update: async (id, input, ctx) => ({ ...(await caps.incident.update(baseId(id), input, ctx)), id }),
    appendTimeline: async (id, entry, ctx) => ({
      ...(await caps.incident.appendTimeline(baseId(id), entry, ctx)),
      incidentId: id,
    }),
  };
  const alert: CapabilityMap['alert'] = {
    query: (qs, ctx) => multipliedQuery(qs, ctx, copies.alert, caps.alert.query, LIST_ORDERS.alerts),
    getMany: (ids, ctx) => multipliedGet(ids, ctx, caps.alert.getMany),
  };
  const ticket: CapabilityMap['ticket'] = {
    ...caps.ticket,
    query: (qs, ctx) =>
      multipliedQuery(qs, ctx, copies.ticket, caps.ticket.query, LIST_ORDERS.tickets, (q) =>
        q.incidentId ? { ...q, incidentId: baseId(q.incidentId) } : q,
      ),
    getMany: (ids, ctx) => multipliedGet(ids, ctx, caps.ticket.getMany),
  };
  return { ...inner, kind: 'bench-mock', capabilities: { ...caps, incident, alert, ticket } };
}

/**
 * Every method answers after the injected latency, with an answer computed during it: a remote
 * provider computes while the request and its answer travel, so its work is not on the caller's
 * event loop at all. This mock runs in the caller's process, so its work must run there; it runs
 * after the calls sent in the same turn have all gone out (`setImmediate`), while the caller waits,
 * rather than once the wait is over, where it would sit on the caller's critical path (the mock's
 * metric series and log search are a good part of a millisecond). An error, too, arrives only when
 * the latency is over; an abort ends the wait at once, as in the mock.
 */
function withLatency(adapter: Adapter, delay: Delay): Adapter {
  const capabilities: Record<string, unknown> = {};
  for (const [name, capability] of Object.entries(adapter.capabilities as CapabilityMap)) {
    const wrapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(capability) as [string, unknown][]) {
      if (typeof value !== 'function') {
        wrapped[key] = value;
        continue;
      }
      const method = value as (...args: unknown[]) => Promise<unknown>;
      wrapped[key] = (...args: unknown[]) => {
        const last = args[args.length - 1];
        const waited = delay(typeof last === 'object' && last !== null ? (last as CallContext) : undefined);
        const answer = new Promise<void>((resolve) => setImmediate(resolve)).then(() => method.apply(capability, args));
        // Reported through `waited.then` below, or dropped with an aborted call.
        answer.catch(() => undefined);
        return waited.then(() => answer);
      };
    }
    capabilities[name] = wrapped;
  }
  return { ...adapter, capabilities: capabilities as unknown as CapabilityMap };
}

function readCopies(config: Record<string, unknown>): Copies {
  const raw = (config.copies ?? {}) as Record<string, unknown>;
  const count = (key: keyof Copies) => {
    const value = raw[key] ?? 1;
    if (!Number.isInteger(value) || (value as number) < 1)
      throw new Error(`"copies.${key}" must be a positive integer`);
    return value as number;
  };
  return { incident: count('incident'), alert: count('alert'), ticket: count('ticket') };
}

export const createBenchAdapter: AdapterFactory = async (config, env) => {
  const { copies: _copies, ...mock } = config;
  const { latencyMs, seed } = parseConfig(mock);
  const multiplied = multiply(await createMockAdapter({ ...mock, latencyMs: 0 }, env), readCopies(config));
  return latencyMs > 0 ? withLatency(multiplied, createDelay(latencyMs, seed)) : multiplied;
};
