import { expect } from 'vitest';
import type {
  Adapter,
  AdapterLogger,
  CapabilityMap,
  ListOrder,
  ListPosition,
  Page,
  PageRequest,
  Result,
} from '../../../adapters/contract/index.js';
import { positionOf } from '../../../adapters/contract/index.js';
import { createMockAdapter } from '../../../adapters/mock/index.js';

export const NOW = '2026-11-21T10:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export const silentLogger: AdapterLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface MockHandle {
  adapter: Adapter;
  caps: CapabilityMap;
}

export async function mock(config: Record<string, unknown> = {}): Promise<MockHandle> {
  const adapter = await createMockAdapter({ now: NOW, ...config }, { name: 'mock', logger: silentLogger });
  return { adapter, caps: adapter.capabilities as CapabilityMap };
}

export function ok<T>(result: Result<T> | undefined): T {
  if (result === undefined) throw new Error('missing result');
  if (result instanceof Error) throw result;
  return result;
}

type QueryFn<Q, T> = (queries: readonly Q[], ctx: object) => Promise<Result<Page<T>>[]>;

/** One query, every matching record (asks for a page big enough to hold them all). */
export async function list<Q extends PageRequest, T>(fn: QueryFn<Q, T>, query: Omit<Q, 'first'>): Promise<T[]> {
  const [page] = await fn([{ ...query, first: 1000 } as Q], {});
  const result = ok(page);
  expect(result.hasNextPage).toBe(false);
  return result.nodes;
}

/** Walks a list page by page, resuming after the last record of each. */
export async function walk<Q extends PageRequest, T extends { id: string }>(
  fn: QueryFn<Q, T>,
  query: Omit<Q, 'first'>,
  first: number,
  order: ListOrder<T>,
): Promise<T[]> {
  const out: T[] = [];
  let after: ListPosition | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const [page] = await fn([{ ...query, first, ...(after === undefined ? {} : { after }) } as Q], {});
    const result = ok(page);
    out.push(...result.nodes);
    if (!result.hasNextPage) return out;
    const last = result.nodes.at(-1);
    after = last && positionOf(order, last);
  }
  throw new Error('paging did not terminate');
}

export const ms = (iso: string | null | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

export function isNewestFirst(times: readonly string[]): boolean {
  return times.every((t, i) => i === 0 || ms(times[i - 1]) >= ms(t));
}
